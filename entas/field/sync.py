"""Applying the commands a phone sends, each once.

A command is one change made offline (a visit with its assessment, a training attendance, a
follow-up) with an id made on the phone and the version of the family's enrolment it was based on.
For each, in order, inside one transaction per call and one savepoint per command:

1. the id: seen before with the same content → `duplicate`, answered from the stored outcome;
   seen with other content → `refused` (logged), nothing changes;
2. its form (kind, enrolment, version, data) → `refused` naming the field;
3. the caseload: a family that was never this facilitator's → `refused` and logged
   (`field.command_refused`), with the same words whether or not the family exists;
4. the version: a family that moved on since (another step, exited, handed to another facilitator),
   other than by this phone's own earlier commands → `conflict`, kept for the supervisor;
5. otherwise the same service as the online pages (transaction, audit) → `applied`, or `refused`
   with the service's words when it says no (a date in the future or before enrolment, a value of
   the wrong type, a closed family).
"""

import datetime
import hashlib
import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit
from entas.field.models import Command, Conflict, Device, Kind, Outcome
from entas.graduation import services
from entas.graduation.models import CaseloadAssignment, Enrolment, FollowUp, StatusChange, TrainingSession

MAX_COMMANDS = 500
NOTES_MAX = 2000


def first_error(error: ValidationError) -> tuple[str, str]:
    """(field, message) of a ValidationError: the first one it names."""
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.message_dict.items()))
        return ("" if name == "__all__" else name), errors[0]
    return "", error.messages[0]


def _day(raw: Any, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else _bad_day(raw, name)
    except ValueError:
        return _bad_day(raw, name)


def _bad_day(raw: Any, name: str) -> datetime.date:
    raise ValidationError({name: _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": raw}})


def _whole(raw: Any, name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**53:
        raise ValidationError({name: _("'%(value)s' is not a whole number above 0.") % {"value": raw}})
    return raw


def apply(actor: User | None, enrolment: Enrolment, kind: str, data: dict[str, Any],
          facilitator_id: int | None = None) -> None:
    """The change a command asks for, through the service the online pages use; a visit is the
    visit of `facilitator_id`, the phone's facilitator (the family may have moved on since)."""
    if kind == Kind.VISIT:
        notes = data.get("notes") or ""
        if not isinstance(notes, str) or len(notes) > NOTES_MAX:
            raise ValidationError({"notes": _("Notes are text of at most %(n)s characters.") % {"n": NOTES_MAX}})
        measures = data.get("assessment")
        if measures is not None and not isinstance(measures, dict):
            raise ValidationError({"assessment": _("The assessment is a set of named values.")})
        services.record_visit_with_assessment(actor, enrolment, date=_day(data.get("date"), "date"), notes=notes,
                                              measures=measures, facilitator_id=facilitator_id)
    elif kind == Kind.ATTENDANCE:
        session = TrainingSession.objects.filter(pk=_whole(data.get("session"), "session")).first()
        if session is None:
            raise ValidationError({"session": _("This training session no longer exists.")})
        services.record_attendance(actor, session, [enrolment])
    else:
        month = data.get("month")
        if month not in FollowUp.MONTHS or isinstance(month, bool):
            raise ValidationError({"month": _("A follow-up is at 6, 12 or 24 months, not %(value)s.") % {
                "value": month}})
        services.record_follow_up(actor, enrolment, month=month, on=_day(data.get("date"), "date"))


def version_after(kind: str, enrolment: Enrolment) -> int:
    """The family's version once `apply` is done. A visit's step (a first visit activates) refreshes
    this very object (pathway.move); a follow-up moves a copy it locks itself; an attendance, nothing."""
    if kind == Kind.FOLLOW_UP:
        return Enrolment.objects.values_list("version", flat=True).get(pk=enrolment.pk)
    return enrolment.version


def _digest(raw: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _answer(command: Command, status: str | None = None) -> dict[str, Any]:
    return {"id": str(command.pk), "status": status or command.outcome, "message": command.message,
            "field": command.field or None, "version": command.version_after}


def _refused(raw_id: Any, message: str, field: str = "") -> dict[str, Any]:
    return {"id": raw_id if isinstance(raw_id, str) else None, "status": Outcome.REFUSED, "message": message,
            "field": field or None, "version": None}


def _was_mine(device: Device, enrolment: Enrolment) -> bool:
    facilitator = device.facilitator_id
    return enrolment.facilitator_id == facilitator or CaseloadAssignment.objects.filter(
        enrolment=enrolment, to_facilitator_id=facilitator).exists()


def _moved_on(device: Device, enrolment: Enrolment, base: int) -> bool:
    """Whether the family changed since `base` other than by this device's own applied commands:
    follow the chain of versions those commands moved it through (one indexed lookup per step)."""
    if enrolment.facilitator_id != device.facilitator_id:
        return True
    version = base
    while version < enrolment.version:
        step = (Command.objects.filter(device=device, enrolment=enrolment, outcome=Outcome.APPLIED,
                                       base_version=version, version_after__gt=version)
                .order_by("-version_after").values_list("version_after", flat=True).first())
        if step is None:
            return True
        version = step
    return version != enrolment.version


def server_side(device: Device, enrolment: Enrolment) -> dict[str, Any]:
    """The family as the server has it, and what changed since the phone last downloaded it."""
    since = device.caseload_at or timezone.now() - datetime.timedelta(days=30)
    steps = StatusChange.objects.filter(enrolment=enrolment, on__gte=timezone.localtime(since).date())
    handovers = CaseloadAssignment.objects.filter(enrolment=enrolment, at__gte=since,
                                                  from_facilitator__isnull=False).select_related(
        "from_facilitator__user", "to_facilitator__user")
    return {
        "status": enrolment.status, "version": enrolment.version,
        "facilitator": str(enrolment.facilitator) if enrolment.facilitator else "",
        "steps": [{"on": s.on.isoformat(), "from": s.from_status, "to": s.to_status, "action": s.action,
                   "note": s.note} for s in steps.order_by("on", "id")],
        "handovers": [{"at": h.at.isoformat(), "from": str(h.from_facilitator or ""), "to": str(h.to_facilitator),
                       "reason": h.reason} for h in handovers.order_by("at", "id")],
    }


def _conflict(device: Device, command: Command, enrolment: Enrolment) -> Command:
    command.outcome = Outcome.CONFLICT
    command.message = _("The family changed on the server since your last sync (status, facilitator or another "
                        "step): your change waits for your supervisor's decision.")
    command.save(force_insert=True)
    conflict = Conflict.objects.create(command=command, enrolment=enrolment, village_id=enrolment.village_id,
                                       server=server_side(device, enrolment), opened_at=timezone.now())
    audit.record(device.facilitator.user, audit.Action.FIELD_CONFLICT_OPENED, conflict, details={
        "conflict": conflict.pk, "command": str(command.pk), "enrolment": enrolment.pk,
        "based_on": command.base_version, "server_version": enrolment.version})
    return command


def _positive(value: Any, limit: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < limit else None


def _shape_problem(command: Command, kind: Any, data: Any) -> tuple[str, str] | None:
    """What is missing from a command's form, as (field, words); None when it is whole."""
    if kind not in Kind.values:
        return "kind", _("'%(value)s' is not a kind of change; the kinds are %(kinds)s.") % {
            "value": kind, "kinds": ", ".join(Kind.values)}
    if command.enrolment_id is None:
        return "enrolment", _("The command does not name a family.")
    if command.base_version is None:
        return "version", _("The command does not say which version of the family it was based on.")
    if not isinstance(data, dict):
        return "data", _("The command carries no content.")
    return None


def _id_of(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw.get("id"))) if isinstance(raw, dict) else None
    except ValueError:
        return None


def _one(device: Device, raw: Any, seen: dict[uuid.UUID, Command]) -> dict[str, Any]:
    """One command's outcome; `seen` holds the commands already stored among this call's ids (read
    at once for the whole call) and takes this one once stored."""
    if not isinstance(raw, dict):
        return _refused(None, _("A command is a set of named values."))
    command_id = _id_of(raw)
    if command_id is None:
        return _refused(raw.get("id"), _("The command has no valid id (a UUID made on the phone)."), "id")
    digest = _digest(raw)
    stored = seen.get(command_id)
    if stored is not None:
        if stored.device_id == device.pk and stored.digest == digest:
            return {**_answer(stored, "duplicate"), "first": stored.outcome}
        audit.record(device.facilitator.user, audit.Action.FIELD_COMMAND_REFUSED, device, details={
            "command": str(command_id), "why": "id reused with other content"})
        return _refused(str(command_id), _("This command id was already used for another change; nothing was "
                                           "changed. Record the change again."), "id")
    kind, data = raw.get("kind"), raw.get("data")
    recorded = parse_datetime(raw["recorded_at"]) if isinstance(raw.get("recorded_at"), str) else None
    enrolment_id, base = _positive(raw.get("enrolment"), 2**63), _positive(raw.get("version"), 2**31)
    command = Command(pk=command_id, device=device, kind=str(kind)[:12], data=raw, digest=digest,
                      received_at=timezone.now(), recorded_at=recorded, outcome=Outcome.REFUSED,
                      enrolment_id=enrolment_id, base_version=base)
    seen[command_id] = command  # every way on stores it (a failure to store fails the whole call)
    problem = _shape_problem(command, kind, data)
    if problem or enrolment_id is None or base is None or not isinstance(data, dict):
        return _store_refused(command, *(problem or ("data", "")))
    enrolment = (Enrolment.objects.select_for_update(of=("self",)).select_related("village")
                 .filter(pk=enrolment_id).first())
    if enrolment is None or not _was_mine(device, enrolment):
        audit.record(device.facilitator.user, audit.Action.FIELD_COMMAND_REFUSED, device, details={
            "command": str(command_id), "enrolment": enrolment_id, "why": "outside the caseload"})
        return _store_refused(command, "enrolment", _("This family is not in your caseload; nothing was recorded."))
    if base > enrolment.version:
        return _store_refused(command, "version", _("The command names a version of the family that does not "
                                                    "exist; sync again before recording."))
    if _moved_on(device, enrolment, base):
        return _answer(_conflict(device, command, enrolment))
    try:
        with transaction.atomic():
            apply(device.facilitator.user, enrolment, str(kind), data, device.facilitator_id)
    except ValidationError as error:
        return _store_refused(command, *first_error(error))
    command.outcome, command.version_after = Outcome.APPLIED, version_after(str(kind), enrolment)
    command.save(force_insert=True)
    return _answer(command)


def _store_refused(command: Command, field: str, message: str) -> dict[str, Any]:
    command.outcome, command.field, command.message = Outcome.REFUSED, field[:40], message[:500]
    command.save(force_insert=True)
    return _answer(command)


def receive(device: Device, commands: Any) -> list[dict[str, Any]]:
    """Every command of one call, in order, with its outcome. One transaction: a crash leaves nothing
    half-written and the phone, having no answer, sends the same commands again."""
    if not isinstance(commands, list):
        raise ValidationError({"commands": _("Send the changes as a list named 'commands'.")})
    if len(commands) > MAX_COMMANDS:
        raise ValidationError({"commands": _("At most %(max)s changes per call, not %(n)s: send them in parts.") % {
            "max": MAX_COMMANDS, "n": len(commands)}})
    results = []
    with transaction.atomic():
        Device.objects.select_for_update().filter(pk=device.pk).update(last_seen_at=timezone.now())
        ids = {found for found in map(_id_of, commands) if found is not None}
        seen = {c.pk: c for c in Command.objects.filter(pk__in=ids)}
        for raw in commands:
            try:
                with transaction.atomic():
                    results.append(_one(device, raw, seen))
            except IntegrityError:
                # The same id arrived at the same moment from elsewhere: answered as that one was.
                seen.update({c.pk: c for c in Command.objects.filter(pk__in=[_id_of(raw)])})
                results.append(_one(device, raw, seen))
    return results
