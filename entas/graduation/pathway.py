"""The graduation pathway as one table: which action may move an enrolment from which status,
and to where, and `move()`, the only code that applies it (called by graduation.services and
graduation.overrides, never by views).

enrolled → active → ready → graduated → (follow-ups at 6, 12, 24 months) → sustained
a relapse sends a ready or graduated family back to active (counted); an exit ends any open one.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entas.accounts.models import User
from entas.core import audit
from entas.core.dates import happened
from entas.graduation.evaluate import record_evaluation
from entas.graduation.models import Enrolment, Evaluation, FollowUp, Status, StatusChange

S = Status
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "activate": (frozenset({S.ENROLLED}), S.ACTIVE),
    "mark_ready": (frozenset({S.ACTIVE}), S.READY),
    "graduate": (frozenset({S.READY}), S.GRADUATED),
    "sustain": (frozenset({S.GRADUATED}), S.SUSTAINED),
    "relapse": (frozenset({S.READY, S.GRADUATED}), S.ACTIVE),
    "exit": (frozenset({S.ENROLLED, S.ACTIVE, S.READY, S.GRADUATED}), S.EXITED),
}
ACTION_LABELS = {
    "activate": gettext_lazy("Activate"), "mark_ready": gettext_lazy("Mark ready"),
    "graduate": gettext_lazy("Graduate"), "sustain": gettext_lazy("Sustained"),
    "relapse": gettext_lazy("Relapse"), "exit": gettext_lazy("Exit"),
}


def refusal(action: str, status: str) -> str | None:
    """Why `action` cannot be applied to an enrolment in `status` (None when it can), in words with
    the step's and statuses' labels and, in brackets, their codes for API clients."""
    if action not in TRANSITIONS:
        return _("'%(action)s' is not a step of the pathway; the steps are %(steps)s") % {
            "action": action, "steps": ", ".join(TRANSITIONS)}
    sources, _target = TRANSITIONS[action]
    if status in sources:
        return None
    allowed = [f"{ACTION_LABELS[name]} ({name})" for name, (froms, _to) in TRANSITIONS.items() if status in froms]
    return _("%(step)s (%(action)s) is not possible for a family whose status is %(status)s (%(code)s); "
             "from this status: %(allowed)s") % {
        "step": ACTION_LABELS[action], "action": action, "status": Status(status).label, "code": status,
        "allowed": ", ".join(allowed) or _("no further step (final)")}


def months_after(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (days past the 28th fall back to the 28th: every month has one)."""
    year, month = divmod(start.month - 1 + months, 12)
    return datetime.date(start.year + year, month + 1, min(start.day, 28))


def follow_up_dates(graduated_on: datetime.date | None) -> list[tuple[int, datetime.date]]:
    """(month, due date) of each follow-up a graduation schedules; none before graduation."""
    return [(m, months_after(graduated_on, m)) for m in FollowUp.MONTHS] if graduated_on else []


def unmet(evaluation: Evaluation) -> list[str]:
    """The essential criteria an evaluation found unmet (those that applied to the family)."""
    return [str(r.get("code")) for r in evaluation.results
            if r.get("essential") and r.get("applies", True) and not r.get("met")]


def why_not_met(evaluation: Evaluation) -> str:
    """In words, why an evaluation does not let the family move on."""
    if evaluation.unjudged:
        return evaluation.unjudged
    failing = [str(r.get("label") or r.get("code")) for r in evaluation.results
               if r.get("essential") and r.get("applies", True) and not r.get("met")]
    return _("essential criteria not met on the latest assessment: %(criteria)s") % {
        "criteria": ", ".join(failing) or "—"}


def judge(actor: User | None, enrolment: Enrolment) -> Evaluation:
    """A fresh reading of the family's latest assessment against the programme's active rule set,
    kept, so that the step it allows or refuses can be traced to it."""
    return record_evaluation(actor, enrolment)


def move(actor: User | None, enrolment: Enrolment, action: str, on: datetime.date, note: str = "",
         evaluation: Evaluation | None = None, **fields: Any) -> Enrolment:
    """Apply one step, inside the caller's transaction: a StatusChange row and an audit entry."""
    happened("on", on)
    # Lock and re-read, so two people acting at once cannot both move the same family.
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if problem := refusal(action, current.status):
        raise ValidationError({"status": problem})
    before, target = current.status, TRANSITIONS[action][1]
    current.status = target
    current.version += 1
    for name, value in fields.items():
        setattr(current, name, value)
    if action == "graduate":
        current.graduated_on = on
    if action == "relapse":
        current.relapses += 1
        current.graduated_on = None
    current.save(update_fields=["status", "graduated_on", "relapses", "exit_reason", "exited_on", "version"])
    StatusChange.objects.create(enrolment=current, from_status=before, to_status=target, action=action, on=on,
                                actor=actor, note=note[:200], evaluation=evaluation)
    audit.record_change(actor, audit.Action(f"enrolment.{action}"), current,
                        details={"from": before, "to": target, "note": note[:200],
                                 "evaluation": evaluation.pk if evaluation else None})
    enrolment.refresh_from_db()
    return current
