"""Two years of a family's life on the pathway, one family at a time, through the services: a home
visit with an assessment every three months or so, the pathway steps the assessments allow (active,
ready, graduated, follow-ups at 6, 12 and 24 months that keep the family sustained or send it back to
active), now and then an exit, and the support it gets (support.py).

Incomes are kept as a ratio to the province's poverty line: most families rise past it, some stay
flat or fall; some graduates meet a shock before a follow-up and relapse. Each family draws from its
own random generator seeded with its No. KK, so the demo is the same on every machine."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from entas.demo import calendar
from entas.demo.support import Support
from entas.graduation import services as graduation
from entas.graduation.models import Enrolment, ExitReason, FollowUp, Status

NOTES = ["Kunjungan rumah rutin.", "Pendampingan usaha warung.", "Membahas rencana tabungan keluarga.",
         "Cek anak sekolah dan kesehatan.", "Pendampingan pemasaran produk.", "Evaluasi kemajuan usaha ternak."]
EXITS = [ExitReason.MOVED, ExitReason.DECLINED, ExitReason.DIED, ExitReason.OTHER]
MET = 1.03  # the ratio to the line that meets the income criterion with room to spare


@dataclass
class Family:
    enrolment: Enrolment
    rng: random.Random
    line: Callable[[date], int]  # the poverty line of the family's province and area on a day
    kind: str = "rising"
    ratio: float = 0.7
    growth: float = 0.03
    children: int = 0
    savings: int = 0
    business_from: date | None = None
    shock_after: int | None = None  # months after graduation when a shock strikes (a relapse)
    shocked: bool = False  # struck, not yet found out by a follow-up
    followed: list[int] = field(default_factory=list)

    @classmethod
    def drawn(cls, enrolment: Enrolment, line: Callable[[date], int]) -> "Family":
        rng = random.Random(enrolment.household.kk_number)
        draw = rng.random()
        kind = "rising" if draw < 0.72 else "flat" if draw < 0.88 else "falling"
        shock = rng.choice([4, 8, 16]) if kind == "rising" and rng.random() < 0.2 else None
        # The first wave (the programme's pilot) took the families closest to the line.
        first = enrolment.enrolled_on.year == enrolment.programme.start.year and enrolment.enrolled_on.month == 1
        return cls(enrolment, rng, line, kind, rng.uniform(0.7, 0.9) if first else rng.uniform(0.55, 0.85),
                   rng.uniform(0.03, 0.05) if first else rng.uniform(0.015, 0.045),
                   rng.choice([0, 0, 1, 1, 2, 3]), shock_after=shock)

    def meets(self) -> bool:
        return self.ratio >= MET

    def advance(self, day: date) -> None:
        """Three months of the family's income."""
        graduated = self.enrolment.graduated_on
        self.shocked = self.shocked and graduated is not None
        if graduated and self.shock_after and day >= calendar.months_after(graduated, self.shock_after):
            self.ratio, self.savings, self.shock_after, self.shocked = self.rng.uniform(0.7, 0.85), 0, None, True
        elif self.shocked:
            self.ratio *= self.rng.uniform(0.97, 1.01)
        elif graduated:
            self.ratio = min(1.6, max(MET + 0.03, self.ratio * self.rng.uniform(1.0, 1.04)))
        elif self.kind == "rising":
            self.ratio *= (1 + self.growth) ** 3
        elif self.kind == "flat":
            self.ratio = min(0.95, self.ratio * self.rng.uniform(0.96, 1.04))
        else:
            self.ratio = max(0.35, self.ratio * 0.97)
        if self.kind == "rising" and self.business_from is None and self.ratio >= 0.75:
            self.business_from = day
        self.savings = self.savings + self.rng.randrange(60_000, 240_000, 10_000) if self.ratio >= 0.9 else 0

    def measures(self, day: date, member: bool) -> dict[str, Any]:
        income = int(round(self.ratio * self.line(day), -3))
        months = (day - self.business_from).days // 30 if self.business_from else 0
        in_school = self.children if self.ratio >= 0.8 or self.kind == "rising" else max(0, self.children - 1)
        return {"per_capita_income": income, "income_sources": 1 if self.ratio < 0.85 else 2 if self.ratio < 1.2 else 3,
                "business_months": months, "savings": self.savings, "cooperative_member": member,
                "school_age_children": self.children, "children_in_school": in_school,
                "food_shortage": self.ratio < 0.9}


def live(family: Family, today: date, support: Support) -> None:
    e, rng = family.enrolment, family.rng
    day, visits = calendar.days_after(e.enrolled_on, rng.randint(10, 40)), 0
    while day <= today:
        if visits:
            family.advance(day)
        _visit(family, day, today, support)
        _step(family, day)
        if e.status in (Status.SUSTAINED, Status.EXITED):
            return
        support.at_visit(family, day, visits)
        if visits >= 2 and rng.random() < 0.012:
            graduation.exit_enrolment(None, e, reason=rng.choice(EXITS), on=day)
            return
        visits += 1
        day = _next_visit(family, day)


def _visit(family: Family, day: date, today: date, support: Support) -> None:
    """The recent visits as a facilitator records them today: visit, assessment and its evaluation
    in one step. The older ones without the evaluation of each (a pathway step still evaluates
    what it relies on): reading the criteria on every one of some 7,000 visits would double the
    demo's loading time, and the pages show the latest evaluation only."""
    e, notes = family.enrolment, family.rng.choice(NOTES)
    measures = family.measures(day, support.member(e))
    if calendar.days_after(day, 105) > today:
        graduation.record_visit_with_assessment(None, e, date=day, notes=notes, measures=measures)
        return
    if e.status == Status.ENROLLED:
        graduation.activate(None, e, on=day)
    graduation.record_visit(None, e, on=day, notes=notes, assessment=measures)


def _next_visit(family: Family, day: date) -> date:
    """Every three months or so; sooner to graduate a family found ready, and on time for a follow-up."""
    e, rng = family.enrolment, family.rng
    regular = calendar.days_after(day, 90 + rng.randint(-12, 12))
    if e.status == Status.READY:
        return calendar.days_after(day, rng.randint(20, 45))
    if e.status == Status.GRADUATED and e.graduated_on:
        due = [calendar.months_after(e.graduated_on, m) for m in FollowUp.MONTHS if m not in family.followed]
        if due and due[0] < regular:
            return max(calendar.days_after(day, 14), calendar.days_after(due[0], rng.randint(0, 14)))
    return regular


def _step(family: Family, day: date) -> None:
    e = family.enrolment
    if e.status == Status.GRADUATED and e.graduated_on:
        due = [m for m in FollowUp.MONTHS if m not in family.followed
               and calendar.months_after(e.graduated_on, m) <= day]
        if due:
            family.followed.append(due[0])
            graduation.record_follow_up(None, e, month=due[0], on=day)
            e.refresh_from_db()
            if e.status == Status.ACTIVE:
                family.followed.clear()
    elif e.status == Status.READY and family.meets():
        graduation.graduate(None, e, on=day)
    elif e.status == Status.ACTIVE and family.meets():
        graduation.mark_ready(None, e, on=day)
