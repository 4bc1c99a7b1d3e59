"""Pages: scoped lists with filters, and one page per enterprise, cooperative and group."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from entas.accounts.roles import IMPORTS_DATA
from entas.core import audit
from entas.core.scoping import get_visible_or_404
from entas.enterprises import queries
from entas.enterprises.change_forms import may_change
from entas.enterprises.forms import CooperativeFilterForm, EnterpriseFilterForm, GroupFilterForm
from entas.enterprises.models import Cooperative, Enterprise, Group
from entas.registry.identifiers import sees_full_identifiers

PAGE_SIZE = 50


def _listing(request: HttpRequest, form: forms.Form, rows: Any, template: str) -> HttpResponse:
    """Render a filtered list; `rows` turns the valid form into the queryset."""
    page = None
    if not request.GET or form.is_valid():
        queryset: QuerySet[Any] = rows(form)
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"form": form, "page": page, "query": query.urlencode(),
                                      "full_ids": sees_full_identifiers(request.user),
                                      "can_import": getattr(request.user, "role", None) in IMPORTS_DATA,
                                      "may_change": may_change(request.user)})


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None)
    return _listing(request, form, lambda f: queries.enterprises(
        request.user, f.to_filter() if request.GET else queries.EnterpriseFilter()), "enterprises/enterprise_list.html")


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(request.user, Enterprise.objects.select_related("village", "owner__household"),
                                    pk=pk)
    # The owner and the workers are named people: every view is on the record (UU 27/2022 PDP).
    audit.record(request.user, "enterprise.viewed", enterprise)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise, "jobs": queries.jobs(enterprise)[:500],
        "groups": enterprise_groups(enterprise), "full_ids": sees_full_identifiers(request.user),
        "may_change": may_change(request.user),
    })


def enterprise_groups(enterprise: Enterprise) -> QuerySet[Group]:
    return Group.objects.filter(members__enterprise=enterprise, members__left__isnull=True).order_by("name")


@login_required
def cooperative_list(request: HttpRequest) -> HttpResponse:
    form = CooperativeFilterForm(request.GET or None)
    return _listing(request, form, lambda f: queries.cooperatives(
        request.user, f.to_filter() if request.GET else queries.CooperativeFilter()),
        "enterprises/cooperative_list.html")


@login_required
def cooperative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cooperative = get_visible_or_404(request.user, Cooperative.objects.select_related("village"), pk=pk)
    audit.record(request.user, "cooperative.viewed", cooperative)
    members = list(queries.members(cooperative)[:1000])
    current = [m for m in members if m.left is None]
    return render(request, "enterprises/cooperative_detail.html", {
        "cooperative": cooperative, "members": members, "current_count": len(current),
        "poor_count": len([m for m in current if getattr(m, "poor", False)]),
        "units": cooperative.units.order_by("kind"),
        "managers": cooperative.managers.select_related("person").order_by("end", "role"),
        "groups": cooperative.groups.order_by("name"), "full_ids": sees_full_identifiers(request.user),
        "may_change": may_change(request.user),
    })


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET or None)

    def rows(f: forms.Form) -> QuerySet[Group]:
        data = f.cleaned_data if request.GET else {}
        return queries.groups(request.user, region=data.get("region") or "", kind=data.get("kind") or "",
                              sector=data.get("sector") or "")

    return _listing(request, form, rows, "enterprises/group_list.html")


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_visible_or_404(request.user, Group.objects.select_related("region", "cooperative"), pk=pk)
    audit.record(request.user, "group.viewed", group)
    members = group.members.select_related("enterprise", "person").order_by("left", "joined")
    return render(request, "enterprises/group_detail.html", {"group": group, "members": members,
                                                              "full_ids": sees_full_identifiers(request.user),
                                                              "may_change": may_change(request.user)})
