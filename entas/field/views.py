"""The field app's pages on the web (docs/field.md): the phones registered for the field app (a
facilitator's own; a regional officer's, those of the facilitators of her region; a national
administrator's, all), which the facilitator or her supervisor may revoke; the queue of conflicts
between a phone's change and the server's version of a family, and one conflict with both versions
and the supervisor's decision.

Facilitators, regional officers and national administrators use these pages; for every other role
they answer 404, as an address that does not exist would. Everything shown is read through
core.scoping (a device or conflict outside the user's scope: 404) and every change goes through
entas.field.services. A facilitator reads her own conflicts; only a supervisor decides them.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit, numbers
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404, visible
from entas.field import services
from entas.field.conflicts import may_resolve
from entas.field.devices import SUPERVISES
from entas.field.forms import DECIDED, OPEN, ConflictFilterForm, DecisionForm, RevokeForm
from entas.field.models import Command, Conflict, Device, Kind, Resolution
from entas.graduation.criteria import ASSESSMENT_FIELDS
from entas.graduation.models import Assessment, ExitReason, Status, TrainingSession
from entas.graduation.pathway import ACTION_LABELS
from entas.registry.identifiers import shown
from entas.registry.models import Household, Person, Relationship

PAGE_SIZE = 50
USES = SUPERVISES | {Role.FACILITATOR}
MONEY = ("per_capita_income", "savings")  # assessment items in rupiah
# The badge of each decision (core/templatetags/badges.py's tones).
TONES = {Resolution.OPEN: "waiting", Resolution.APPLIED: "ok", Resolution.DISCARDED: "neutral"}


def _uses(user: User) -> None:
    # Analysts, cooperative managers and API clients have no business with phones or their conflicts.
    if user.role not in USES:
        raise Http404


# --- devices ---------------------------------------------------------------------------------------

@login_required
def devices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The phones registered in the user's scope: active ones first, then the revoked ones, latest first."""
    user = request.user
    _uses(user)
    found = visible(user, Device.objects.select_related("facilitator__user", "facilitator__region", "revoked_by"))
    found = found.order_by(F("revoked_at").desc(nulls_first=True), "-registered_at", "-id")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "field/devices.html", {
        "page": page, "supervisor": user.role in SUPERVISES, "facilitator": user.role == Role.FACILITATOR,
        "app_url": request.build_absolute_uri(reverse("field:app")), "reason_max": 200,
        "waiting": visible(user, Conflict.objects.filter(resolution=Resolution.OPEN)).count(),
    })


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    _uses(user)
    device = get_visible_or_404(user, Device.objects.all(), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("field:devices")
    try:
        services.revoke_device(user, device, reason=form.cleaned_data["reason"])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(device)s” is revoked: its next sync is refused and the app erases the "
                                    "families it holds.") % {"device": device.label})
    return redirect("field:devices")


# --- conflicts -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Family:
    """How a page names a family the user may see: its No. KK (masked for the roles that see it
    masked) and the name of its head."""

    kk: str
    head: str


def _families(user: User, household_ids: list[int]) -> dict[int, Family]:
    """The families among `household_ids` the user may see (a facilitator: those still in her caseload)."""
    ids = set(household_ids)
    homes = visible(user, Household.objects.filter(pk__in=ids)).values_list("pk", "kk_number")
    heads = dict(visible(user, Person.objects.filter(household_id__in=ids, relationship=Relationship.HEAD))
                 .order_by("-pk").values_list("household_id", "full_name"))  # the first head wins
    return {pk: Family(kk=shown(user, kk), head=heads.get(pk, "")) for pk, kk in homes}


def _conflicts(user: User) -> QuerySet[Conflict]:
    return visible(user, Conflict.objects.select_related(
        "village", "enrolment__programme", "command__device__facilitator__user", "resolved_by"))


@login_required
def conflicts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The conflicts of the user's scope: those waiting for a decision first (oldest first), then the
    decided ones (latest decision first)."""
    user = request.user
    _uses(user)
    form = ConflictFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = _conflicts(user)
    waiting = rows.filter(resolution=Resolution.OPEN).count()
    if status == OPEN:
        rows = rows.filter(resolution=Resolution.OPEN)
    elif status == DECIDED:
        rows = rows.exclude(resolution=Resolution.OPEN)
    rows = rows.annotate(decided=Case(When(resolution=Resolution.OPEN, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
    rows = rows.order_by("decided", F("resolved_at").desc(nulls_last=True), "opened_at", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    families = _families(user, [c.enrolment.household_id for c in page])
    # The page names families (of enrolments): one `enrolment.listed` entry per page shown.
    audit.record_list_read(user, "graduation.enrolment", request.GET, [c.enrolment_id for c in page],
                           households=list(families))
    return render(request, "field/conflicts.html", {
        "page": page, "form": form, "waiting": waiting, "supervisor": user.role in SUPERVISES,
        "rows": [(c, families.get(c.enrolment.household_id), TONES.get(Resolution(c.resolution), "neutral"))
                 for c in page],
    })


@dataclass
class Measure:
    """One assessment item: the phone's value beside the server's latest, both in words."""

    label: str
    phone: str
    server: str
    differs: bool


@dataclass
class PhoneSide:
    kind: str
    date: datetime.date | str | None = None
    notes: str = ""
    session: TrainingSession | None = None
    session_id: Any = None
    month: Any = None
    assessed: bool = False
    measures: list[Measure] = field(default_factory=list)


def _day(raw: Any) -> datetime.date | str | None:
    """An ISO date of the phone's or the server's JSON as a date (the page formats it); else as given."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return raw


def _moment(raw: Any) -> datetime.datetime | str | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return parse_datetime(raw) or raw
    except ValueError:
        return raw


def _value(name: str, value: Any) -> str:
    if value is None:
        return numbers.MISSING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return numbers.rupiah(value) if name in MONEY else numbers.count(value)
    return str(value)  # what the phone sent, as sent (the service refuses it when applied)


def _label(name: str) -> str:
    if name in ASSESSMENT_FIELDS:
        found = Assessment._meta.get_field(name)
        return capfirst(str(getattr(found, "verbose_name", name)))
    return name


def _phone(user: User, command: Command, latest: Assessment | None) -> PhoneSide:
    """What the phone asked for, read from the command as it arrived (it may be malformed)."""
    raw = command.data if isinstance(command.data, dict) else {}
    data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
    assert isinstance(data, dict)
    side = PhoneSide(kind=str(Kind(command.kind).label) if command.kind in Kind.values else command.kind)
    if command.kind == Kind.VISIT:
        side.date = _day(data.get("date"))
        side.notes = data["notes"] if isinstance(data.get("notes"), str) else ""
        measures = data.get("assessment")
        if isinstance(measures, dict):
            side.assessed = True
            names = [n for n in ASSESSMENT_FIELDS if n in measures] + sorted(set(measures) - set(ASSESSMENT_FIELDS))
            for name in names:
                ours = getattr(latest, name) if latest is not None and name in ASSESSMENT_FIELDS else None
                side.measures.append(Measure(_label(name), _value(name, measures[name]), _value(name, ours),
                                             measures[name] != ours))
    elif command.kind == Kind.ATTENDANCE:
        session = data.get("session")
        side.session_id = session
        if isinstance(session, int) and not isinstance(session, bool) and 0 < session < 2**63:
            side.session = visible(user, TrainingSession.objects.filter(pk=session)).first()
    elif command.kind == Kind.FOLLOW_UP:
        side.date, side.month = _day(data.get("date")), data.get("month")
    return side


def _status(code: Any) -> str:
    return str(Status(code).label) if code in Status.values else str(code or numbers.MISSING)


def _server(conflict: Conflict) -> dict[str, Any]:
    """The family as the server had it when the conflict opened (sync.server_side), in words."""
    server = conflict.server if isinstance(conflict.server, dict) else {}
    steps = []
    for step in server.get("steps") or []:
        action, note = step.get("action"), step.get("note") or ""
        if action == "exit" and note in ExitReason.values:
            note = str(ExitReason(note).label)
        steps.append({"on": _day(step.get("on")), "action": str(ACTION_LABELS.get(action, action)),
                      "from": _status(step.get("from")), "to": _status(step.get("to")), "note": note})
    handovers = [{"at": _moment(h.get("at")), "from": h.get("from") or "", "to": h.get("to") or "",
                  "reason": h.get("reason") or ""} for h in server.get("handovers") or []]
    return {"status": server.get("status") or "", "status_label": _status(server.get("status")),
            "version": server.get("version"), "facilitator": server.get("facilitator") or "",
            "steps": steps, "handovers": handovers}


def _refusal(form: DecisionForm, error: ValidationError) -> None:
    """The service's refusal on the form: on the decision or the note when it names them; otherwise
    (the graduation service refusing the change itself) at the top, saying what it refused."""
    found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for name, texts in found.items():
        if name in form.fields:
            form.add_error(name, texts)
        else:
            form.add_error(None, [_("The phone's change cannot be applied: %(why)s") % {"why": t} for t in texts])


@login_required
@require_http_methods(["GET", "POST"])
def conflict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """One conflict: the phone's change beside the server's version. A supervisor decides an open one."""
    user = request.user
    _uses(user)
    found = get_visible_or_404(user, Conflict.objects.select_related(
        "village", "enrolment__programme", "enrolment__household", "command__device__facilitator__user",
        "resolved_by"), pk=pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not may_resolve(user, found):
            raise Http404  # a facilitator reads her conflicts; her supervisor decides them
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                services.resolve_conflict(user, found, decision=decision, note=form.cleaned_data["note"])
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                _refusal(form, error)
            else:
                messages.success(request, _("Decision saved: the phone's change was applied.") if decision == "apply"
                                 else _("Decision saved: the server's version was kept."))
                return redirect("field:conflicts")
        status = 400
    else:
        # The page shows a family's assessment and history: a read of its file, on the record.
        audit.record(user, audit.Action.ENROLMENT_VIEWED, found.enrolment)
    enrolment = found.enrolment
    family = _families(user, [enrolment.household_id]).get(enrolment.household_id)
    latest = (visible(user, Assessment.objects.filter(enrolment=enrolment)).order_by("-date", "-id").first()
              if family is not None else None)
    server = _server(found)
    return render(request, "field/conflict.html", {
        "c": found, "command": found.command, "family": family, "phone": _phone(user, found.command, latest),
        "server": server, "latest": latest, "supervisor": user.role in SUPERVISES,
        "tone": TONES.get(Resolution(found.resolution), "neutral"),
        "moved_on": server["version"] != enrolment.version,
        "now_label": _status(enrolment.status),
        "form": form if found.resolution == Resolution.OPEN and may_resolve(user, found) else None,
    }, status=status)
