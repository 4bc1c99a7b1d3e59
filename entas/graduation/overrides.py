"""Readiness overrides: a family whose essential criteria are not met may still be marked ready
("Siap graduasi") when a regional officer or national administrator decides so, with a written
reason. The facilitator asks (`request_override`); the supervisor decides (`decide_override`) or
overrides directly (`override_readiness`). Checked, in a transaction, audited; approving marks the
family ready with a StatusChange whose note says override and why, and which keeps the evaluation
that found the criteria unmet."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit
from entas.graduation import pathway
from entas.graduation.models import Enrolment, Evaluation, OverrideDecision, ReadinessOverride, Status
from entas.graduation.queries import enrolments_for, may_change

# Who may let a family graduate without the criteria: a supervisor, never its own facilitator.
DECIDES_OVERRIDES = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}


def may_decide(user: User | None) -> bool:
    return user is not None and user.role in DECIDES_OVERRIDES


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _decider(actor: User | None, enrolment: Enrolment) -> None:
    if not may_decide(actor):
        raise _fail("decision", _("Only a regional officer or a national administrator may decide an override."))
    if not enrolments_for(actor).filter(pk=enrolment.pk).exists():
        raise _fail("decision", _("This family is outside your region."))


def _askable(actor: User | None, enrolment: Enrolment, reason: str) -> tuple[Enrolment, Evaluation, str]:
    """The locked enrolment, the evaluation that finds its criteria unmet, and the cleaned reason."""
    reason = reason.strip()
    if not reason:
        raise _fail("reason", _("Write why the family should be marked ready although the criteria are not met."))
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status != Status.ACTIVE:
        raise _fail("status", _("Only an active family can be marked ready; this one is %(status)s.") % {
            "status": Status(current.status).label})
    evaluation = pathway.judge(actor, current)
    if evaluation.essentials_met:
        raise _fail("reason", _("The essential criteria are met: mark the family ready, no override is needed."))
    return current, evaluation, reason


def _mark_ready(actor: User | None, enrolment: Enrolment, reason: str, on: date | None) -> None:
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status != Status.ACTIVE:
        raise _fail("status", _("Only an active family can be marked ready; this one is %(status)s.") % {
            "status": Status(current.status).label})
    evaluation = pathway.judge(actor, current)
    pathway.move(actor, current, "mark_ready", on or timezone.localdate(), f"override: {reason}",
                 evaluation=evaluation)


@transaction.atomic
def request_override(actor: User | None, enrolment: Enrolment, *, reason: str) -> ReadinessOverride:
    """The facilitator asks a supervisor to mark the family ready although an essential criterion
    is not met. Refused without a reason, for a family that is not active or that meets the
    criteria, and while another request for it waits."""
    if not may_change(actor):
        raise _fail("reason", _("Your role may not ask for an override."))
    current, evaluation, reason = _askable(actor, enrolment, reason)
    if ReadinessOverride.objects.filter(enrolment=current, decision=OverrideDecision.PENDING).exists():
        raise _fail("reason", _("A request for this family already waits for a decision."))
    override = ReadinessOverride.objects.create(enrolment=current, evaluation=evaluation, reason=reason,
                                                requested_by=actor, requested_at=timezone.now())
    audit.record_change(actor, audit.Action.OVERRIDE_REQUESTED, override,
                        details={"enrolment": current.pk, "reason": reason, "evaluation": evaluation.pk})
    return override


@transaction.atomic
def decide_override(actor: User | None, override: ReadinessOverride, *, approve: bool, note: str = "",
                    on: date | None = None) -> ReadinessOverride:
    """A supervisor approves (the family is marked ready) or rejects (a note says why) a request."""
    current = ReadinessOverride.objects.select_for_update().select_related("enrolment").get(pk=override.pk)
    _decider(actor, current.enrolment)
    if current.decision != OverrideDecision.PENDING:
        raise _fail("decision", _("This request was already decided: %(decision)s.") % {
            "decision": OverrideDecision(current.decision).label})
    note = note.strip()
    if not approve and not note:
        raise _fail("note", _("Say why the request is rejected."))
    if approve:
        _mark_ready(actor, current.enrolment, current.reason, on)
    current.decision = OverrideDecision.APPROVED if approve else OverrideDecision.REJECTED
    current.decided_by, current.decided_at, current.decision_note = actor, timezone.now(), note
    current.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    action = audit.Action.OVERRIDE_APPROVED if approve else audit.Action.OVERRIDE_REJECTED
    audit.record_change(actor, action, current, details={"enrolment": current.enrolment_id, "note": note})
    override.refresh_from_db()
    return current


@transaction.atomic
def override_readiness(actor: User | None, enrolment: Enrolment, *, reason: str,
                       on: date | None = None) -> ReadinessOverride:
    """A supervisor marks a family ready directly, with a written reason (kept as an approved
    override, and as the request's approval when the facilitator had asked)."""
    _decider(actor, enrolment)
    current, evaluation, reason = _askable(actor, enrolment, reason)
    waiting = ReadinessOverride.objects.filter(enrolment=current, decision=OverrideDecision.PENDING).first()
    if waiting is not None:
        return decide_override(actor, waiting, approve=True, note=reason, on=on)
    now = timezone.now()
    override = ReadinessOverride.objects.create(
        enrolment=current, evaluation=evaluation, reason=reason, requested_by=actor, requested_at=now,
        decision=OverrideDecision.APPROVED, decided_by=actor, decided_at=now, decision_note=reason)
    pathway.move(actor, current, "mark_ready", on or timezone.localdate(), f"override: {reason}",
                 evaluation=evaluation)
    audit.record_change(actor, audit.Action.OVERRIDE_APPROVED, override,
                        details={"enrolment": current.pk, "reason": reason, "direct": True})
    return override
