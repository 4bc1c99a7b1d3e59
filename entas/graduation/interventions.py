"""Home visits with assessments, loans and market access for enrolled families: checked, in a
transaction, audited. Training and mentoring sessions are in `training.py`."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.core.dates import happened
from entas.core.refusals import choice, choices, listed
from entas.graduation.models import (
    OPEN_STATUSES,
    Assessment,
    Channel,
    Enrolment,
    Loan,
    LoanStatus,
    MarketAccess,
    Scheme,
    Status,
    Visit,
)
from entas.programmes.checks import fail, rupiah

# Loan status: which next states each one allows. Repaid, defaulted and rejected are final.
LOAN_STEPS: dict[str, set[str]] = {
    LoanStatus.APPLIED: {LoanStatus.APPROVED, LoanStatus.REJECTED},
    LoanStatus.APPROVED: {LoanStatus.DISBURSED, LoanStatus.REJECTED},
    LoanStatus.DISBURSED: {LoanStatus.REPAID, LoanStatus.DEFAULTED},
    LoanStatus.REPAID: set(),
    LoanStatus.DEFAULTED: set(),
    LoanStatus.REJECTED: set(),
}
COUNTS = ("income_sources", "business_months", "school_age_children", "children_in_school")
YES_NO = ("cooperative_member", "food_shortage")
ASSESSMENT_FIELDS = ("per_capita_income", "income_sources", "business_months", "savings", "cooperative_member",
                     "school_age_children", "children_in_school", "food_shortage")


def _open(enrolment: Enrolment) -> None:
    if enrolment.status not in OPEN_STATUSES:
        raise fail("enrolment", _("The enrolment is %(status)s: record nothing more on it.") % {
            "status": choice(Status, enrolment.status)})


def _assessment_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(ASSESSMENT_FIELDS))
    if unknown:
        raise fail("assessment", _("Unknown assessment item(s) %(unknown)s; the items are %(items)s.") % {
            "unknown": listed(unknown), "items": listed(ASSESSMENT_FIELDS)})
    for name in ("per_capita_income", "savings"):
        if values.get(name) is not None:
            rupiah(name, values[name])
    # Typed here, not only in the forms: the field app's commands and the API reach this with JSON values.
    for name in COUNTS:
        value = values.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999):
            raise fail(name, _("'%(value)s' is not a whole number between 0 and 999.") % {"value": value})
    for name in YES_NO:
        if values.get(name) is not None and not isinstance(values[name], bool):
            raise fail(name, _("'%(value)s' is not yes or no (true or false).") % {"value": values[name]})
    children, in_school = values.get("school_age_children"), values.get("children_in_school")
    if children is not None and in_school is not None and in_school > children:
        raise fail("children_in_school", _("%(in_school)s children in school but only %(children)s of school age: "
                                          "check both numbers.") % {"in_school": in_school, "children": children})
    return values


@transaction.atomic
def record_visit(actor: User | None, enrolment: Enrolment, *, on: date, notes: str = "",
                 assessment: dict[str, Any] | None = None, facilitator_id: int | None = None) -> Visit:
    """A home visit by the family's facilitator (or `facilitator_id`: the one who made it, when the
    family has since been handed to another), with an assessment when one was made."""
    _open(enrolment)
    happened("on", on)
    if on < enrolment.enrolled_on:
        raise fail("on", _("%(on)s is before the family was enrolled (%(enrolled)s): a visit comes after "
                           "enrolment.") % {"on": numbers.day(on), "enrolled": numbers.day(enrolment.enrolled_on)})
    values = _assessment_values(assessment) if assessment else None
    visit = Visit.objects.create(enrolment=enrolment, facilitator_id=facilitator_id or enrolment.facilitator_id,
                                 date=on, notes=notes)
    assessed = Assessment.objects.create(enrolment=enrolment, visit=visit, date=on, **values) if values else None
    audit.record_change(actor, audit.Action.VISIT_RECORDED, visit, region_code=enrolment.village_id,
                        details={"enrolment": enrolment.pk, "assessed": assessed is not None})
    if assessed is not None:
        # Its own entry and event: the assessment is what the indicators read (incomes).
        audit.record_change(actor, audit.Action.ASSESSMENT_RECORDED, assessed, region_code=enrolment.village_id,
                            details={"enrolment": enrolment.pk, "visit": visit.pk, **(values or {})})
    return visit


@transaction.atomic
def record_loan(actor: User | None, enrolment: Enrolment, *, scheme: str, lender: str, amount: int, on: date) -> Loan:
    _open(enrolment)
    if scheme not in Scheme.values:
        raise fail("scheme", _("'%(scheme)s' is not a loan scheme; choose one of: %(choices)s.") % {
            "scheme": scheme, "choices": choices(Scheme)})
    if not lender.strip():
        raise fail("lender", _("Name the lender."))
    happened("on", on)
    loan = Loan.objects.create(enrolment=enrolment, scheme=scheme, lender=lender.strip(),
                               amount=rupiah("amount", amount), applied_on=on, status_on=on)
    audit.record_change(actor, audit.Action.LOAN_APPLIED, loan, region_code=enrolment.village_id,
                        details={"enrolment": enrolment.pk, "scheme": scheme, "amount": amount})
    return loan


@transaction.atomic
def set_loan_status(actor: User | None, loan: Loan, status: str, *, on: date) -> Loan:
    allowed = LOAN_STEPS.get(loan.status, set())
    if status not in allowed:
        def label(code: str) -> str:
            return str(LoanStatus(code).label) if code in LoanStatus.values else code

        nexts = ", ".join(f"{label(s)} ({s})" for s in sorted(allowed)) or _("no further step (final)")
        raise fail("status", _("a loan that is %(now)s (%(now_code)s) cannot become %(next)s (%(next_code)s); "
                               "allowed: %(allowed)s") % {
            "now": label(loan.status), "now_code": loan.status, "next": label(status),
            "next_code": status, "allowed": nexts})
    happened("on", on)
    if on < loan.status_on:
        raise fail("on", _("%(on)s is before the loan's last change on %(last)s.") % {
            "on": numbers.day(on), "last": numbers.day(loan.status_on)})
    before = loan.status
    loan.status, loan.status_on = status, on
    loan.save(update_fields=["status", "status_on"])
    audit.record_change(actor, audit.Action.LOAN_STATUS_CHANGED, loan, region_code=loan.enrolment.village_id,
                        details={"from": before, "to": status})
    return loan


@transaction.atomic
def record_market_access(actor: User | None, enrolment: Enrolment, *, channel: str, sales_value: int,
                         on: date) -> MarketAccess:
    _open(enrolment)
    if channel not in Channel.values:
        raise fail("channel", _("'%(channel)s' is not a sales channel; choose one of: %(choices)s.") % {
            "channel": channel, "choices": choices(Channel)})
    happened("on", on)
    access = MarketAccess.objects.create(enrolment=enrolment, channel=channel, date=on,
                                         sales_value=rupiah("sales_value", sales_value))
    audit.record_change(actor, audit.Action.MARKET_ACCESS_RECORDED, access, region_code=enrolment.village_id,
                        details={"channel": channel, "sales_value": sales_value})
    return access
