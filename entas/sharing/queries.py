"""Read helpers for the data-sharing pages: the clients, what an agreement gave out and what a
person's data went to, with the identifiers each reader may see."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.partnerships.models import DataSharing, Purpose
from entas.registry.identifiers import shown
from entas.registry.models import Household, Person
from entas.sharing.models import Client, Disclosure

# The data owner: national administrators register clients and read what each agreement gave out.
MANAGES_SHARING = {Role.NATIONAL_ADMIN}


def may_manage(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in MANAGES_SHARING


def clients() -> QuerySet[Client]:
    return Client.objects.select_related("data_sharing__agreement")


def agreements_in_force() -> QuerySet[DataSharing]:
    """The data-sharing agreements a new client may act under: valid today and not revoked."""
    today = timezone.localdate()
    return DataSharing.objects.select_related("agreement").filter(
        revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today).order_by("agreement__number")


def key_ids(client: Client) -> list[str]:
    found = client.jwks.get("keys", []) if isinstance(client.jwks, dict) else []
    return [str(k.get("kid", "")) for k in found if isinstance(k, dict)]


def purpose_label(code: str) -> str:
    return str(Purpose(code).label) if code in Purpose.values else code


def disclosures(terms: DataSharing, *, client: Client | None = None, purpose: str = "") -> QuerySet[Disclosure]:
    found = Disclosure.objects.filter(data_sharing=terms).select_related("client")
    if client is not None:
        found = found.filter(client=client)
    if purpose:
        found = found.filter(purpose=purpose)
    return found.order_by("-at", "-pk")


def counts(terms: DataSharing) -> tuple[list[tuple[str, int]], list[tuple[Client, int]]]:
    """Records given under the agreement, per purpose and per client, most first."""
    every = Disclosure.objects.filter(data_sharing=terms)
    per_purpose = [(purpose_label(row["purpose"]), row["n"])
                   for row in every.values("purpose").annotate(n=Count("pk")).order_by("-n", "purpose")]
    per_client_ids = dict(every.values_list("client").annotate(n=Count("pk")).values_list("client", "n"))
    found = Client.objects.in_bulk(list(per_client_ids))
    per_client = sorted(((found[pk], n) for pk, n in per_client_ids.items()), key=lambda item: (-item[1], item[0].name))
    return per_purpose, per_client


@dataclass
class Row:
    """One disclosure as a page shows it: the identifiers already masked for the reader."""

    disclosure: Disclosure
    purpose: str
    person_id: int | None
    nik: str
    kk: str


def rows(viewer: User, page: Any) -> list[Row]:
    """The disclosures of one page with the NIK and No. KK they named, as `viewer` may see them
    (two queries for the whole page; a record that is no longer in the registry shows none)."""
    items: list[Disclosure] = list(page)
    niks = dict(Person.objects.filter(pk__in={d.person_id for d in items if d.person_id})
                .values_list("pk", "nik"))
    kks = dict(Household.objects.filter(pk__in={d.household_id for d in items if d.household_id})
               .values_list("pk", "kk_number"))
    return [Row(d, purpose_label(d.purpose), d.person_id if d.person_id in niks else None,
                shown(viewer, niks.get(d.person_id or 0)), shown(viewer, kks.get(d.household_id or 0)))
            for d in items]


def of_person(person: Person) -> QuerySet[Disclosure]:
    """What went out about a person: her own records, and the records of her present household
    given as a whole (a group record names its members)."""
    condition = Q(person_id=person.pk)
    if person.household_id:
        condition |= Q(person_id__isnull=True, household_id=person.household_id)
    return (Disclosure.objects.filter(condition)
            .select_related("client", "data_sharing__agreement")
            .prefetch_related("data_sharing__agreement__parties")
            .order_by("-at", "-pk"))
