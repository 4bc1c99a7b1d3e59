"""The programme tally (models.ProgrammeTally): enrolments per programme, regency, cohort and
status, kept from the enrolment events (core.events) so that a programme's page over a million
enrolments reads the tally instead of grouping them. A change recounts the (programme, regency)
pairs its events name, from the enrolments themselves: each recount is exact, so a missed or
repeated event costs a recount, never a wrong number. `rebuild()` recounts everything
(`entas rebuild-tallies`)."""

from collections.abc import Iterable, Sequence
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from entas.core.models import Event
from entas.core.scoping import region_q
from entas.graduation.models import Enrolment, ProgrammeTally
from entas.regions.codes import Level
from entas.regions.models import Region

ENROLMENT = "graduation.Enrolment"
REGENCY = 5  # length of a regency code, "33.10"
# Enrolment events that change none of what the tally counts (status, cohort, village, relapses):
# an evaluation comes with every assessed visit, and recounting a regency for each would be waste.
UNCOUNTED = {"enrolment.evaluated", "enrolment.consent_recorded", "enrolment.reassigned"}


def _counts(rows: QuerySet[Enrolment]) -> list[ProgrammeTally]:
    grouped = (rows.order_by().annotate(regency=Substr("village_id", 1, REGENCY))
               .values("programme_id", "regency", "cohort", "status")
               .annotate(n=Count("id"), relapse_sum=Sum("relapses"), relapsed_n=Count("id", filter=Q(relapses__gt=0))))
    return [ProgrammeTally(programme_id=r["programme_id"], regency=r["regency"], cohort=r["cohort"],
                           status=r["status"], enrolments=r["n"], relapses=r["relapse_sum"] or 0,
                           relapsed=r["relapsed_n"]) for r in grouped]


@lru_cache(maxsize=1024)
def villages_of(regency: str) -> tuple[str, ...]:
    """The village codes of a regency: a recount reads the enrolments by the (programme, village)
    index with an IN list, where a prefix match could not use it on SQLite (or on PostgreSQL
    outside the C collation). Regions change only when a new Kemendagri list is loaded."""
    return tuple(Region.objects.filter(region_q(regency, "code"), level=Level.VILLAGE).values_list("code", flat=True))


TALLY_LOCK = 7011  # the first key of the advisory lock that serialises one programme's recounts


def _hold(programme_id: int) -> None:
    """Two deliveries recounting one programme at once would both insert its rows: the second waits.
    An advisory lock, not the programme's row, which evaluations hold in share mode for as long as a
    phone's sync runs. SQLite writes one transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [TALLY_LOCK, programme_id])


@transaction.atomic
def recount(pairs: Iterable[tuple[int, str]]) -> None:
    """Recount the tally of these (programme id, regency code) pairs from the enrolments."""
    by_programme: dict[int, set[str]] = {}
    for programme_id, regency in pairs:
        by_programme.setdefault(programme_id, set()).add(regency[:REGENCY])
    for programme_id, regencies in sorted(by_programme.items()):
        _hold(programme_id)
        villages = [code for regency in sorted(regencies) for code in villages_of(regency)]
        ProgrammeTally.objects.filter(programme_id=programme_id, regency__in=regencies).delete()
        counts = _counts(Enrolment.objects.filter(programme_id=programme_id, village_id__in=villages))
        ProgrammeTally.objects.bulk_create(counts, batch_size=2000)


@transaction.atomic
def rebuild() -> int:
    ProgrammeTally.objects.all().delete()
    return len(ProgrammeTally.objects.bulk_create(_counts(Enrolment.objects.all()), batch_size=2000))


def on_events(taken: Sequence[Event]) -> None:
    """Recount the pairs named by enrolment events: from the ids (the enrolments as they are now),
    and, for a set-based change that names no ids, from its programme and places."""
    taken = [event for event in taken if event.kind not in UNCOUNTED]
    ids = [pk for event in taken if event.model == ENROLMENT for pk in event.ids]
    pairs: set[tuple[int, str]] = set()
    if ids:
        pairs.update(Enrolment.objects.filter(pk__in=ids).order_by().annotate(
            regency=Substr("village_id", 1, REGENCY)).values_list("programme_id", "regency").distinct())
    for event in taken:
        if event.model == ENROLMENT and not event.ids and event.details.get("programme"):
            pairs.update((int(event.details["programme"]), place[:REGENCY])
                         for place in event.places if len(place) >= REGENCY)
    if pairs:
        recount(pairs)
