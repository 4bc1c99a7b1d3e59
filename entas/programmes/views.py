"""Pages: programmes with their reports, the priority ranking, and a facilitator's own families."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core.forms import show_errors
from entas.core.scoping import user_scope, visible
from entas.programmes import priority, reports, services
from entas.programmes.bulk import BulkResult
from entas.programmes.forms import BulkEnrolForm, EnrolOneForm, PriorityListForm
from entas.programmes.models import OPEN_STATUSES, Facilitator, PriorityLevel, PriorityList, Programme
from entas.programmes.queries import (
    enrolments_for,
    facilitator_progress,
    facilitators_for,
    may_change,
    may_enrol_in_bulk,
    may_save_priority_lists,
)
from entas.regions.codes import within
from entas.registry.models import Household

VISIT_EVERY_DAYS = 30
PAGE_SIZE = 50
RANKING_ROWS = 100


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.select_related("lead_agency").order_by("-start", "name")
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("lead_agency"), pk=pk)
    enrolments = enrolments_for(request.user).filter(programme=programme)
    latest = programme.priority_lists.first()
    return render(request, "programmes/programme_detail.html", {
        "programme": programme, "by_cohort": reports.rates(enrolments, "cohort"),
        "by_regency": reports.rates(enrolments, "regency")[:100],
        "locations": visible(request.user, latest.locations.select_related("region"))[:100] if latest else [],
        "priority_list": latest,
    })


def _ranking_query(request: HttpRequest) -> tuple[str, str | None, dict[str, float], str]:
    """(level, within, weights, error) from the query string; `within` stays inside the user's scope."""
    scope = user_scope(request.user)
    level = request.GET.get("level") or priority.default_level(scope)
    asked = request.GET.get("within", "").strip() or scope
    if asked and not within(asked, scope):
        return level, scope, dict(priority.DEFAULT_WEIGHTS), _("within: %(code)s is outside your region %(scope)s") % {
            "code": asked, "scope": scope}
    try:
        return level, asked, priority.weights_from(request.GET), ""
    except ValidationError as problem:
        return level, asked, dict(priority.DEFAULT_WEIGHTS), " ".join(problem.messages)


def _save_list(request: HttpRequest, form: PriorityListForm, level: str, where: str | None,
               weights: dict[str, float]) -> bool:
    data = form.cleaned_data
    try:
        saved = services.save_priority_list(request.user, data["programme"], name=data["name"], weights=weights,
                                            quotas=data["quotas"], limit=data["limit"], level=level, within=where)
    except ValidationError as error:
        show_errors(form, error)
        return False
    messages.success(request, _("Priority list '%(name)s' saved with %(n)d places.") % {
        "name": saved.name, "n": saved.locations.count()})
    return True


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """Regencies or districts ranked by the weights in the query string; a national administrator
    may save the chosen places as a programme's priority list (it decides who may be enrolled)."""
    level, where, weights, error = _ranking_query(request)
    may_save = may_save_priority_lists(request.user)
    form = PriorityListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_save:
            raise PermissionDenied
        if not error and form.is_valid() and _save_list(request, form, level, where, weights):
            return redirect(f"{request.path}?{request.GET.urlencode()}")
    rows: list[priority.Ranked] = []
    total = 0
    if not error:
        try:
            ranked = priority.rank(weights, level, where)
            total, rows = len(ranked), ranked[:RANKING_ROWS]
        except ValidationError as problem:
            error = " ".join(problem.messages)
    for row in rows:
        row.explanation = priority.explain(row)
    saved = PriorityList.objects.select_related("programme").order_by("-created_at", "-id")[:20]
    status = 400 if error or (request.method == "POST" and form.errors) else 200
    return render(request, "programmes/ranking.html", {
        "rows": rows, "total": total, "weights": weights, "error": error, "level": level, "within": where or "",
        "levels": PriorityLevel.choices, "form": form, "may_save": may_save, "saved": saved}, status=status)


@login_required
def priority_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved list: its weights, quotas and the places chosen inside the user's scope."""
    saved = get_object_or_404(PriorityList.objects.select_related("programme"), pk=pk)
    locations = visible(request.user, saved.locations.select_related("region")).order_by("rank")
    return render(request, "programmes/priority_list.html", {"saved": saved, "locations": locations})


@login_required
def my_families(request: HttpRequest) -> HttpResponse:
    """A facilitator's own open families, the ones never visited or not visited for a month first,
    and her graduations this year against her yearly target."""
    facilitator = Facilitator.objects.filter(user_id=request.user.pk or 0).first()
    today = timezone.localdate()
    due = today - datetime.timedelta(days=VISIT_EVERY_DAYS)
    families: list[Any] = []
    progress = None
    if facilitator is not None:
        # NULLS FIRST spelled out: SQLite sorts never-visited families first, PostgreSQL last.
        families = list(enrolments_for(request.user).filter(facilitator=facilitator, status__in=OPEN_STATUSES)
                        .select_related("household", "programme", "village").annotate(last_visit=Max("visits__date"))
                        .order_by(F("last_visit").asc(nulls_first=True), "id"))
        progress = facilitator_progress(Facilitator.objects.filter(pk=facilitator.pk), today.year).first()
    needing = sum(1 for e in families if e.last_visit is None or e.last_visit < due)
    return render(request, "programmes/my_families.html", {
        "facilitator": progress, "families": families, "due": due, "needing": needing,
        "visit_every": VISIT_EVERY_DAYS})


def _enrol_one(request: HttpRequest, programme: Programme, form: EnrolOneForm) -> bool:
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


def _enrol_bulk(request: HttpRequest, programme: Programme, form: BulkEnrolForm) -> BulkResult | None:
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


def _post_enrol(request: HttpRequest, programme: Programme,
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
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol one household by No. KK, or every eligible household of some regions at once."""
    programme = get_object_or_404(Programme, pk=pk)
    facilitators = facilitators_for(request.user).filter(active=True)
    one, bulk, result, ok = EnrolOneForm(facilitators=facilitators), BulkEnrolForm(), None, True
    if request.method == "POST":
        one, bulk, result, ok = _post_enrol(request, programme, facilitators)
        if ok and result is None:
            return redirect("programmes:enrol", pk=programme.pk)
    enrolments = (enrolments_for(request.user).filter(programme=programme)
                  .select_related("household", "village", "facilitator__user").order_by("-id"))
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programmes/enrol.html", {
        "programme": programme, "one": one, "bulk": bulk, "result": result, "page": page,
        "may_change": may_change(request.user), "may_bulk": may_enrol_in_bulk(request.user),
    }, status=200 if ok else 400)


@login_required
def facilitator_report(request: HttpRequest) -> HttpResponse:
    """Each facilitator's caseload and graduations this year against the yearly target, and the
    graduation and relapse rates of their families."""
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and len(asked) == 4 else timezone.localdate().year
    facilitators = facilitators_for(request.user)
    progress = list(facilitator_progress(facilitators, year).order_by("region_id", "id"))
    names = {f.pk: str(f) for f in progress}
    rows = reports.rates(enrolments_for(request.user).filter(facilitator__in=facilitators), "facilitator")
    for row in rows:
        row["key"] = names.get(row["key"], row["key"])
    return render(request, "programmes/facilitator_report.html", {"progress": progress, "rates": rows,
                                                                   "year": year})
