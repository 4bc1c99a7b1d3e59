"""Every change to programmes, priority lists, facilitators, enrolments and caseloads goes
through these functions: checked (a ValidationError naming the field), in a transaction, audited.
Interventions and visits live in `interventions.py`, training sessions in `training.py`, bulk
enrolment in `bulk.py`."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from entas.accounts.models import Agency, User
from entas.core import audit
from entas.core.dates import happened
from entas.programmes import priority
from entas.programmes.bulk import enrol_in_bulk  # noqa: F401  (one import for callers)
from entas.programmes.checks import cohort_of, fail, has_room, rupiah, why_not_eligible
from entas.programmes.interventions import (  # noqa: F401
    record_loan,
    record_market_access,
    record_visit,
    set_loan_status,
)
from entas.programmes.models import (
    OPEN_STATUSES,
    CaseloadAssignment,
    Enrolment,
    Facilitator,
    PriorityList,
    PriorityLocation,
    Programme,
)
from entas.programmes.training import record_attendance, record_training  # noqa: F401
from entas.regions.models import Region
from entas.registry.models import Household


@transaction.atomic
def create_programme(
    actor: Any, *, name: str, lead_agency: Agency, start: date, end: date, budget: int = 0,
    partner_agencies: list[Agency] | None = None, decile_max: int = 2, priority_locations_only: bool = True,
    yearly_target: int = 10,
) -> Programme:
    if not name.strip():
        raise fail("name", "missing")
    if Programme.objects.filter(name=name.strip()).exists():
        raise fail("name", f"a programme named '{name}' already exists")
    if end < start:
        raise fail("end", f"{end} is before the start {start}")
    if not 1 <= decile_max <= 10:
        raise fail("decile_max", f"{decile_max} is not a decile (1-10)")
    programme = Programme.objects.create(
        name=name.strip(), lead_agency=lead_agency, start=start, end=end, budget=rupiah("budget", budget),
        decile_max=decile_max, priority_locations_only=priority_locations_only, yearly_target=yearly_target,
    )
    programme.partner_agencies.set(partner_agencies or [])
    audit.record(actor, "programme.created", programme, details={"name": programme.name})
    return programme


@transaction.atomic
def save_priority_list(actor: Any, programme: Programme, *, name: str, weights: dict[str, Any],
                       quotas: dict[str, int] | None = None, limit: int | None = None, level: str = "regency",
                       within: str | None = None) -> PriorityList:
    """Rank all regencies or districts (inside `within`), keep the chosen ones with their measures
    and a one-line explanation. The programme's latest list decides who may be enrolled."""
    if not name.strip():
        raise fail("name", "missing: give the list a name")
    clean = priority.check_weights(weights)
    within = priority.check_within(within, level)
    chosen = priority.choose(priority.rank(clean, level, within), quotas or {}, limit, level, within)
    saved = PriorityList.objects.create(programme=programme, name=name.strip(), weights=clean, quotas=quotas or {},
                                        level=level, within=within or "")
    rows = []
    for position, row in enumerate(chosen, start=1):
        row.rank = position
        rows.append(PriorityLocation(priority_list=saved, region_id=row.code, rank=position, score=row.score,
                                     measures=row.measures, explanation=priority.explain(row)))
    PriorityLocation.objects.bulk_create(rows)
    audit.record(actor, "priority_list.saved", saved, details={
        "programme": programme.pk, "level": level, "within": within or "", "weights": clean, "quotas": quotas or {},
        "chosen": len(rows)})
    return saved


@transaction.atomic
def register_facilitator(actor: Any, *, user: User, agency: Agency, region_code: str, capacity: int = 30,
                         yearly_target: int = 10) -> Facilitator:
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise fail("region", f"'{region_code}' is not a region code")
    if Facilitator.objects.filter(user=user).exists():
        raise fail("user", f"{user.get_username()} is already a facilitator")
    if capacity < 1:
        raise fail("capacity", f"{capacity}: a facilitator needs room for at least one family")
    facilitator = Facilitator.objects.create(user=user, agency=agency, region=region, capacity=capacity,
                                             yearly_target=yearly_target)
    audit.record(actor, "facilitator.registered", facilitator, details={"user": user.get_username()})
    return facilitator


@transaction.atomic
def enrol_household(actor: Any, programme: Programme, household: Household, *,
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
    audit.record(actor, "enrolment.created", enrolment, details={"programme": programme.pk,
                                                                "facilitator": facilitator.pk if facilitator else None})
    return enrolment


@transaction.atomic
def reassign(actor: Any, enrolment: Enrolment, facilitator: Facilitator, *, reason: str) -> Enrolment:
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
    audit.record(actor, "enrolment.reassigned", enrolment, details={
        "from": before.pk if before else None, "to": facilitator.pk, "reason": reason.strip()})
    return enrolment
