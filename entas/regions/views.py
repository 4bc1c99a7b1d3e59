from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404, user_scope, visible
from entas.regions import queries, sections
from entas.regions.models import Region


def _page(request: AuthenticatedHttpRequest, region: Region | None) -> HttpResponse:
    kids = queries.children(region)
    level = 1 if region is None else region.level + 1
    counts = queries.descendant_counts(region)
    kinds = queries.column_kinds(level)
    extra = sections.columns_for(request.user, [r.code for r in kids], level)
    rows: list[dict[str, Any]] = [
        {
            "region": child,
            "counts": [counts.get(child.code, {}).get(kind.value, 0) for kind in kinds],
            "extra": [column.values.get(child.code, 0) for column in extra],
        }
        for child in kids
    ]
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(kinds))]
    return render(request, "regions/region.html", {
        "region": region,
        "ancestors": queries.trail(region, user_scope(request.user)),
        "rows": rows,
        "kinds": kinds,
        "totals": totals,
        "extra_columns": extra,
        "child_count": len(kids),
    })


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    if scope is not None:
        return redirect("regions:detail", code=scope)
    return _page(request, None)


@login_required
def detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_visible_or_404(request.user, Region.objects.all(), code=code)
    return _page(request, region)


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = visible(request.user, Region.objects.select_related("parent"))
    results = results.filter(name__icontains=q).order_by("level", "code") if len(q) >= 2 else results.none()
    page = Paginator(results, 25).get_page(request.GET.get("page"))
    template = "regions/_search_results.html" if request.headers.get("HX-Request") else "regions/search.html"
    return render(request, template, {"q": q, "page": page})
