"""The monitoring dashboard: nation → province → regency → district → village, scoped to the user."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language

from entas.core.scoping import get_visible_or_404, user_scope
from entas.monitoring import dashboard, export, report, rollups
from entas.monitoring.models import Indicator, Period
from entas.regions import queries as regions
from entas.regions.models import Region

MAP_LAYERS = {1: "monitoring/boundaries/provinces.geojson", 2: "monitoring/boundaries/regencies.geojson"}


def _map(region: Region | None, children: list[dashboard.Line]) -> dict[str, Any] | None:
    level = 1 if region is None else region.level + 1
    if level not in MAP_LAYERS or not children:
        return None
    values = {line.code: float(line.achieved) if line.achieved is not None else None for line in children}
    return {"url": static(MAP_LAYERS[level]), "prefix": region.code if region else "", "values": values,
            "link": reverse("monitoring:region", kwargs={"code": "00"})}


def _export_query(request: HttpRequest, fmt: str = "xlsx") -> str:
    query = request.GET.copy()
    query["format"] = fmt
    return query.urlencode()


def _chosen(indicators: list[Indicator], code: str) -> Indicator | None:
    return next((i for i in indicators if i.code == code), indicators[0] if indicators else None)


@login_required
def page(request: HttpRequest, code: str | None = None) -> HttpResponseBase:
    scope = user_scope(request.user)
    if code is None and scope is not None:
        return redirect("monitoring:region", code=scope)
    # Outside the user's scope: 404 and a line in the audit log, for the page and its export alike.
    region = get_visible_or_404(request.user, Region.objects.all(), code=code) if code else None
    period = dashboard.parse_period(request.GET.get("period", "")) or dashboard.default_period()
    indicators = list(Indicator.objects.order_by("code"))
    chosen = _chosen(indicators, request.GET.get("indicator", ""))
    lines = dashboard.indicator_lines(request.user, region, period, get_language() or "id") if period else []
    children = dashboard.child_lines(request.user, region, period, chosen) if period and chosen else []
    trend = dashboard.trend(request.user, region, quarters=request.GET.get("trend") == "quarters")
    if request.GET.get("format") == "xlsx" and period:
        return export.dashboard_xlsx(request, region, period, lines, chosen, children)
    if request.GET.get("format") == "pdf" and period:
        return report.dashboard_pdf(request, region, period, lines, chosen, children, trend, rollups.freshness())
    return render(request, "monitoring/dashboard.html", {
        "region": region, "scope": scope, "period": period,
        "periods": Period.objects.all(), "indicators": indicators, "chosen": chosen, "lines": lines,
        "children": children, "map": _map(region, children), "fresh": rollups.freshness(),
        "trend": trend, "pdf_query": _export_query(request, "pdf"),
        "export_query": _export_query(request), "trail": regions.trail(region, scope),
    })
