"""Pages for training and mentoring sessions: the list (inside the user's region), a form to
record a session, and one session with the families who attended and a form to add more."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import get_visible_or_404, region_q, user_scope, visible
from entas.graduation import services
from entas.graduation.forms import AttendanceForm, TrainingSessionForm
from entas.graduation.models import OPEN_STATUSES, Enrolment, TrainingSession
from entas.graduation.queries import enrolments_for, may_change
from entas.programmes.models import Programme
from entas.regions.codes import within

PAGE_SIZE = 50


def sessions_for(user: User | None, programme: Programme | None = None) -> QuerySet[TrainingSession]:
    found = visible(user, TrainingSession.objects.select_related("programme", "region"))
    return found.filter(programme=programme) if programme else found


def attendance_candidates(user: User | None, session: TrainingSession) -> QuerySet[Enrolment]:
    """Open enrolments of the session's programme living where it was held, not yet attending,
    among the families the user may act for (a facilitator: her own caseload)."""
    return (enrolments_for(user).filter(region_q(session.region_id, "village_id"), programme=session.programme,
                                        status__in=OPEN_STATUSES)
            .exclude(sessions=session).select_related("household", "village").order_by("village_id", "id"))


def _programme(asked: str) -> Programme | None:
    # Only digits reach the query: `?programme=abc` lists every session instead of failing.
    return Programme.objects.filter(pk=int(asked)).first() if asked.isdigit() and len(asked) < 19 else None


@login_required
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    programme = _programme(request.GET.get("programme", ""))
    sessions = sessions_for(request.user, programme).annotate(attended=Count("attendees")).order_by("-date", "-id")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "graduation/session_list.html", {
        "page": page, "programme": programme, "programmes": Programme.objects.order_by("name"),
        "may_change": may_change(request.user)})


def _create(request: AuthenticatedHttpRequest, form: TrainingSessionForm) -> TrainingSession | None:
    data, scope = form.cleaned_data, user_scope(request.user)
    if not within(data["region"], scope):
        form.add_error("region", _("%(code)s is outside your region %(scope)s") % {"code": data["region"],
                                                                                  "scope": scope})
        return None
    try:
        return services.record_training(request.user, data["programme"], kind=data["kind"], topic=data["topic"],
                                        on=data["on"], region_code=data["region"])
    except ValidationError as error:
        show_errors(form, error)
        return None


@login_required
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not may_change(request.user):
        raise PermissionDenied
    form = TrainingSessionForm(request.POST or None, initial={"region": user_scope(request.user) or ""})
    if request.method == "POST" and form.is_valid() and (session := _create(request, form)):
        messages.success(request, _("Session recorded. Now tick the families who attended."))
        return redirect("graduation:session", pk=session.pk)
    return render(request, "graduation/session_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(request.user, TrainingSession.objects.select_related("programme", "region"), pk=pk)
    candidates = attendance_candidates(request.user, session)
    form = AttendanceForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if not may_change(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_attendance(request.user, session, list(form.cleaned_data["attendees"]))
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Attendance saved."))
                return redirect("graduation:session", pk=session.pk)
    attended = enrolments_for(request.user, session.attendees.all()).select_related("household", "village")
    return render(request, "graduation/session_detail.html", {
        "session": session, "form": form, "attended": attended.order_by("village_id", "id"),
        "attended_total": session.attendees.count(), "may_change": may_change(request.user),
        "has_candidates": candidates.exists()}, status=400 if form.errors else 200)
