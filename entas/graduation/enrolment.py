"""Enrolling one family in a programme and moving it between facilitators: checked (a
ValidationError naming the field), in a transaction, audited, with a CaseloadAssignment row for
every assignment. Bulk enrolment is `bulk.py`; the target rule is `eligibility.py`."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from entas.accounts.models import User
from entas.core import audit
from entas.core.dates import happened
from entas.graduation.eligibility import why_not_eligible
from entas.graduation.models import OPEN_STATUSES, CaseloadAssignment, Enrolment
from entas.programmes.checks import fail
from entas.programmes.models import Facilitator, Programme
from entas.regions.codes import within
from entas.registry.models import Household


def cohort_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def caseload(facilitator: Facilitator) -> int:
    return Enrolment.objects.filter(facilitator=facilitator, status__in=OPEN_STATUSES).count()


def has_room(facilitator: Facilitator, household_village: str) -> None:
    """Lock the facilitator row so that two enrolments at once cannot both take the last place."""
    Facilitator.objects.select_for_update().filter(pk=facilitator.pk).first()
    if not facilitator.active:
        raise fail("facilitator", f"{facilitator} is not active")
    if not within(household_village, facilitator.region_id):
        raise fail("facilitator", f"{facilitator} works in {facilitator.region_id}, not in {household_village}")
    load = caseload(facilitator)
    if load >= facilitator.capacity:
        raise fail("facilitator", f"{facilitator} is at capacity: {load} of {facilitator.capacity} families")


@transaction.atomic
def enrol_household(actor: User | None, programme: Programme, household: Household, *,
                    facilitator: Facilitator | None = None, on: date | None = None) -> Enrolment:
    if problem := why_not_eligible(programme, household):
        raise fail("household", problem)
    if Enrolment.objects.filter(programme=programme, household=household, status__in=OPEN_STATUSES).exists():
        raise fail("household", f"household {household.kk_number} is already enrolled in {programme}")
    if facilitator is not None:
        has_room(facilitator, household.village_id)
    day = on or timezone.localdate()
    happened("on", day)
    enrolment = Enrolment.objects.create(programme=programme, household=household, village_id=household.village_id,
                                         facilitator=facilitator, enrolled_on=day, cohort=cohort_of(day))
    if facilitator is not None:
        CaseloadAssignment.objects.create(enrolment=enrolment, to_facilitator=facilitator, reason="enrolment",
                                          at=timezone.now())
    audit.record_change(actor, audit.Action.ENROLMENT_CREATED, enrolment, details={
        "programme": programme.pk, "facilitator": facilitator.pk if facilitator else None})
    return enrolment


@transaction.atomic
def reassign(actor: User | None, enrolment: Enrolment, facilitator: Facilitator, *, reason: str) -> Enrolment:
    if not reason.strip():
        raise fail("reason", "say why the family moves to another facilitator")
    if enrolment.status not in OPEN_STATUSES:
        raise fail("enrolment", f"the enrolment is {enrolment.status}; only open enrolments have a facilitator")
    if facilitator.pk == enrolment.facilitator_id:
        raise fail("facilitator", f"{facilitator} already looks after this family")
    has_room(facilitator, enrolment.village_id)
    before = enrolment.facilitator
    enrolment.facilitator = facilitator
    enrolment.save(update_fields=["facilitator"])
    CaseloadAssignment.objects.create(enrolment=enrolment, from_facilitator=before, to_facilitator=facilitator,
                                      reason=reason.strip(), at=timezone.now())
    audit.record_change(actor, audit.Action.ENROLMENT_REASSIGNED, enrolment, details={
        "from": before.pk if before else None, "to": facilitator.pk, "reason": reason.strip()},
        places=[before.region_id] if before else [])  # the caseload it left counts too
    return enrolment
