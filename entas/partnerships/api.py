"""Partners and agreements for API clients: national records, readable by every signed-in caller."""

from rest_framework import serializers, viewsets

from entas.core.api import NumericIds
from entas.partnerships.models import Agreement, AgreementQuerySet, Partner


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ["id", "name", "kind"]


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "kind", "number", "title", "parties", "signed", "valid_until", "status", "scope",
                  "programmes"]


class PartnerViewSet(NumericIds, viewsets.ReadOnlyModelViewSet[Partner]):
    serializer_class = PartnerSerializer
    queryset = Partner.objects.order_by("name")


class AgreementViewSet(NumericIds, viewsets.ReadOnlyModelViewSet[Agreement]):
    serializer_class = AgreementSerializer

    def get_queryset(self) -> AgreementQuerySet:
        return Agreement.objects.with_status().prefetch_related("parties", "programmes").order_by("-signed", "id")
