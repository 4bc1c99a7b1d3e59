"""Every change to programmes, priority lists and facilitators goes through these functions: checked
(a ValidationError naming the field), in a transaction, audited. Enrolling families and what is
done for them are `entas.graduation.services`'."""

from datetime import date
from typing import Any

from django.db import transaction

from entas.accounts.models import Agency, User
from entas.core import audit
from entas.programmes import priority
from entas.programmes.checks import fail, rupiah
from entas.programmes.models import Facilitator, PriorityList, PriorityLocation, Programme
from entas.regions.models import Region


@transaction.atomic
def create_programme(
    actor: User | None, *, name: str, lead_agency: Agency, start: date, end: date, budget: int = 0,
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
    audit.record_change(actor, audit.Action.PROGRAMME_CREATED, programme, details={"name": programme.name})
    return programme


@transaction.atomic
def save_priority_list(actor: User | None, programme: Programme, *, name: str, weights: dict[str, Any],
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
    audit.record_change(actor, audit.Action.PRIORITY_LIST_SAVED, saved, details={
        "programme": programme.pk, "level": level, "within": within or "", "weights": clean, "quotas": quotas or {},
        "chosen": len(rows)})
    return saved


@transaction.atomic
def register_facilitator(actor: User | None, *, user: User, agency: Agency, region_code: str, capacity: int = 30,
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
    audit.record_change(actor, audit.Action.FACILITATOR_REGISTERED, facilitator, details={"user": user.get_username()})
    return facilitator
