"""The monitoring dashboard: nation → province → regency → district → village, scoped to the user."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language

from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404, user_scope
from entas.linkage import queries as linkage_queries
from entas.monitoring import boundaries, charts, dashboard, export, report, rollups, village
from entas.monitoring.models import Indicator, Period
from entas.regions import queries as regions
from entas.regions.codes import Level, parent_of
from entas.regions.models import Region


def _child_layer(region: Region | None) -> str | None:
    return boundaries.layer(1 if region is None else region.level + 1, region.code if region else "")


def _map(region: Region | None, children: list[dashboard.Line]) -> dict[str, Any] | None:
    """The child regions coloured by the chosen indicator; a district, whose villages have no shapes,
    is drawn highlighted among the districts of its regency instead."""
    if region is not None and region.level == Level.DISTRICT:
        return _outline(region.code, focus=False)
    path = _child_layer(region)
    if path is None or not children:
        return None
    values = {line.code: float(line.achieved) if line.achieved is not None else None for line in children}
    return {"url": static(path), "prefix": region.code if region else "", "values": values,
            "link": reverse("monitoring:region", kwargs={"code": "00"}),
            "unshaped": len(boundaries.without_shape(path, list(values)))}


def _outline(district: str, *, focus: bool) -> dict[str, Any] | None:
    """The district among its regency's districts (from its province's file only); `focus` zooms in
    on the district. None when the file has no shape for it: the page then goes without a map."""
    path = boundaries.layer(Level.DISTRICT, district)
    if path is None or boundaries.without_shape(path, [district]):
        return None
    return {"url": static(path), "prefix": parent_of(district), "highlight": district, "focus": focus,
            "link": reverse("monitoring:region", kwargs={"code": "00"})}


def _export_query(request: AuthenticatedHttpRequest, fmt: str = "xlsx") -> str:
    query = request.GET.copy()
    query["format"] = fmt
    return query.urlencode()


def _chosen(indicators: list[Indicator], code: str) -> Indicator | None:
    return next((i for i in indicators if i.code == code), indicators[0] if indicators else None)


@login_required
def page(request: AuthenticatedHttpRequest, code: str | None = None) -> HttpResponseBase:
    scope = user_scope(request.user)
    if code is None and scope is not None:
        return redirect("monitoring:region", code=scope)
    # Outside the user's scope: 404 and a line in the audit log, for the page and its export alike.
    region = get_visible_or_404(request.user, Region.objects.all(), code=code) if code else None
    period = dashboard.parse_period(request.GET.get("period", "")) or dashboard.default_period()
    indicators = list(Indicator.objects.order_by("code"))
    chosen = _chosen(indicators, request.GET.get("indicator", ""))
    lines = dashboard.indicator_lines(request.user, region, period, get_language() or "id") if period else []
    if region is not None and region.level == Level.VILLAGE and period:
        return _village(request, region, period, lines, scope)
    children = dashboard.child_lines(request.user, region, period, chosen) if period and chosen else []
    trend = dashboard.trend(request.user, region, quarters=request.GET.get("trend") == "quarters")
    drawn = {"trend": charts.trend_chart(trend, chosen), "children": charts.children_chart(chosen, children)}
    map_data = _map(region, children)
    if request.GET.get("format") == "xlsx" and period:
        return export.dashboard_xlsx(request, region, period, lines, chosen, children, trend)
    if request.GET.get("format") == "pdf" and period:
        return report.dashboard_pdf(request, region, period, lines, chosen, children, trend, rollups.freshness())
    return render(request, "monitoring/dashboard.html", {
        "region": region, "scope": scope, "period": period,
        "periods": Period.objects.all(), "indicators": indicators, "chosen": chosen, "lines": lines,
        "children": children, "map": map_data, "fresh": rollups.freshness(),
        "trend": trend, "charts": charts.as_json(drawn), "bars_height": 60 + 22 * len(children),
        "pdf_query": _export_query(request, "pdf"), "export_query": _export_query(request),
        "trail": regions.trail(region, scope),
        # How the links of agency data to registry people were made (counts only; entas.linkage).
        "links": linkage_queries.counts_in(region.code if region else None),
    })


def _village(request: AuthenticatedHttpRequest, region: Region, period: Period, lines: list[dashboard.Line],
             scope: str | None) -> HttpResponseBase:
    """The village profile (profil desa) in place of a list of children, which a village has not."""
    profile = village.profile(request.user, region.code, period)
    drawn: dict[str, charts.Chart | None] = {"deciles": charts.decile_chart(profile),
                                             "coverage": charts.coverage_chart(profile)}
    if request.GET.get("format") == "xlsx":
        return export.village_xlsx(request, region, period, lines, profile)
    if request.GET.get("format") == "pdf":
        return report.village_pdf(request, region, period, lines, profile, rollups.freshness())
    return render(request, "monitoring/village.html", {
        "region": region, "scope": scope, "period": period, "periods": Period.objects.all(), "lines": lines,
        "profile": profile, "charts": charts.as_json(drawn), "fresh": rollups.freshness(),
        "map": _outline(parent_of(region.code) or "", focus=True),
        "pdf_query": _export_query(request, "pdf"), "export_query": _export_query(request),
        "trail": regions.trail(region, scope),
    })
