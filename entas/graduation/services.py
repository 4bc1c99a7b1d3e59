"""Every change to an enrolled family goes through the functions of this module: enrolment and
reassignment (`enrolment.py`), bulk enrolment (`bulk.py`), visits and interventions
(`interventions.py`), training sessions and attendance (`training.py`), all importable from here,
and the pathway steps, rule sets and poverty lines below: checked (the pathway against
`pathway.TRANSITIONS`), a ValidationError naming the field, in a transaction, audited, with a
StatusChange row per pathway step."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from entas.accounts.models import User
from entas.core import audit
from entas.core.dates import happened
from entas.graduation import pathway
from entas.graduation.bulk import enrol_in_bulk  # noqa: F401  (one import for callers)
from entas.graduation.enrolment import enrol_household, reassign  # noqa: F401
from entas.graduation.evaluate import essentials_met
from entas.graduation.interventions import (  # noqa: F401
    record_loan,
    record_market_access,
    record_visit,
    set_loan_status,
)
from entas.graduation.models import (
    AppliesWhen,
    Code,
    Criterion,
    Enrolment,
    ExitReason,
    FollowUp,
    PovertyLine,
    RuleSet,
    Status,
    StatusChange,
)
from entas.graduation.training import record_attendance, record_training  # noqa: F401
from entas.programmes.models import Programme
from entas.regions.codes import Level
from entas.regions.models import Region


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def active_rule_set(programme: Programme) -> RuleSet:
    found = RuleSet.objects.filter(programme=programme, active=True).first()
    if found is None:
        raise _fail("rule_set", f"{programme} has no active graduation rule set")
    return found


def _transition(actor: User | None, enrolment: Enrolment, action: str, on: date, note: str = "",
                **fields: Any) -> Enrolment:
    happened("on", on)
    # Lock and re-read, so two people acting at once cannot both move the same family.
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if problem := pathway.refusal(action, current.status):
        raise _fail("status", problem)
    before, target = current.status, pathway.TRANSITIONS[action][1]
    current.status = target
    for name, value in fields.items():
        setattr(current, name, value)
    if action == "graduate":
        current.graduated_on = on
    if action == "relapse":
        current.relapses += 1
        current.graduated_on = None
    current.save(update_fields=["status", "graduated_on", "relapses", "exit_reason", "exited_on"])
    StatusChange.objects.create(enrolment=current, from_status=before, to_status=target, action=action, on=on,
                                actor=actor, note=note)
    audit.record_change(actor, audit.Action(f"enrolment.{action}"), current,
                        details={"from": before, "to": target, "note": note})
    enrolment.refresh_from_db()
    return current


@transaction.atomic
def activate(actor: User | None, enrolment: Enrolment, *, on: date) -> Enrolment:
    return _transition(actor, enrolment, "activate", on)


@transaction.atomic
def mark_ready(actor: User | None, enrolment: Enrolment, *, on: date) -> Enrolment:
    return _transition(actor, enrolment, "mark_ready", on)


@transaction.atomic
def graduate(actor: User | None, enrolment: Enrolment, *, on: date) -> Enrolment:
    """Refused unless the latest assessment meets every essential criterion of the active rule set."""
    happened("on", on)
    if problem := pathway.refusal("graduate", enrolment.status):
        raise _fail("status", problem)
    met, failing = essentials_met(active_rule_set(enrolment.programme), enrolment)
    if not met:
        raise _fail("status", f"cannot graduate: essential criteria not met on the latest assessment: "
                              f"{', '.join(failing)}")
    return _transition(actor, enrolment, "graduate", on)


@transaction.atomic
def relapse(actor: User | None, enrolment: Enrolment, *, on: date, note: str = "") -> Enrolment:
    return _transition(actor, enrolment, "relapse", on, note)


@transaction.atomic
def exit_enrolment(actor: User | None, enrolment: Enrolment, *, reason: str, on: date) -> Enrolment:
    if reason not in ExitReason.values:
        raise _fail("reason", f"'{reason}' is not an exit reason; use one of {', '.join(ExitReason.values)}")
    return _transition(actor, enrolment, "exit", on, reason, exit_reason=reason, exited_on=on)


def _months_after(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    day = min(start.day, 28)
    return date(start.year + year, month + 1, day)


def _next_follow_up(enrolment: Enrolment) -> int | None:
    graduated_on = enrolment.graduated_on
    done = (FollowUp.objects.filter(enrolment=enrolment, on__gte=graduated_on).aggregate(m=Max("month"))["m"]
            if graduated_on else None)
    later = [m for m in FollowUp.MONTHS if done is None or m > done]
    return later[0] if later else None


@transaction.atomic
def record_follow_up(actor: User | None, enrolment: Enrolment, *, month: int, on: date) -> FollowUp:
    """A follow-up after graduation, read from the latest assessment: still meeting the essential
    criteria keeps the family graduated (sustained after 24 months); otherwise it relapses."""
    if enrolment.status != Status.GRADUATED or enrolment.graduated_on is None:
        raise _fail("month", f"a follow-up comes after graduation; this enrolment is {enrolment.status}")
    happened("on", on)
    expected = _next_follow_up(enrolment)
    if month != expected:
        raise _fail("month", f"the next follow-up is at {expected} months, not {month}")
    due = _months_after(enrolment.graduated_on, month)
    if on < due:
        raise _fail("on", f"the {month}-month follow-up is due from {due}, not {on}")
    met, failing = essentials_met(active_rule_set(enrolment.programme), enrolment)
    follow_up = FollowUp.objects.create(enrolment=enrolment, month=month, on=on, sustained=met)
    audit.record_change(actor, audit.Action.FOLLOW_UP_RECORDED, enrolment, details={"month": month, "sustained": met})
    if not met:
        relapse(actor, enrolment, on=on, note=f"{month}-month follow-up: {', '.join(failing)}")
    elif month == FollowUp.MONTHS[-1]:
        _transition(actor, enrolment, "sustain", on)
    return follow_up


@transaction.atomic
def create_rule_set(actor: User | None, programme: Programme, criteria: list[dict[str, Any]]) -> RuleSet:
    """A new version of the programme's criteria; it replaces the active one (kept for history)."""
    if not criteria:
        raise _fail("criteria", "a rule set needs at least one criterion")
    for item in criteria:
        if item.get("code") not in Code.values:
            raise _fail("criteria", f"'{item.get('code')}' is not a criterion; use one of {', '.join(Code.values)}")
        if item.get("applies_when", AppliesWhen.ALWAYS) not in AppliesWhen.values:
            raise _fail("criteria", f"'{item['applies_when']}' is not one of {', '.join(AppliesWhen.values)}")
    last = RuleSet.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0
    RuleSet.objects.filter(programme=programme, active=True).update(active=False)
    rule_set = RuleSet.objects.create(programme=programme, version=last + 1)
    Criterion.objects.bulk_create([Criterion(rule_set=rule_set, **item) for item in criteria])
    audit.record_change(actor, audit.Action.RULE_SET_CREATED, rule_set,
                        details={"programme": programme.pk, "version": last + 1,
                                 "criteria": [c["code"] for c in criteria]})
    return rule_set


@transaction.atomic
def set_poverty_line(actor: User | None, *, province_code: str, valid_from: date, amount: int,
                     source: str = "") -> PovertyLine:
    if not Region.objects.filter(code=province_code, level=Level.PROVINCE).exists():
        raise _fail("province", f"'{province_code}' is not a province code")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise _fail("amount", f"{amount!r}: a poverty line is a whole number of rupiah above 0")
    line, _created = PovertyLine.objects.update_or_create(province_id=province_code, valid_from=valid_from,
                                                           defaults={"amount": amount, "source": source})
    audit.record_change(actor, audit.Action.POVERTY_LINE_SET, line, region_code=province_code,
                        details={"amount": amount})
    return line
