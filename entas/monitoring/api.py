"""Indicators (national) and targets and rollups (scoped to the caller's region) for API clients."""

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from entas.core.api import NumericIds, ScopedReadOnlyViewSet
from entas.monitoring.models import Indicator, Period, Rollup, Target


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name_id", "name_en", "unit", "computation", "refreshed_at"]


class TargetSerializer(serializers.ModelSerializer[Target]):
    period: serializers.StringRelatedField[Period] = serializers.StringRelatedField()

    class Meta:
        model = Target
        fields = ["id", "indicator", "region", "period", "value", "achieved", "note"]


class RollupSerializer(serializers.ModelSerializer[Rollup]):
    period: serializers.StringRelatedField[Period] = serializers.StringRelatedField()

    class Meta:
        model = Rollup
        fields = ["id", "indicator", "village", "period", "value", "denominator", "computed_at"]


class IndicatorViewSet(NumericIds, viewsets.ReadOnlyModelViewSet[Indicator]):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.order_by("code")


class TargetViewSet(ScopedReadOnlyViewSet[Target]):
    serializer_class = TargetSerializer

    def base_queryset(self) -> QuerySet[Target]:
        return Target.objects.select_related("period").order_by("id")


class RollupViewSet(ScopedReadOnlyViewSet[Rollup]):
    serializer_class = RollupSerializer

    def base_queryset(self) -> QuerySet[Rollup]:
        return Rollup.objects.select_related("period").order_by("id")
