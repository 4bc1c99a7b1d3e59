"""Pages about a programme's families: the programme's results (graduation and relapse rates by
cohort and regency, its priority locations), enrolment (one household by No. KK, or every eligible
household of some regions), and the facilitators' progress against their yearly target. A
facilitator's own families are work_views.my_families."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import sorting
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import user_scope, visible
from entas.graduation import reports, services, warnings
from entas.graduation.bulk import BulkResult
from entas.graduation.eligibility import priority_list_of
from entas.graduation.forms import BulkEnrolForm, EnrolOneForm
from entas.graduation.models import Enrolment
from entas.graduation.queries import enrolments_for, facilitator_progress, may_change, may_enrol_in_bulk
from entas.programmes.models import Programme
from entas.programmes.queries import facilitators_for
from entas.regions.codes import within
from entas.regions.models import Region
from entas.registry.models import Household

PAGE_SIZE = 50
ENROLMENT_SORTS = {"kk": ["household__kk_number"], "village": ["village_id"], "status": ["status"],
                   "cohort": ["cohort"]}
FACILITATOR_SORTS = {"name": ["user__first_name", "user__last_name", "user__username"], "region": ["region_id"],
                     "caseload": ["open_cases"], "capacity": ["capacity"], "graduated": ["graduated"],
                     "target": ["yearly_target"], "status": ["active"]}
FACILITATORS_PER_PAGE = 100


@login_required
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("lead_agency"), pk=pk)
    latest = priority_list_of(programme)
    by_regency = reports.programme_rates(request.user, programme, "regency")[:100]
    names = dict(Region.objects.filter(code__in=[r["key"] for r in by_regency]).values_list("code", "name"))
    for row in by_regency:
        row["name"] = names.get(row["key"], "")
    return render(request, "graduation/programme_detail.html", {
        "programme": programme, "by_cohort": reports.programme_rates(request.user, programme, "cohort"),
        "by_regency": by_regency,
        "locations": visible(request.user, latest.locations.select_related("region"))[:100] if latest else [],
        "priority_list": latest,
        "at_risk": len(warnings.at_risk(visible(request.user, Enrolment.objects.filter(programme=programme)),
                                        today=timezone.localdate())),
    })


def _enrol_one(request: AuthenticatedHttpRequest, programme: Programme, form: EnrolOneForm) -> bool:
    household = visible(request.user, Household.objects.all()).filter(
        kk_number=form.cleaned_data["kk_number"]).first()
    if household is None:
        form.add_error("kk_number", _("No household with this No. KK inside your region."))
        return False
    try:
        services.enrol_household(request.user, programme, household, facilitator=form.cleaned_data["facilitator"])
    except ValidationError as error:
        show_errors(form, error)
        return False
    messages.success(request, _("Household %(kk)s enrolled.") % {"kk": household.kk_number})
    return True


def _enrol_bulk(request: AuthenticatedHttpRequest, programme: Programme, form: BulkEnrolForm) -> BulkResult | None:
    scope = user_scope(request.user)
    outside = [code for code in form.cleaned_data["regions"] if not within(code, scope)]
    if outside:
        form.add_error("regions", _("Outside your region: %(codes)s") % {"codes": ", ".join(outside)})
        return None
    try:
        return services.enrol_in_bulk(request.user, programme, region_codes=form.cleaned_data["regions"])
    except ValidationError as error:
        show_errors(form, error)
        return None


def _post_enrol(request: AuthenticatedHttpRequest, programme: Programme,
                facilitators: Any) -> tuple[EnrolOneForm, BulkEnrolForm, BulkResult | None, bool]:
    """(enrol-one form, bulk form, bulk result, succeeded) for one POST of the enrolment page."""
    bulk_asked = request.POST.get("kind") == "bulk"
    if not may_change(request.user) or (bulk_asked and not may_enrol_in_bulk(request.user)):
        raise PermissionDenied
    if bulk_asked:
        bulk = BulkEnrolForm(request.POST)
        result = _enrol_bulk(request, programme, bulk) if bulk.is_valid() else None
        return EnrolOneForm(facilitators=facilitators), bulk, result, result is not None
    one = EnrolOneForm(request.POST, facilitators=facilitators)
    return one, BulkEnrolForm(), None, one.is_valid() and _enrol_one(request, programme, one)


@login_required
def enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enrol one household by No. KK, or every eligible household of some regions at once."""
    programme = get_object_or_404(Programme, pk=pk)
    facilitators = facilitators_for(request.user).filter(active=True)
    one, bulk, result, ok = EnrolOneForm(facilitators=facilitators), BulkEnrolForm(), None, True
    if request.method == "POST":
        one, bulk, result, ok = _post_enrol(request, programme, facilitators)
        if ok and result is None:
            return redirect("graduation:enrol", pk=programme.pk)
    enrolments = (enrolments_for(request.user).filter(programme=programme)
                  .select_related("household", "village", "facilitator__user").order_by("-id"))
    enrolments, sort_key = sorting.sort(enrolments, request.GET.get("sort"), ENROLMENT_SORTS)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "graduation/enrol.html", {
        "programme": programme, "one": one, "bulk": bulk, "result": result, "page": page, "sort": sort_key,
        "may_change": may_change(request.user), "may_bulk": may_enrol_in_bulk(request.user),
    }, status=200 if ok else 400)


@login_required
def facilitator_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each facilitator's caseload and graduations this year against the yearly target, and the
    graduation and relapse rates of their families."""
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and len(asked) == 4 else timezone.localdate().year
    facilitators = facilitators_for(request.user)
    # A national administrator's list runs to 33,000 facilitators: a page at a time, and the rates
    # of the facilitators on that page.
    progress, sort_key = sorting.sort(facilitator_progress(facilitators, year).order_by("region_id", "id"),
                                      request.GET.get("sort"), FACILITATOR_SORTS)
    page = Paginator(progress, FACILITATORS_PER_PAGE).get_page(request.GET.get("page"))
    names = {f.pk: str(f) for f in page}
    rows = reports.rates(enrolments_for(request.user).filter(facilitator__in=list(names)), "facilitator")
    for row in rows:
        row["key"] = names.get(row["key"], row["key"])
    return render(request, "graduation/facilitator_report.html", {"progress": page, "page": page, "sort": sort_key,
                                                                   "rates": rows,
                                                                   "year": year, "query": f"year={year}"})
