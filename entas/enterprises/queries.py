"""Scoped reads of enterprises, cooperatives and groups: the filters of the pages and the API."""

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.scoping import is_confined, region_q, visible
from entas.enterprises.models import BusinessUnit, Cooperative, Enterprise, Group, GroupMember, Job, Manager, Membership
from entas.enterprises.sections import POOR_DECILES
from entas.registry.models import Household, Person


@dataclass(frozen=True)
class EnterpriseFilter:
    region: str = ""  # dotted code of any level
    section: str = ""  # KBLI section letter
    scale: str = ""
    status: str = ""
    formal: bool | None = None  # has a NIB
    q: str = ""  # NIB, owner NIK or part of the name

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def people(user: User | None) -> QuerySet[Person]:
    """The registry people `user` may see: the people a page of places (enterprises, cooperatives,
    groups) names are narrowed by it, for the place may lie inside a scope that its people do not
    (a facilitator sees every enterprise of her region but only her caseload's people; a member
    may have moved to another regency)."""
    return visible(user, Person.objects.all())


def unrecognised_shown(user: User | None) -> bool:
    """Whether lists show `user` the members and job holders nobody has recognised yet (no registry
    person, only the identity the source gave): to whoever sees the cooperative or enterprise, but
    a confined role other than the cooperative manager (a facilitator sees her caseload's people
    only, and these are nobody's)."""
    return user is not None and (not is_confined(user) or user.role == Role.COOPERATIVE_MANAGER)


def person_listed(user: User | None) -> Q:
    """The memberships or jobs whose person a list names to `user`: people she may see, and the
    people not yet recognised when she reads them (`unrecognised_shown`)."""
    shown = Q(person__in=people(user))
    return shown | Q(person__isnull=True) if unrecognised_shown(user) else shown


def owner_shown(user: User | None) -> Q:
    """An enterprise whose owner's NIK `user` may read (and search by): an owner who is not in the
    registry, or one she may see."""
    return Q(owner__isnull=True) | Q(Exists(people(user).filter(pk=OuterRef("owner_id"))))


def with_owner_shown(user: User | None, queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """`owner_shown` on each enterprise: whether `user` may read its owner (name, NIK, household)."""
    return queryset.annotate(owner_shown=Case(When(owner_shown(user), then=Value(True)), default=Value(False),
                                              output_field=BooleanField()))


def enterprises(user: User | None, flt: EnterpriseFilter) -> QuerySet[Enterprise]:
    queryset = with_owner_shown(user, visible(user, Enterprise.objects.select_related("village")))
    if flt.region:
        queryset = queryset.filter(region_q(flt.region, "village_id"))
    for name in ("scale", "status"):
        if value := getattr(flt, name):
            queryset = queryset.filter(**{name: value})
    if flt.section:
        queryset = queryset.filter(kbli_section=flt.section)
    if flt.formal is not None:
        queryset = queryset.filter(nib__isnull=not flt.formal)
    if q := flt.q.strip():
        # By the owner's NIK only where the owner is shown: else the answer would tell which
        # enterprise a person outside the user's scope owns.
        by_number = Q(nib=q) | (Q(owner_nik=q) & owner_shown(user))
        queryset = queryset.filter(by_number if q.isdigit() else Q(name__icontains=q))
    return queryset.order_by("village_id", "name", "id")


@dataclass(frozen=True)
class CooperativeFilter:
    region: str = ""
    type: str = ""
    q: str = ""  # registration number or part of the name


def cooperatives(user: User | None, flt: CooperativeFilter) -> QuerySet[Cooperative]:
    queryset = visible(user, Cooperative.objects.select_related("village"))
    if flt.region:
        queryset = queryset.filter(region_q(flt.region, "village_id"))
    if flt.type:
        queryset = queryset.filter(type=flt.type)
    if q := flt.q.strip():
        queryset = queryset.filter(Q(registration_number=q) | Q(name__icontains=q))
    open_members = Count("memberships", filter=Q(memberships__left__isnull=True), distinct=True)
    return queryset.annotate(member_count=open_members).order_by("village_id", "name", "id")


def groups(user: User | None, *, region: str = "", kind: str = "", sector: str = "") -> QuerySet[Group]:
    queryset = visible(user, Group.objects.select_related("region", "cooperative"))
    if region:
        queryset = queryset.filter(region_q(region, "region_id"))
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(sector=sector)
    return queryset.annotate(member_count=Count("members", filter=Q(members__left__isnull=True))).order_by(
        "region_id", "name", "id")


def poor() -> Case:
    """True for a person of a desil 1-2 household: the programme's target group."""
    return Case(When(person__household__decile__in=POOR_DECILES, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def member_counts(cooperative: Cooperative) -> dict[str, int]:
    """Current members, and those from desil 1-2 households: counts of all of them, no one named."""
    current = cooperative.memberships.filter(left__isnull=True)
    return current.aggregate(total=Count("pk"), poor=Count("pk", filter=Q(person__household__decile__in=POOR_DECILES)))


def members(user: User | None, cooperative: Cooperative) -> QuerySet[Membership]:
    """The memberships of `cooperative` whose registry person `user` may see."""
    return (visible(user, cooperative.memberships.all()).filter(person__in=people(user))
            .select_related("person__household").annotate(poor=poor()).order_by("left", "person__full_name"))


def member_list(user: User | None, cooperative: Cooperative) -> QuerySet[Membership]:
    """The cooperative's page: `members`, and those not yet recognised when `user` reads them
    (`unrecognised_shown`), listed by the name the registry or the source gives."""
    name = Coalesce("person__full_name", "given_name")
    return (visible(user, cooperative.memberships.all()).filter(person_listed(user))
            .select_related("person__household").annotate(poor=poor(), shown_name=name)
            .order_by("left", "shown_name", "pk"))


def managers(user: User | None, cooperative: Cooperative) -> QuerySet[Manager]:
    return (visible(user, cooperative.managers.all()).filter(person__in=people(user)).select_related("person")
            .order_by("end", "role"))


def units(user: User | None, cooperative: Cooperative) -> QuerySet[BusinessUnit]:
    return visible(user, cooperative.units.all()).order_by("kind")


def jobs(user: User | None, enterprise: Enterprise) -> QuerySet[Job]:
    """The jobs at `enterprise` that `user` may see, held by people she may see (and by people not
    yet recognised, when she reads them: `unrecognised_shown`)."""
    return (visible(user, enterprise.jobs.all()).filter(person_listed(user))
            .select_related("person__household").annotate(poor=poor()).order_by("end", "-start"))


def enterprise_groups(user: User | None, enterprise: Enterprise) -> QuerySet[Group]:
    groups = Group.objects.filter(members__enterprise=enterprise, members__left__isnull=True)
    return visible(user, groups).distinct().order_by("name")


def group_members(user: User | None, group: Group) -> QuerySet[GroupMember]:
    """The members of `group` that `user` may see: enterprises of her scope, people she may see."""
    shown = Q(enterprise__in=visible(user, Enterprise.objects.all())) | Q(person__in=people(user))
    return (visible(user, group.members.all()).filter(shown).select_related("enterprise", "person")
            .order_by("left", "joined"))


def owner_household(user: User | None, enterprise: Enterprise) -> Household | None:
    """The owner's household, when `user` may see it (its link and desil are shown only then)."""
    owner = enterprise.owner
    if owner is None or owner.household_id is None:
        return None
    return visible(user, Household.objects.filter(pk=owner.household_id)).first()


def scoped_jobs(user: User | None, *, region: str = "", poor_only: bool = False) -> QuerySet[Job]:
    """Jobs inside the user's scope held by people she may see (a worker may live in another regency),
    and by people not yet recognised when she reads them (`unrecognised_shown`)."""
    queryset = visible(user, Job.objects.select_related("enterprise", "person__household")).filter(
        person_listed(user))
    if region:
        queryset = queryset.filter(region_q(region, "enterprise__village_id"))
    if poor_only:
        queryset = queryset.filter(person__household__decile__in=POOR_DECILES)
    return queryset.order_by("-start", "id")


def scoped_memberships(user: User | None, *, region: str = "", cooperative: int | None = None) -> QuerySet[Membership]:
    """Memberships inside the user's scope of people she may see, and of people not yet recognised
    when she reads them (`unrecognised_shown`)."""
    queryset = visible(user, Membership.objects.select_related("cooperative", "person__household")).filter(
        person_listed(user))
    if region:
        queryset = queryset.filter(region_q(region, "cooperative__village_id"))
    if cooperative is not None:
        queryset = queryset.filter(cooperative_id=cooperative)
    return queryset.annotate(poor=poor()).order_by("cooperative_id", "joined", "id")
