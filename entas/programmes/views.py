"""Pages of programmes' own data: the list of programmes, creating and editing one, and the
priority ranking with its saved lists. A programme's results, enrolment and the facilitators' pages are graduation's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import user_scope, visible
from entas.programmes import priority, services
from entas.programmes.forms import PriorityListForm, ProgrammeForm
from entas.programmes.models import PriorityLevel, PriorityList, Programme
from entas.programmes.queries import may_save_priority_lists
from entas.regions.codes import within

RANKING_ROWS = 100


@login_required
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    programmes = Programme.objects.select_related("lead_agency").order_by("-start", "name")
    return render(request, "programmes/programme_list.html", {
        "programmes": programmes, "may_manage": services.may_manage_programmes(request.user)})


def _programme_form(request: AuthenticatedHttpRequest, programme: Programme | None) -> HttpResponse:
    """Create (programme None) or edit a programme; the service's refusal lands on its field."""
    if not services.may_manage_programmes(request.user):
        raise PermissionDenied
    initial = None
    if programme is not None:
        initial = {f: getattr(programme, f) for f in services.PROGRAMME_FIELDS if f != "partner_agencies"}
        initial["partner_agencies"] = list(programme.partner_agencies.all())
    form = ProgrammeForm(request.POST if request.method == "POST" else None, initial=initial, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            if programme is None:
                data = form.service_fields()
                programme = services.create_programme(request.user, **data)
                messages.success(request, _("Programme '%(name)s' created.") % {"name": programme.name})
            else:
                services.change_programme(request.user, programme, **form.service_fields())
                messages.success(request, _("Programme '%(name)s' saved.") % {"name": programme.name})
            return redirect("graduation:programme", pk=programme.pk)
        except ValidationError as error:
            show_errors(form, error)
    status = 400 if form.errors else 200
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme}, status=status)


@login_required
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _programme_form(request, None)


@login_required
def programme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _programme_form(request, get_object_or_404(Programme, pk=pk))


def _ranking_query(request: AuthenticatedHttpRequest) -> tuple[str, str | None, dict[str, float], str]:
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


def _save_list(request: AuthenticatedHttpRequest, form: PriorityListForm, level: str, where: str | None,
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
def ranking(request: AuthenticatedHttpRequest) -> HttpResponse:
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
        "rows": rows, "total": total, "weights": priority.labelled(weights), "error": error, "level": level,
        "within": where or "",
        "levels": PriorityLevel.choices, "form": form, "may_save": may_save, "saved": saved}, status=status)


@login_required
def priority_list_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A saved list: its weights, quotas and the places chosen inside the user's scope."""
    saved = get_object_or_404(PriorityList.objects.select_related("programme"), pk=pk)
    locations = visible(request.user, saved.locations.select_related("region")).order_by("rank")
    return render(request, "programmes/priority_list.html", {"saved": saved, "locations": locations,
                                                              "weights": priority.labelled(saved.weights)})
