"""The village profile (profil desa): what the dashboard shows once the drill-down reaches a village.

Counts only, never a person: households by decile, assistance coverage, enterprises by KBLI section,
the cooperatives with their units, and programme progress. Each block is one GROUP BY over the
village's rows, narrowed through `visible()` like every other read.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from entas.accounts.models import User
from entas.core.scoping import visible
from entas.enterprises.models import BusinessUnit, Cooperative, Enterprise, EnterpriseStatus, Membership
from entas.graduation.models import Enrolment, Status
from entas.monitoring.computations import member_at_end
from entas.monitoring.models import Period
from entas.registry.models import AssistanceReceipt, Household, Programme

DECILES = range(1, 11)
ASSISTANCE = (Programme.PKH, Programme.SEMBAKO, Programme.PBI_JKN)
# The pathway's states in the order a family walks them; "relapsed" counts families sent back at least once.
PROGRESS = (Status.ENROLLED, Status.ACTIVE, Status.READY, Status.GRADUATED, Status.SUSTAINED, Status.EXITED)


@dataclass
class Coverage:
    programme: str
    label: str
    households: int
    of: int

    @property
    def percent(self) -> Decimal | None:
        return round(Decimal(self.households * 100) / self.of, 1) if self.of else None


@dataclass
class SectionCount:
    version: str
    section: str
    active: int
    formal: int


@dataclass
class CooperativeRow:
    name: str
    type: str
    status: str
    members: int
    units: list[tuple[str, str]] = field(default_factory=list)  # (kind label, status label)


@dataclass
class ProgrammeProgress:
    programme: str
    counts: dict[str, int]
    relapsed: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def in_order(self) -> list[int]:
        return [self.counts[s.value] for s in PROGRESS]


@dataclass
class Profile:
    households: int
    deciles: list[tuple[str, int]]
    coverage: list[Coverage]
    sections: list[SectionCount]
    cooperatives: list[CooperativeRow]
    progress: list[ProgrammeProgress]

    @property
    def progress_columns(self) -> list[str]:
        return [str(s.label) for s in PROGRESS]

    @property
    def enterprises(self) -> int:
        return sum(s.active for s in self.sections)

    @property
    def enrolled(self) -> int:
        return sum(p.total for p in self.progress)


def _assistance_periods(period: Period) -> Q:
    # Receipts are labelled by month (YYYY-MM) or by quarter (YYYY-Qn).
    if period.quarter is None:
        return Q(period__startswith=f"{period.year}-")
    months = [f"{period.year}-{3 * period.quarter - 2 + m:02d}" for m in range(3)]
    return Q(period__in=[*months, f"{period.year}-Q{period.quarter}"])


def _deciles(homes: Any) -> tuple[int, list[tuple[str, int]]]:
    counts = dict(homes.values_list("decile").annotate(n=Count("pk")).values_list("decile", "n"))
    rows = [(str(d), counts.get(d, 0)) for d in DECILES]
    unknown = sum(n for d, n in counts.items() if d not in DECILES)
    return sum(counts.values()), rows + ([("?", unknown)] if unknown else [])


def _coverage(user: User | None, code: str, period: Period, households: int) -> list[Coverage]:
    receipts = visible(user, AssistanceReceipt.objects.filter(household__village_id=code, programme__in=ASSISTANCE))
    counts = dict(receipts.filter(_assistance_periods(period)).values_list("programme")
                  .annotate(n=Count("household_id", distinct=True)).values_list("programme", "n"))
    return [Coverage(p.value, str(p.label), counts.get(p.value, 0), households) for p in ASSISTANCE]


def _sections(user: User | None, code: str) -> list[SectionCount]:
    rows = (visible(user, Enterprise.objects.filter(village_id=code, status=EnterpriseStatus.ACTIVE))
            .values_list("kbli_version", "kbli_section")
            .annotate(active=Count("pk"), formal=Count("pk", filter=Q(nib__isnull=False)))
            .order_by("kbli_version", "kbli_section"))
    return [SectionCount(version, section, active, formal) for version, section, active, formal in rows]


def _cooperatives(user: User | None, code: str, period: Period) -> list[CooperativeRow]:
    coops = visible(user, Cooperative.objects.filter(village_id=code)).order_by("name")
    # A member not yet recognised as a registry person (no person) counts once per membership.
    members = {coop: people + unrecognised for coop, people, unrecognised in
               visible(user, Membership.objects.filter(cooperative__village_id=code)).filter(member_at_end(period))
               .values_list("cooperative_id").annotate(people=Count("person_id", distinct=True),
                                                       unrecognised=Count("pk", filter=Q(person__isnull=True)))
               .values_list("cooperative_id", "people", "unrecognised")}
    rows = {c.pk: CooperativeRow(c.name, c.get_type_display(), c.get_status_display(), members.get(c.pk, 0))
            for c in coops}
    for unit in visible(user, BusinessUnit.objects.filter(cooperative__village_id=code)).order_by("kind"):
        if unit.cooperative_id in rows:
            rows[unit.cooperative_id].units.append((unit.get_kind_display(), unit.get_status_display()))
    return list(rows.values())


def _progress(user: User | None, code: str) -> list[ProgrammeProgress]:
    counts = {s.value: Count("pk", filter=Q(status=s.value)) for s in PROGRESS}
    rows = (visible(user, Enrolment.objects.filter(village_id=code)).values("programme_id", "programme__name")
            .annotate(relapsed=Count("pk", filter=Q(relapses__gt=0)), **counts).order_by("programme__name"))
    out = []
    for row in rows:
        found: dict[str, Any] = dict(row)  # the annotation names are the statuses, unknown to the type checker
        out.append(ProgrammeProgress(found["programme__name"], {s.value: found[s.value] for s in PROGRESS},
                                     found["relapsed"]))
    return out


def profile(user: User | None, code: str, period: Period) -> Profile:
    """The profile of village `code`; the caller has already checked that the user may open it."""
    households, deciles = _deciles(visible(user, Household.objects.filter(village_id=code)))
    return Profile(households, deciles, _coverage(user, code, period, households), _sections(user, code),
                   _cooperatives(user, code, period), _progress(user, code))
