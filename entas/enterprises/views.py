"""Pages: scoped lists with filters, and one page per enterprise, cooperative and group."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from entas.accounts.models import User
from entas.accounts.roles import IMPORTS_DATA
from entas.core import audit, sorting
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404, visible
from entas.enterprises import access, queries
from entas.enterprises.change_forms import may_change
from entas.enterprises.forms import CooperativeFilterForm, EnterpriseFilterForm, GroupFilterForm
from entas.enterprises.models import Cooperative, Enterprise, Group
from entas.registry.identifiers import sees_full_identifiers

PAGE_SIZE = 50
ENTERPRISE_SORTS = {"name": ["name"], "village": ["village_id"], "kbli": ["kbli_code"], "scale": ["scale"],
                    "workers": ["workers"], "status": ["status"]}
COOPERATIVE_SORTS = {"name": ["name"], "type": ["type"], "village": ["village_id"], "members": ["member_count"],
                     "status": ["status"]}


def _listing(request: AuthenticatedHttpRequest, form: forms.Form, rows: Any, template: str,
             listed_people: str | None = None, sorts: dict[str, list[str]] | None = None) -> HttpResponse:
    """Render a filtered list; `rows` turns the valid form into the queryset. A list whose rows
    name people (`listed_people`: the attribute holding the person id) is audit-logged per page.
    `sorts`: the columns the whole list may be sorted by (`?sort=`, see core.sorting)."""
    page, sort_key = None, ""
    if not request.GET or form.is_valid():
        queryset: QuerySet[Any] = rows(form)
        queryset, sort_key = sorting.sort(queryset, request.GET.get("sort"), sorts or {})
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        if listed_people:
            audit.record_list_read(request.user, queryset.model._meta.label_lower, request.GET,
                                   [row.pk for row in page], people=[getattr(row, listed_people) for row in page
                                                                     if getattr(row, listed_people) is not None])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"form": form, "page": page, "sort": sort_key, "query": query.urlencode(),
                                      "full_ids": sees_full_identifiers(request.user),
                                      "can_import": request.user.role in IMPORTS_DATA,
                                      "may_change": may_change(request.user)})


@login_required
def enterprise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None)
    return _listing(request, form, lambda f: queries.enterprises(
        request.user, f.to_filter() if request.GET else queries.EnterpriseFilter()), "enterprises/enterprise_list.html",
        listed_people="owner_id", sorts=ENTERPRISE_SORTS)


@login_required
def enterprise_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(request.user, Enterprise.objects.select_related("village", "owner__household"),
                                    pk=pk)
    # The owner and the workers are named people: every view is on the record (UU 27/2022 PDP).
    audit.record(request.user, audit.Action.ENTERPRISE_VIEWED, enterprise)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise, **_owner(request.user, enterprise),
        "jobs": queries.jobs(request.user, enterprise)[:500],
        "groups": queries.enterprise_groups(request.user, enterprise), "full_ids": sees_full_identifiers(request.user),
        "may_change": may_change(request.user),
    })


def _owner(user: User | None, enterprise: Enterprise) -> dict[str, Any]:
    """What the page may say of the owner: the registry's name and the full NIK only when the user
    may see the owner, the household's link and desil only when she may see the household; else
    the name the enterprise was registered with and the NIK masked."""
    seen = enterprise.owner_id is not None and queries.people(user).filter(pk=enterprise.owner_id).exists()
    return {"owner_seen": seen, "owner_household": queries.owner_household(user, enterprise) if seen else None,
            "owner_full_nik": sees_full_identifiers(user) and (seen or enterprise.owner_id is None)}


@login_required
def cooperative_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CooperativeFilterForm(request.GET or None)
    return _listing(request, form, lambda f: queries.cooperatives(
        request.user, f.to_filter() if request.GET else queries.CooperativeFilter()),
        "enterprises/cooperative_list.html", sorts=COOPERATIVE_SORTS)


@login_required
def cooperative_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cooperative = get_visible_or_404(request.user, Cooperative.objects.select_related("village"), pk=pk)
    audit.record(request.user, audit.Action.COOPERATIVE_VIEWED, cooperative)
    # The counts are of every member; the list names only those the user may see.
    counts = queries.member_counts(cooperative)
    listed = queries.member_list(request.user, cooperative)
    return render(request, "enterprises/cooperative_detail.html", {
        "cooperative": cooperative, "members": list(listed[:1000]), "current_count": counts["total"],
        "poor_count": counts["poor"], "unlisted_count": counts["total"] - listed.filter(left__isnull=True).count(),
        "units": queries.units(request.user, cooperative),
        "managers": queries.managers(request.user, cooperative),
        "groups": visible(request.user, cooperative.groups.all()).order_by("name"),
        "full_ids": sees_full_identifiers(request.user),
        "may_grant": access.may_grant(request.user, cooperative),
        "may_change": may_change(request.user),
    })


@login_required
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET or None)

    def rows(f: forms.Form) -> QuerySet[Group]:
        data = f.cleaned_data if request.GET else {}
        return queries.groups(request.user, region=data.get("region") or "", kind=data.get("kind") or "",
                              sector=data.get("sector") or "")

    return _listing(request, form, rows, "enterprises/group_list.html")


@login_required
def group_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_visible_or_404(request.user, Group.objects.select_related("region", "cooperative"), pk=pk)
    audit.record(request.user, audit.Action.GROUP_VIEWED, group)
    members = queries.group_members(request.user, group)
    return render(request, "enterprises/group_detail.html", {"group": group, "members": members,
                                                              "full_ids": sees_full_identifiers(request.user),
                                                              "may_change": may_change(request.user)})
