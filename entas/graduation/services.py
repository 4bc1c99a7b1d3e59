"""Every change to an enrolled family goes through the functions of this module: enrolment and
reassignment (`enrolment.py`), bulk enrolment (`bulk.py`), visits and interventions
(`interventions.py`), training sessions and attendance (`training.py`), readiness overrides
(`overrides.py`), rule sets and poverty lines (`rules.py`), all importable from here, and the
pathway steps below: a visit with its assessment, marking ready and graduating (each on a fresh
evaluation of the criteria), follow-ups, relapses, exits. Checked (the pathway against
`pathway.TRANSITIONS`), a ValidationError naming the field, in a transaction, audited, with a
StatusChange row per pathway step (`pathway.move`)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.core.dates import happened
from entas.core.refusals import choices
from entas.graduation import evaluate, pathway
from entas.graduation.bulk import enrol_in_bulk  # noqa: F401  (one import for callers)
from entas.graduation.enrolment import enrol_household, reassign  # noqa: F401
from entas.graduation.interventions import (  # noqa: F401
    record_loan,
    record_market_access,
    record_visit,
    set_loan_status,
)
from entas.graduation.models import (
    Enrolment,
    ExitReason,
    FollowUp,
    Status,
    Visit,
)
from entas.graduation.overrides import decide_override, override_readiness, request_override  # noqa: F401
from entas.graduation.queries import cooperative_member_on
from entas.graduation.rules import active_rule_set, create_rule_set, set_poverty_line  # noqa: F401
from entas.graduation.training import record_attendance, record_training  # noqa: F401


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


@transaction.atomic
def activate(actor: User | None, enrolment: Enrolment, *, on: date) -> Enrolment:
    return pathway.move(actor, enrolment, "activate", on)


def _judged(actor: User | None, enrolment: Enrolment, action: str, on: date) -> Enrolment:
    """A step that needs every essential criterion met: refused, naming what is missing, unless a
    fresh evaluation finds them met; the StatusChange keeps that evaluation."""
    happened("on", on)
    if problem := pathway.refusal(action, enrolment.status):
        raise _fail("status", problem)
    evaluation = pathway.judge(actor, enrolment)
    if not evaluation.essentials_met:
        step = {"mark_ready": _("Cannot mark ready"), "graduate": _("Cannot graduate")}[action]
        raise _fail("status", _("%(step)s: %(why)s") % {"step": step, "why": pathway.why_not_met(evaluation)})
    return pathway.move(actor, enrolment, action, on, evaluation=evaluation)


@transaction.atomic
def mark_ready(actor: User | None, enrolment: Enrolment, *, on: date) -> Enrolment:
    """"Siap graduasi": refused unless the latest assessment meets every essential criterion of the
    active rule set (otherwise a supervisor may override: graduation.overrides)."""
    return _judged(actor, enrolment, "mark_ready", on)


@transaction.atomic
def graduate(actor: User | None, enrolment: Enrolment, *, on: date) -> Enrolment:
    """Refused unless the latest assessment meets every essential criterion of the active rule set.
    Schedules the follow-ups at 6, 12 and 24 months (`pathway.follow_up_dates`)."""
    return _judged(actor, enrolment, "graduate", on)


@transaction.atomic
def relapse(actor: User | None, enrolment: Enrolment, *, on: date, note: str = "") -> Enrolment:
    return pathway.move(actor, enrolment, "relapse", on, note)


@transaction.atomic
def exit_enrolment(actor: User | None, enrolment: Enrolment, *, reason: str, on: date) -> Enrolment:
    if reason not in ExitReason.values:
        raise _fail("reason", _("Exit reason '%(reason)s' is unknown; choose one of: %(choices)s.") % {
            "reason": reason, "choices": choices(ExitReason)})
    return pathway.move(actor, enrolment, "exit", on, reason, exit_reason=reason, exited_on=on)


def next_follow_up(enrolment: Enrolment) -> int | None:
    """The month of the follow-up still to make since the family last graduated (None: all done)."""
    graduated_on = enrolment.graduated_on
    done = (FollowUp.objects.filter(enrolment=enrolment, on__gte=graduated_on).aggregate(m=Max("month"))["m"]
            if graduated_on else None)
    later = [m for m in FollowUp.MONTHS if done is None or m > done]
    return later[0] if later else None


def _not_graduated(enrolment: Enrolment) -> ValidationError:
    if enrolment.status == Status.SUSTAINED:
        return _fail("month", _("All three follow-ups are done: this family has sustained its graduation."))
    return _fail("month", _("A follow-up comes after graduation; this family is %(status)s, not yet graduated. "
                            "Graduate it first.") % {"status": Status(enrolment.status).label})


@transaction.atomic
def record_follow_up(actor: User | None, enrolment: Enrolment, *, month: int, on: date) -> FollowUp:
    """A follow-up after graduation decided by a fresh evaluation of the latest assessment (kept
    on the FollowUp): still meeting the essential criteria keeps the family graduated (sustained
    after 24 months); otherwise it relapses to active, and the relapse is counted."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Status.GRADUATED or enrolment.graduated_on is None:
        raise _not_graduated(enrolment)
    happened("on", on)
    expected = next_follow_up(enrolment)
    if month != expected:
        raise _fail("month", _("The next follow-up is at %(expected)s months, not %(month)s.") % {
            "expected": expected, "month": month})
    due = pathway.months_after(enrolment.graduated_on, month)
    if on < due:
        raise _fail("on", _("The %(month)s-month follow-up is due from %(due)s, not %(on)s.") % {
            "month": month, "due": numbers.day(due), "on": numbers.day(on)})
    evaluation = pathway.judge(actor, enrolment)
    if evaluation.unjudged:
        # No relapse for want of a poverty line: the follow-up waits until the family can be judged.
        raise _fail("month", _("The family cannot be judged: %(why)s") % {"why": evaluation.unjudged})
    met = evaluation.essentials_met
    follow_up = FollowUp.objects.create(enrolment=enrolment, month=month, on=on, sustained=met,
                                        evaluation=evaluation)
    audit.record_change(actor, audit.Action.FOLLOW_UP_RECORDED, enrolment,
                        details={"month": month, "sustained": met, "evaluation": evaluation.pk})
    if not met:
        pathway.move(actor, enrolment, "relapse", on, f"{month}-month follow-up: {pathway.why_not_met(evaluation)}",
                     evaluation=evaluation)
    elif month == FollowUp.MONTHS[-1]:
        pathway.move(actor, enrolment, "sustain", on, evaluation=evaluation)
    return follow_up


@transaction.atomic
def record_visit_with_assessment(actor: User | None, enrolment: Enrolment, *, date: date, notes: str = "",
                                 measures: dict[str, Any] | None = None, facilitator_id: int | None = None) -> Visit:
    """A home visit and the assessment made on it, in one step. Cooperative membership, when not
    given, is read from the family's memberships. The assessment is read at once against the active
    rule set (an Evaluation, shown on the family's page), and a family still only enrolled becomes
    active on its first visit."""
    values = {k: v for k, v in (measures or {}).items() if v is not None}
    if values and "cooperative_member" not in values:
        values["cooperative_member"] = cooperative_member_on(enrolment, date)
    visit = record_visit(actor, enrolment, on=date, notes=notes, assessment=values or None,
                         facilitator_id=facilitator_id)
    if enrolment.status == Status.ENROLLED:
        pathway.move(actor, enrolment, "activate", date, _("first home visit"))
    if values and evaluate.active_rule_set(enrolment.programme_id) is not None:
        pathway.judge(actor, enrolment)
    return visit
