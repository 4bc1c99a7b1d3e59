"""Cooperatives: registration, business units, members and managers. Re-exported by services."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.core.dates import happened
from entas.core.refusals import choice, choices
from entas.enterprises.checks import fail, money, village
from entas.enterprises.models import (
    BusinessUnit,
    Cooperative,
    CooperativeStatus,
    CooperativeType,
    Manager,
    ManagerRole,
    Membership,
    UnitKind,
    UnitStatus,
)
from entas.registry.models import Person


def _unique_numbers(registration_number: str | None, legal_entity_number: str | None) -> None:
    if registration_number and Cooperative.objects.filter(registration_number=registration_number).exists():
        raise fail("registration_number", _("Registration number %(number)s is already registered.") % {
            "number": registration_number})
    if legal_entity_number and Cooperative.objects.filter(legal_entity_number=legal_entity_number).exists():
        raise fail("legal_entity_number", _("Legal entity number %(number)s is already registered.") % {
            "number": legal_entity_number})


@transaction.atomic
def register_cooperative(
    actor: User | None, *, name: str, type: str, village_code: str, registration_number: str | None = None,
    legal_entity_number: str | None = None, founded: date | None = None,
) -> Cooperative:
    """Register a cooperative; a village has at most one Koperasi Desa/Kelurahan Merah Putih."""
    if not name.strip():
        raise fail("name", _("Give the cooperative's name."))
    if type not in CooperativeType.values:
        raise fail("type", _("'%(type)s' is not a type of cooperative; choose one of: %(choices)s.") % {
            "type": type, "choices": choices(CooperativeType)})
    place = village(village_code)
    if type == CooperativeType.MERAH_PUTIH:
        existing = Cooperative.objects.filter(village=place, type=type).first()
        if existing:
            raise fail("village", _("%(village)s (%(code)s) already has a Koperasi Desa/Kelurahan Merah Putih: "
                                    "'%(name)s'.") % {"village": place.name, "code": place.code, "name": existing.name})
    _unique_numbers(registration_number, legal_entity_number)
    happened("founded", founded)
    cooperative = Cooperative.objects.create(
        name=name.strip(), type=type, village=place, registration_number=registration_number or None,
        legal_entity_number=legal_entity_number or None, founded=founded,
    )
    audit.record_change(actor, audit.Action.COOPERATIVE_REGISTERED, cooperative, details={"type": type})
    return cooperative


@transaction.atomic
def add_business_unit(actor: User | None, cooperative: Cooperative, *, kind: str, status: str = UnitStatus.PLANNED,
                      opened: date | None = None) -> BusinessUnit:
    if kind not in UnitKind.values:
        raise fail("kind", _("'%(kind)s' is not a kind of business unit; choose one of: %(choices)s.") % {
            "kind": kind, "choices": choices(UnitKind)})
    if status not in UnitStatus.values:
        raise fail("status", _("'%(status)s' is not a status of a business unit; choose one of: %(choices)s.") % {
            "status": status, "choices": choices(UnitStatus)})
    if cooperative.units.filter(kind=kind).exists():
        raise fail("kind", _("'%(name)s' already has a business unit of this kind: %(kind)s.") % {
            "name": cooperative.name, "kind": choice(UnitKind, kind)})
    happened("opened", opened)
    unit = BusinessUnit.objects.create(cooperative=cooperative, kind=kind, status=status, opened=opened)
    audit.record_change(actor, audit.Action.COOPERATIVE_UNIT_ADDED, unit, details={"kind": kind, "status": status})
    return unit


@transaction.atomic
def set_unit_status(actor: User | None, unit: BusinessUnit, *, status: str, opened: date | None = None) -> BusinessUnit:
    if status not in UnitStatus.values:
        raise fail("status", _("'%(status)s' is not a status of a business unit; choose one of: %(choices)s.") % {
            "status": status, "choices": choices(UnitStatus)})
    happened("opened", opened)
    before = unit.status
    unit.status = status
    unit.opened = opened or unit.opened
    unit.save(update_fields=["status", "opened"])
    audit.record_change(actor, audit.Action.COOPERATIVE_UNIT_STATUS_CHANGED, unit,
                        details={"before": before, "after": status})
    return unit


@transaction.atomic
def join_cooperative(
    actor: User | None, cooperative: Cooperative, person: Person, *, joined: date, share_principal: int = 0,
    share_mandatory: int = 0,
) -> Membership:
    """A person joins a cooperative. Refused while the person is a member of it already."""
    # Serialises joins to one cooperative, so two requests cannot both pass the check below.
    cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    if cooperative.status != CooperativeStatus.ACTIVE:
        raise fail("cooperative", _("'%(name)s' is not active.") % {"name": cooperative.name})
    happened("joined", joined)
    current = Membership.objects.filter(cooperative=cooperative, person=person).exclude(left__lte=joined).first()
    if current:
        raise fail("person", _("%(person)s is already a member of '%(name)s' since %(joined)s.") % {
            "person": person.full_name, "name": cooperative.name, "joined": current.joined.isoformat()})
    membership = Membership.objects.create(
        cooperative=cooperative, person=person, joined=joined,
        share_principal=money("share_principal", share_principal) or 0,
        share_mandatory=money("share_mandatory", share_mandatory) or 0,
    )
    audit.record_change(actor, audit.Action.COOPERATIVE_MEMBER_JOINED, membership,
                        details={"person": person.pk, "joined": joined.isoformat()})
    return membership


@transaction.atomic
def leave_cooperative(actor: User | None, membership: Membership, *, left: date) -> Membership:
    if membership.left is not None:
        raise fail("left", _("This membership already ended on %(left)s.") % {"left": numbers.day(membership.left)})
    happened("left", left)
    if left <= membership.joined:
        raise fail("left", _("The leave date %(left)s must be after the join date %(joined)s.") % {
            "left": left.isoformat(), "joined": membership.joined.isoformat()})
    membership.left = left
    membership.save(update_fields=["left"])
    audit.record_change(actor, audit.Action.COOPERATIVE_MEMBER_LEFT, membership, details={"left": left.isoformat()})
    return membership


@transaction.atomic
def pay_shares(actor: User | None, membership: Membership, *, principal: int = 0, mandatory: int = 0) -> Membership:
    """Record simpanan pokok and simpanan wajib paid (added to what was paid before)."""
    membership.share_principal += money("principal", principal) or 0
    membership.share_mandatory += money("mandatory", mandatory) or 0
    membership.save(update_fields=["share_principal", "share_mandatory"])
    audit.record_change(actor, audit.Action.COOPERATIVE_SHARES_PAID, membership,
                        details={"principal": principal, "mandatory": mandatory})
    return membership


@transaction.atomic
def appoint_manager(actor: User | None, cooperative: Cooperative, person: Person, *, role: str, start: date) -> Manager:
    if role not in ManagerRole.values:
        raise fail("role", _("'%(role)s' is not a role in a cooperative; choose one of: %(choices)s.") % {
            "role": role, "choices": choices(ManagerRole)})
    if cooperative.managers.filter(role=role, person=person, end__isnull=True).exists():
        raise fail("person", _("%(person)s already holds this role.") % {"person": person.full_name})
    happened("start", start)
    manager = Manager.objects.create(cooperative=cooperative, person=person, role=role, start=start)
    audit.record_change(actor, audit.Action.COOPERATIVE_MANAGER_APPOINTED, manager,
                        details={"role": role, "person": person.pk})
    return manager
