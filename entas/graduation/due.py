"""What is due for each family of a facilitator's caseload ("Keluarga dampingan saya"), most urgent
first: a follow-up after graduation, a home visit (none for 30 days), an assessment (none since
enrolment, or none for 90 days), graduating a family marked ready, marking ready a family whose
latest evaluation meets the essential criteria, an override waiting for a supervisor.

`caseload_rows()` reads everything in one query (correlated subqueries on the indexed latest rows,
no query per family); `due_actions()` decides in Python from those values. The benchmark
(bench/bench_my_families.py) compares it with asking per family.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from entas.graduation.models import (
    OPEN_STATUSES,
    Assessment,
    Enrolment,
    Evaluation,
    FollowUp,
    OverrideDecision,
    ReadinessOverride,
    Status,
    Visit,
)
from entas.graduation.pathway import months_after
from entas.registry.models import Person, Relationship

VISIT_EVERY_DAYS = 30
ASSESS_EVERY_DAYS = 90

# Most urgent first: the rank orders the list, the label is what the facilitator reads.
KINDS: dict[str, tuple[int, object]] = {
    "follow_up": (0, _("Follow-up due")),
    "visit": (1, _("Visit overdue")),
    "assessment": (2, _("Assessment due")),
    "graduate": (3, _("Ready: graduate")),
    "mark_ready": (4, _("Criteria met: mark ready (Siap graduasi)")),
    "override": (5, _("Override waiting for a decision")),
    "none": (6, _("Nothing due")),
}


@dataclass(frozen=True)
class Due:
    kind: str
    on: datetime.date | None  # due since (or, for "none", the next date something falls due)
    month: int | None = None  # the follow-up's month

    @property
    def rank(self) -> int:
        return KINDS[self.kind][0]

    @property
    def label(self) -> object:
        return KINDS[self.kind][1]


@dataclass
class Family:
    enrolment: Enrolment
    actions: list[Due] = field(default_factory=list)  # what is due now, most urgent first

    @property
    def next(self) -> Due:
        return self.actions[0]


def head_name() -> Subquery:
    """The name of the head of the enrolment's household (for a queryset of enrolments)."""
    return Subquery(Person.objects.filter(household_id=OuterRef("household_id"), relationship=Relationship.HEAD)
                    .order_by("pk").values("full_name")[:1])


def caseload_rows(enrolments: QuerySet[Enrolment], statuses: Iterable[str] = OPEN_STATUSES) -> QuerySet[Enrolment]:
    """The open enrolments (or those in `statuses`) with, per family, what `due_actions` reads: one query."""
    per = OuterRef("pk")
    return (enrolments.filter(status__in=statuses).select_related("household", "village", "programme")
            .annotate(
                head_name=head_name(),
                last_visit=Subquery(Visit.objects.filter(enrolment=per).order_by("-date", "-id").values("date")[:1]),
                last_assessment=Subquery(Assessment.objects.filter(enrolment=per).order_by("-date", "-id")
                                         .values("date")[:1]),
                criteria_met=Subquery(Evaluation.objects.filter(enrolment=per).order_by("-at", "-id")
                                      .values("essentials_met")[:1]),
                override_pending=Exists(ReadinessOverride.objects.filter(enrolment=per,
                                                                         decision=OverrideDecision.PENDING)),
                follow_up_done=Subquery(FollowUp.objects.filter(enrolment=per, on__gte=OuterRef("graduated_on"))
                                        .order_by("-month").values("month")[:1]),
            ))


def next_follow_up(graduated_on: datetime.date | None, done: int | None) -> tuple[int, datetime.date] | None:
    """(month, due date) of the follow-up still to make, from the last one done since graduation."""
    if graduated_on is None:
        return None
    later = [m for m in FollowUp.MONTHS if done is None or m > done]
    return (later[0], months_after(graduated_on, later[0])) if later else None


def due_actions(e: Any, today: datetime.date) -> list[Due]:
    """What is due for one family as `caseload_rows` annotated it (no query), most urgent first; "none"
    with the next date something falls due when nothing is."""
    due: list[Due] = []
    upcoming: list[datetime.date] = []

    def check(kind: str, on: datetime.date, month: int | None = None) -> None:
        if on <= today:
            due.append(Due(kind, on, month))
        else:
            upcoming.append(on)

    if e.status == Status.GRADUATED:
        follow_up = next_follow_up(e.graduated_on, e.follow_up_done)
        if follow_up:
            check("follow_up", follow_up[1], follow_up[0])
    else:
        last_visit: datetime.date | None = e.last_visit
        check("visit", last_visit + datetime.timedelta(days=VISIT_EVERY_DAYS) if last_visit else e.enrolled_on)
        last: datetime.date | None = e.last_assessment
        check("assessment", last + datetime.timedelta(days=ASSESS_EVERY_DAYS) if last else e.enrolled_on)
        if e.status == Status.READY:
            due.append(Due("graduate", None))
        elif e.status == Status.ACTIVE and e.override_pending:
            due.append(Due("override", None))
        elif e.status == Status.ACTIVE and e.criteria_met:
            due.append(Due("mark_ready", None))
    due.sort(key=lambda d: (d.rank, d.on or today))
    return due or [Due("none", min(upcoming) if upcoming else None)]


def families(enrolments: QuerySet[Enrolment], today: datetime.date) -> list[Family]:
    """The caseload with what is due, most urgent first (longest overdue first within a kind)."""
    found = [Family(e, due_actions(e, today)) for e in caseload_rows(enrolments)]
    found.sort(key=lambda f: (f.next.rank, f.next.on or today, f.enrolment.pk))
    return found


def counts(found: list[Family]) -> list[tuple[str, object, int]]:
    """(kind, label, how many families have it due), in the order of urgency, for the page's top."""
    tally = Counter(d.kind for f in found for d in f.actions if d.kind != "none")
    return [(kind, label, tally[kind]) for kind, (_rank, label) in KINDS.items() if kind != "none"]
