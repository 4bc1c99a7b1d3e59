"""Region reference data for API clients: list with filters, retrieve, children, search by name.

Region codes and names are public reference data (Kemendagri), so every signed-in client may read
all of them; what lies inside a region (people, enterprises) is scoped by each app's own API.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from entas.regions.codes import CODE_PATTERN
from entas.regions.models import Region


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent"]


class RegionFilter(serializers.Serializer[dict[str, object]]):
    level = serializers.IntegerField(required=False, min_value=1, max_value=4,
                                     help_text="1 province, 2 regency, 3 district, 4 village")
    parent = serializers.RegexField(  # type: ignore[assignment]
        CODE_PATTERN, required=False, help_text="dotted code of the parent region, e.g. 31.74"
    )
    q = serializers.CharField(required=False, min_length=2, help_text="part of the name")


@extend_schema_view(list=extend_schema(parameters=[RegionFilter]))
class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9.]+"

    def get_queryset(self) -> QuerySet[Region]:
        queryset = Region.objects.order_by("code")
        if self.action != "list":
            return queryset
        params = RegionFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if "level" in data:
            queryset = queryset.filter(level=data["level"])
        if "parent" in data:
            queryset = queryset.filter(parent_id=data["parent"])
        if "q" in data:
            queryset = queryset.filter(name__icontains=data["q"])
        return queryset

    @extend_schema(responses=RegionSerializer(many=True))
    @action(detail=True)
    def children(self, request: Request, code: str | None = None, **kwargs: Any) -> Response:
        region = self.get_object()
        page = self.paginate_queryset(region.children.order_by("code"))
        return self.get_paginated_response(RegionSerializer(page, many=True).data)
