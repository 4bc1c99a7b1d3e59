"""Enrolling one family in a programme and moving it between facilitators: checked (a
ValidationError naming the field), in a transaction, audited, with a CaseloadAssignment row for
every assignment. Bulk enrolment is `bulk.py`; the target rule is `eligibility.py`."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit
from entas.core.dates import happened
from entas.core.refusals import choice
from entas.graduation.eligibility import why_not_eligible
from entas.graduation.models import OPEN_STATUSES, CaseloadAssignment, Enrolment, Status
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
        raise fail("facilitator", _("%(facilitator)s is not active.") % {"facilitator": facilitator})
    if not within(household_village, facilitator.region_id):
        raise fail("facilitator", _("%(facilitator)s works in %(region)s, not in the family's village %(village)s.") % {
            "facilitator": facilitator, "region": facilitator.region_id, "village": household_village})
    load = caseload(facilitator)
    if load >= facilitator.capacity:
        raise fail("facilitator", _("%(facilitator)s is at capacity: %(load)s of %(capacity)s families.") % {
            "facilitator": facilitator, "load": load, "capacity": facilitator.capacity})


@transaction.atomic
def enrol_household(actor: User | None, programme: Programme, household: Household, *,
                    facilitator: Facilitator | None = None, on: date | None = None) -> Enrolment:
    if problem := why_not_eligible(programme, household):
        raise fail("household", problem)
    if Enrolment.objects.filter(programme=programme, household=household, status__in=OPEN_STATUSES).exists():
        raise fail("household", _("The household with No. KK %(kk)s is already enrolled in %(programme)s.") % {
            "kk": household.kk_number, "programme": programme})
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
        raise fail("reason", _("Say why the family moves to another facilitator."))
    if enrolment.status not in OPEN_STATUSES:
        raise fail("enrolment", _("The enrolment is %(status)s; only open enrolments have a facilitator.") % {
            "status": choice(Status, enrolment.status)})
    if facilitator.pk == enrolment.facilitator_id:
        raise fail("facilitator", _("%(facilitator)s already looks after this family.") % {"facilitator": facilitator})
    has_room(facilitator, enrolment.village_id)
    before = enrolment.facilitator
    enrolment.facilitator = facilitator
    enrolment.version += 1
    enrolment.save(update_fields=["facilitator", "version"])
    CaseloadAssignment.objects.create(enrolment=enrolment, from_facilitator=before, to_facilitator=facilitator,
                                      reason=reason.strip(), at=timezone.now())
    audit.record_change(actor, audit.Action.ENROLMENT_REASSIGNED, enrolment, details={
        "from": before.pk if before else None, "to": facilitator.pk, "reason": reason.strip()},
        places=[before.region_id] if before else [])  # the caseload it left counts too
    return enrolment
