"""Indicators (national) and targets and rollups (scoped to the caller's region) for API clients."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request

from entas.core.api import NumericIds, ScopedReadOnlyViewSet
from entas.core.scoping import region_q
from entas.monitoring.models import Indicator, Period, Rollup, Target
from entas.regions.codes import CODE_PATTERN, REGION_CODE


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


class MonitoringQuery(serializers.Serializer[dict[str, Any]]):
    indicator = serializers.SlugField(required=False, max_length=64, help_text="indicator code")
    region = serializers.RegexField(CODE_PATTERN, required=False, help_text="dotted region code, e.g. 33.10",
                                    error_messages={"invalid": REGION_CODE})
    period = serializers.RegexField(r"^[0-9]{4}(-Q[1-4])?$", required=False,
                                    help_text="a year (2025) or a quarter (2025-Q1)", error_messages={
                                        "invalid": gettext_lazy("give a year (2025) or a quarter (2025-Q1)")})


def filtered(found: QuerySet[Any], request: Request, region_field: str) -> QuerySet[Any]:
    """A list narrowed by ?indicator=, ?region= (the region and what lies inside it) and ?period=."""
    params = MonitoringQuery(data=request.query_params)
    params.is_valid(raise_exception=True)
    wanted = params.validated_data
    if "indicator" in wanted:
        found = found.filter(indicator__code=wanted["indicator"])
    if "region" in wanted:
        found = found.filter(region_q(wanted["region"], f"{region_field}_id"))
    if "period" in wanted:
        year, _, quarter = wanted["period"].partition("-Q")
        found = found.filter(period__year=int(year), period__quarter=int(quarter) if quarter else None)
    return found


@extend_schema_view(list=extend_schema(parameters=[MonitoringQuery]))
class TargetViewSet(ScopedReadOnlyViewSet[Target]):
    serializer_class = TargetSerializer

    def base_queryset(self) -> QuerySet[Target]:
        return Target.objects.select_related("period").order_by("id")

    def get_queryset(self) -> QuerySet[Target]:
        found = super().get_queryset()
        return filtered(found, self.request, "region") if self.action == "list" else found


@extend_schema_view(list=extend_schema(parameters=[MonitoringQuery]))
class RollupViewSet(ScopedReadOnlyViewSet[Rollup]):
    serializer_class = RollupSerializer

    def base_queryset(self) -> QuerySet[Rollup]:
        return Rollup.objects.select_related("period").order_by("id")

    def get_queryset(self) -> QuerySet[Rollup]:
        found = super().get_queryset()
        return filtered(found, self.request, "village") if self.action == "list" else found
