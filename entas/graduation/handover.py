"""Changing a facilitator where her caseload matters, and deactivating her with her families handed
to others. Here, not in programmes.services, because the caseload is graduation's enrolments
(programmes does not import graduation).

The handover is all or nothing: every open family gets a new facilitator working around its
village with room left (the most local first: the village, then its district, regency and province;
among equals the one with the most room, then the lowest id), or nothing moves and the refusal says
how many families found no place. Each move is a CaseloadAssignment row with the reason, so the
history stays; the facilitator's row stays too, inactive.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit
from entas.graduation.enrolment import caseload
from entas.graduation.models import OPEN_STATUSES, CaseloadAssignment, Enrolment
from entas.programmes import services as programmes
from entas.programmes.checks import fail
from entas.programmes.models import Facilitator
from entas.regions.codes import within

CODE_LENGTHS = (13, 8, 5, 2)  # village, district, regency, province: around a village


@dataclass
class HandoverResult:
    moved: int = 0
    # facilitator id -> families she received
    received: dict[int, int] = field(default_factory=dict)


@transaction.atomic
def change_capacity(actor: User | None, facilitator: Facilitator, *, capacity: int | None = None,
                    yearly_target: int | None = None, region_code: str | None = None) -> Facilitator:
    """programmes.services.change_facilitator with her caseload counted (her row locked, so no
    enrolment slips in between): the capacity may not go below it, and a new area must still
    hold every family she looks after."""
    Facilitator.objects.select_for_update().filter(pk=facilitator.pk).first()
    if region_code is not None and region_code != facilitator.region_id:
        open_families = Enrolment.objects.filter(facilitator=facilitator, status__in=OPEN_STATUSES)
        outside = [v for v in open_families.values_list("village_id", flat=True) if not within(v, region_code)]
        if outside:
            raise fail("region", _("%(n)s of her families live outside %(code)s (e.g. village %(village)s): hand them "
                                   "to another facilitator first") % {
                "n": len(outside), "code": region_code, "village": outside[0]})
    return programmes.change_facilitator(actor, facilitator, capacity=capacity, yearly_target=yearly_target,
                                         region_code=region_code, caseload=caseload(facilitator))


def _room(receivers: list[Facilitator]) -> dict[int, int]:
    loads = Counter(Enrolment.objects.filter(facilitator__in=receivers, status__in=OPEN_STATUSES)
                    .values_list("facilitator_id", flat=True))
    return {f.pk: f.capacity - loads.get(f.pk, 0) for f in receivers}


def _plan_to(families: list[Enrolment], to: Facilitator) -> dict[int, Facilitator]:
    """Every family to `to`: she works around each village and has room for all."""
    far = [f for f in families if not within(f.village_id, to.region_id)]
    if far:
        raise fail("to", _("%(name)s works in %(area)s, not around village %(village)s") % {
            "name": to, "area": to.region_id, "village": far[0].village_id})
    free = _room([to])[to.pk]
    if free < len(families):
        raise fail("to", _("%(name)s is at capacity: %(free)s free places for %(n)s families") % {
            "name": to, "free": max(free, 0), "n": len(families)})
    return {family.pk: to for family in families}


def _plan(families: list[Enrolment], receivers: list[Facilitator]) -> dict[int, Facilitator]:
    """enrolment id -> new facilitator, the most local with room first; a ValidationError when
    some family finds no place."""
    room = _room(receivers)
    by_area: dict[str, list[Facilitator]] = {}
    for receiver in receivers:
        by_area.setdefault(receiver.region_id, []).append(receiver)
    plan: dict[int, Facilitator] = {}
    homeless: list[Enrolment] = []
    for family in families:
        areas = [family.village_id[:n] for n in CODE_LENGTHS]
        found = next((max(group, key=lambda f: (room[f.pk], -f.pk)) for area in areas
                      if (group := [f for f in by_area.get(area, []) if room[f.pk] > 0])), None)
        if found is None:
            homeless.append(family)
            continue
        room[found.pk] -= 1
        plan[family.pk] = found
    if homeless:
        raise fail("facilitator", _("%(n)s families (e.g. in village %(village)s) find no active facilitator with "
                                    "room around their village: raise a colleague's capacity or register one "
                                    "first") % {"n": len(homeless), "village": homeless[0].village_id})
    return plan


def _receivers(facilitator: Facilitator, to: Facilitator | None) -> list[Facilitator]:
    """The facilitators who may take her families, their rows locked while we count their room."""
    if to is not None:
        if to.pk == facilitator.pk:
            raise fail("to", _("Choose another facilitator than the one leaving."))
        if not to.active:
            raise fail("to", _("%(name)s is not active") % {"name": to})
        return list(Facilitator.objects.select_for_update().filter(pk=to.pk))
    province = facilitator.region_id[:2]
    return list(Facilitator.objects.select_for_update().filter(active=True, region__code__startswith=province)
                .exclude(pk=facilitator.pk).order_by("id"))


@transaction.atomic
def deactivate_facilitator(actor: User | None, facilitator: Facilitator, *, reason: str,
                           to: Facilitator | None = None) -> HandoverResult:
    """Hand every open family of `facilitator` to others (to `to` alone when given) and make her
    inactive; all or nothing."""
    facilitator = Facilitator.objects.select_for_update().get(pk=facilitator.pk)
    programmes.check_may_manage_in(actor, facilitator.region_id, "facilitator")
    if to is not None:
        programmes.check_may_manage_in(actor, to.region_id, "to")
    if not reason.strip():
        raise fail("reason", _("Say why the facilitator stops (it is kept with each family's history)."))
    if not facilitator.active:
        raise fail("facilitator", _("%(name)s is already inactive") % {"name": facilitator})
    families = list(Enrolment.objects.filter(facilitator=facilitator, status__in=OPEN_STATUSES).order_by("id"))
    receivers = _receivers(facilitator, to)
    plan = _plan_to(families, receivers[0]) if to is not None else _plan(families, receivers)
    now = timezone.now()
    note = _("handover: %(reason)s") % {"reason": reason.strip()}
    for family in families:
        family.facilitator = plan[family.pk]
        family.version += 1
    Enrolment.objects.bulk_update(families, ["facilitator", "version"], batch_size=1000)
    CaseloadAssignment.objects.bulk_create([
        CaseloadAssignment(enrolment=family, from_facilitator=facilitator, to_facilitator=plan[family.pk],
                           reason=note[:200], at=now) for family in families], batch_size=1000)
    facilitator.active = False
    facilitator.save(update_fields=["active"])
    received = Counter(f.pk for f in plan.values())
    result = HandoverResult(moved=len(families), received=dict(received))
    if families:
        # The caseloads it left and joined count too (monitoring follows the event's places).
        audit.record_change(actor, audit.Action.ENROLMENT_REASSIGNED, facilitator, changed=Enrolment,
                            ids=[f.pk for f in families], places={f.region_id for f in plan.values()},
                            details={"from": facilitator.pk, "to": {str(k): v for k, v in received.items()},
                                     "reason": reason.strip()})
    audit.record_change(actor, audit.Action.FACILITATOR_DEACTIVATED, facilitator, details={
        "reason": reason.strip(), "moved": result.moved, "to": {str(k): v for k, v in received.items()}})
    return result
