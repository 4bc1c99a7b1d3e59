"""What "My cooperative" reads for a cooperative manager: his cooperatives, their members with the
desil and programme status of their households, and the families of the cooperative's village who
agreed to be contacted by it (the pilot in which assistance recipients become members).

Where the manager's role may see it: he sees his members and his board (enterprises.scopes); of
their households he reads the desil (the cooperative's own page already marks desil 1-2 members)
and the status of the household's enrolment, never its No. KK, address or the family's pages.
Of a family that is not a member he reads only what its consent opens (Enrolment.contact_consent):
the head's name, the village and the phone; no NIK, no desil. He finds a new member by the exact
NIK on her KTP inside his region (core.scoping.region_only), as the cooperative's join page does,
and searches by name only among the people he may see and those consenting families."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from entas.accounts.models import User
from entas.core.scoping import region_only, visible
from entas.enterprises import queries as enterprises
from entas.enterprises.models import Cooperative, Membership
from entas.graduation.models import OPEN_STATUSES, Enrolment, Status
from entas.registry.models import Person, Relationship

CANDIDATES_SHOWN = 500  # a village's consenting families: a page, not an export
FOUND_SHOWN = 20


def my_cooperatives(user: User | None) -> QuerySet[Cooperative]:
    """The cooperatives the user's account acts for (enterprises.models.CooperativeAccess)."""
    if user is None:
        return Cooperative.objects.none()
    return (visible(user, Cooperative.objects.filter(accounts__user=user)).select_related("village")
            .order_by("name", "pk"))


def _latest_enrolment() -> QuerySet[Enrolment]:
    """The household's enrolment that says most: an open one first, then the latest."""
    still_open = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (Enrolment.objects.filter(household_id=OuterRef("person__household_id"))
            .order_by(still_open, "-enrolled_on", "-pk"))


def members(user: User | None, cooperative: Cooperative) -> list[Membership]:
    """The current members the user may see, each with `decile` and, when the household is
    enrolled, `programme_name` and `programme_status` (a label)."""
    latest = _latest_enrolment()
    rows: list[Any] = list(enterprises.members(user, cooperative).filter(left__isnull=True).annotate(
        programme_name=Subquery(latest.values("programme__name")[:1]),
        programme_status=Subquery(latest.values("status")[:1]),
    ).order_by("person__full_name", "pk"))
    labels = dict(Status.choices)
    for row in rows:
        row.decile = row.person.household.decile if row.person.household else None
        row.status_label = labels.get(row.programme_status, "")
    return rows


def _heads() -> QuerySet[Person]:
    """The person who speaks for the family: its head, else its eldest member."""
    first = Case(When(relationship=Relationship.HEAD, then=Value(0)), default=Value(1), output_field=IntegerField())
    return Person.objects.filter(household_id=OuterRef("household_id")).order_by(first, "birth_date", "pk")


def candidates(cooperative: Cooperative) -> Any:
    """Families of the cooperative's village enrolled in a programme (still open), whose enrolment
    records their consent to be contacted by a cooperative, and of whom nobody is a current member.
    Each carries `name` and `person_id` (the family's head). One row per enrolment: `families()`
    keeps one per household. The cooperative must be one the user may see (the view fetched it so)."""
    member = Membership.objects.filter(cooperative=cooperative, left__isnull=True,
                                       person__household_id=OuterRef("household_id"))
    heads = _heads()
    return (Enrolment.objects.filter(village_id=cooperative.village_id, status__in=OPEN_STATUSES,
                                     contact_consent=True)
            .exclude(Exists(member))
            .annotate(name=Subquery(heads.values("full_name")[:1]), person_id=Subquery(heads.values("pk")[:1]))
            .filter(person_id__isnull=False).select_related("village"))


@dataclass(frozen=True)
class Family:
    """A candidate as the manager reads it: name, village and contact only."""

    person_id: int
    name: str
    village: str
    phone: str


def families(cooperative: Cooperative) -> list[Family]:
    found: dict[int, Family] = {}
    for e in candidates(cooperative).order_by("name", "pk")[:CANDIDATES_SHOWN]:
        found.setdefault(e.household_id, Family(e.person_id, e.name, e.village.name, e.contact_phone))
    return list(found.values())


def addable(user: User | None, cooperative: Cooperative) -> QuerySet[Person]:
    """Whom the manager may add by choosing a name: the people he may see (his members, former
    members and board) and the heads of the consenting families of his cooperative's village."""
    heads = candidates(cooperative).values("person_id")
    return Person.objects.filter(Q(pk__in=visible(user, Person.objects.all()).values("pk")) | Q(pk__in=heads))


@dataclass(frozen=True)
class Found:
    person: Person
    shown: bool  # one he may see (his members and board): the masked NIK is shown; not for a family
    member: bool  # a current member already


def search(user: User | None, cooperative: Cooperative, q: str) -> list[Found]:
    """By part of the name among `addable`; by the whole NIK among the people he may see only (a
    family's NIK is not shown to him, so it is not searched either)."""
    q = q.strip()
    if len(q) < 3:
        return []
    seen = visible(user, Person.objects.all())
    people = seen.filter(nik=q) if q.isdigit() else addable(user, cooperative).filter(full_name__icontains=q)
    current = Membership.objects.filter(cooperative=cooperative, left__isnull=True, person_id=OuterRef("pk"))
    rows: Any = (people.annotate(member=Exists(current), shown=Exists(seen.filter(pk=OuterRef("pk"))))
                 .select_related("household__village").order_by("full_name", "pk")[:FOUND_SHOWN])
    return [Found(p, p.shown, p.member) for p in rows]


def person_by_nik(user: User | None, nik: str) -> Person | None:
    """The person with the NIK on her KTP inside the user's region: an exact lookup for the one
    join it serves, never a list (core.scoping.region_only)."""
    return region_only(user, Person.objects.filter(nik=nik.strip())).first()
