from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from entas.accounts.roles import IMPORTS_DATA, READS_SHARING_HISTORY
from entas.core import audit, sorting
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404
from entas.registry import export, moves, queries, welfare
from entas.registry.forms import HouseholdFilterForm
from entas.registry.identifiers import sees_full_identifiers
from entas.registry.models import Household, Person

PAGE_SIZE = 50
# The columns a reader may sort the whole list by (`?sort=`); the village by its code, which is
# indexed and groups the villages of a district together.
SORTS = {"kk": ["kk_number"], "village": ["village_id"], "decile": ["decile"], "income": ["per_capita_income"]}


@login_required
def household_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = HouseholdFilterForm(request.GET or None)
    page, sort_key = None, ""
    if not request.GET or form.is_valid():
        flt = form.to_filter() if request.GET else queries.HouseholdFilter()
        fmt = request.GET.get("format", "")
        if fmt in export.FORMATS:
            return export.households(request, flt, fmt)
        members = Prefetch("members", queryset=Person.objects.order_by("relationship", "birth_date"))
        households, sort_key = sorting.sort(queries.households(request.user, flt), request.GET.get("sort"), SORTS)
        page = Paginator(households.prefetch_related(members), PAGE_SIZE).get_page(request.GET.get("page"))
        # The page names families and their heads: one `household.listed` entry per page shown.
        audit.record_list_read(request.user, "registry.household", request.GET, [h.pk for h in page],
                               people=[m.pk for h in page for m in h.members.all()],
                               households=[h.pk for h in page])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "registry/household_list.html", {
        "form": form, "page": page, "sort": sort_key, "query": query.urlencode(),
        "full_ids": sees_full_identifiers(request.user),
        "can_import": request.user.role in IMPORTS_DATA,
        "pending_moves": moves.pending_count(request.user),
    })


@login_required
def household_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(request.user, Household.objects.select_related("village"), pk=pk)
    # Every view of a family's personal data is on the record (UU 27/2022 PDP).
    audit.record(request.user, audit.Action.HOUSEHOLD_VIEWED, household)
    return render(request, "registry/household_detail.html", {
        "household": household,
        "members": household.members.order_by("relationship", "birth_date"),
        "memberships": household.memberships.select_related("person").order_by("-end_date"),  # the past ones
        "deciles": household.decile_history.order_by("-date"),
        "welfare": household.welfare_history.order_by("-date"),
        "assets_max": welfare.ASSETS_MAX, "housing_max": welfare.HOUSING_MAX,
        "assistance": household.assistance.select_related("person").order_by("-period", "programme")[:200],
        "full_ids": sees_full_identifiers(request.user),
        "sharing_history": request.user.role in READS_SHARING_HISTORY,
    })
