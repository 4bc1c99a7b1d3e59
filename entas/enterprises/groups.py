"""Groups (kelompok, sentra, klaster): forming them and adding members. Re-exported by services."""

from datetime import date

from django.db import transaction

from entas.accounts.models import User
from entas.core import audit
from entas.core.dates import happened
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
        raise fail("name", "missing")
    if kind not in GroupKind.values:
        raise fail("kind", f"'{kind}' is not one of {', '.join(GroupKind.values)}")
    if sector not in LETTERS:
        raise fail("sector", f"'{sector}' is not a KBLI section letter (A-V)")
    happened("formed", formed)
    place = region(region_code)
    if cooperative is not None and not within(cooperative.village_id, place.code):
        raise fail("cooperative", f"'{cooperative.name}' lies outside {place.name} ({place.code})")
    group = Group.objects.create(name=name.strip(), kind=kind, sector=sector, region=place,
                                 cooperative=cooperative, formed=formed)
    audit.record_change(actor, audit.Action.GROUP_FORMED, group, details={"kind": kind, "sector": sector})
    return group


def _member_village(enterprise: Enterprise | None, person: Person | None) -> str:
    if enterprise is not None:
        return enterprise.village_id
    household = person.household if person is not None else None
    return household.village_id if household is not None else ""


@transaction.atomic
def add_group_member(actor: User | None, group: Group, *, joined: date, enterprise: Enterprise | None = None,
                     person: Person | None = None) -> GroupMember:
    """Add an enterprise or a person (exactly one) living or working inside the group's region."""
    if (enterprise is None) == (person is None):
        raise fail("enterprise", "give an enterprise or a person, not both or neither")
    happened("joined", joined)
    if not within(_member_village(enterprise, person), group.region_id):
        raise fail("enterprise" if enterprise else "person", f"lies outside the group's region {group.region_id}")
    current = group.members.filter(enterprise=enterprise, person=person, left__isnull=True)
    if current.exists():
        raise fail("enterprise" if enterprise else "person", f"already a member of '{group.name}'")
    member = GroupMember.objects.create(group=group, enterprise=enterprise, person=person, joined=joined)
    audit.record_change(actor, audit.Action.GROUP_MEMBER_ADDED, member, details={
        "enterprise": enterprise.pk if enterprise else None, "person": person.pk if person else None})
    return member
