"""Groups (kelompok, sentra, klaster): forming them and adding members. Re-exported by services."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit
from entas.core.dates import happened
from entas.core.refusals import choices
from entas.enterprises.checks import fail, region
from entas.enterprises.kbli import LETTERS
from entas.enterprises.models import Cooperative, Enterprise, Group, GroupKind, GroupMember
from entas.regions.codes import within
from entas.registry.models import Person


@transaction.atomic
def form_group(
    actor: User | None, *, name: str, kind: str, sector: str, region_code: str, formed: date,
    cooperative: Cooperative | None = None,
) -> Group:
    """A group in a region (any level); inside a cooperative, the cooperative's village must lie in it."""
    if not name.strip():
        raise fail("name", _("Give the group's name."))
    if kind not in GroupKind.values:
        raise fail("kind", _("'%(kind)s' is not a kind of group; choose one of: %(choices)s.") % {
            "kind": kind, "choices": choices(GroupKind)})
    if sector not in LETTERS:
        raise fail("sector", _("'%(sector)s' is not a KBLI section letter (A-V).") % {"sector": sector})
    happened("formed", formed)
    place = region(region_code)
    if cooperative is not None and not within(cooperative.village_id, place.code):
        raise fail("cooperative", _("'%(name)s' lies outside %(place)s (%(code)s).") % {
            "name": cooperative.name, "place": place.name, "code": place.code})
    group = Group.objects.create(name=name.strip(), kind=kind, sector=sector, region=place,
                                 cooperative=cooperative, formed=formed)
    audit.record_change(actor, audit.Action.GROUP_FORMED, group, details={"kind": kind, "sector": sector})
    return group


def _member_village(enterprise: Enterprise | None, person: Person | None) -> str:
    if enterprise is not None:
        return enterprise.village_id
    household = person.household if person is not None else None
    return household.village_id if household is not None else ""


def _member_name(enterprise: Enterprise | None, person: Person | None) -> str:
    return enterprise.name if enterprise else person.full_name if person else ""


@transaction.atomic
def add_group_member(actor: User | None, group: Group, *, joined: date, enterprise: Enterprise | None = None,
                     person: Person | None = None) -> GroupMember:
    """Add an enterprise or a person (exactly one) living or working inside the group's region."""
    if (enterprise is None) == (person is None):
        raise fail("enterprise", _("Give an enterprise or a person, not both or neither."))
    happened("joined", joined)
    if not within(_member_village(enterprise, person), group.region_id):
        raise fail("enterprise" if enterprise else "person", _("%(member)s lies outside the group's region %(region)s.")
                   % {"member": _member_name(enterprise, person), "region": group.region_id})
    current = group.members.filter(enterprise=enterprise, person=person, left__isnull=True)
    if current.exists():
        raise fail("enterprise" if enterprise else "person", _("%(member)s is already a member of '%(name)s'.")
                   % {"member": _member_name(enterprise, person), "name": group.name})
    member = GroupMember.objects.create(group=group, enterprise=enterprise, person=person, joined=joined)
    audit.record_change(actor, audit.Action.GROUP_MEMBER_ADDED, member, details={
        "enterprise": enterprise.pk if enterprise else None, "person": person.pk if person else None})
    return member
