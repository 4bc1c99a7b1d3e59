"""Permanence: of the families that graduated, the share still out of poverty 6, 12 and 24 months
later, as Kaplan-Meier survival curves with 95 % confidence bands, per graduation cohort, regency,
facilitator or for all, and the relapse rate of each group.

Definitions (what the numbers mean):

- Origin. A family's FIRST graduation (its earliest StatusChange "graduate", by date then by the
  order it was recorded) starts its clock. Later graduations (after a relapse) are not new spells.
  A graduation dated after `today` does not count (the family had not graduated yet).
- Event: the family is no longer out of poverty. The first of: a StatusChange "relapse" recorded
  after that graduation (and dated on or after it); an Assessment after graduation whose income
  per person is below the poverty line of its village and date (graduation.poverty); a registry
  extract (registry.WelfareRecord) dated after graduation with income per person below that line.
  So "still out of poverty" means: income at or above the line in every extract and assessment
  since graduation, and no relapse recorded. Time = days between graduation and the event /
  30.4375 (months, a float).
- Censoring. A family without an event is censored at its last observation after graduation:
  the latest FollowUp.on, Assessment.date or extract date later than the graduation date, capped
  at its exit date (StatusChange "exit" after graduation) if any. A family with no observation after graduation
  is censored at 0 (we know nothing yet). Nothing after `today` is read, so no time exceeds today.
- Kaplan-Meier. At each distinct time t: d events, c censored, n at risk = families with time >= t
  (those censored at t are still at risk at t). S(t) = product of (1 - d/n). Variance by Greenwood:
  V = sum of d / (n (n - d)) (the variance of log S), standard error of S = S * sqrt(V).
- 95 % interval by the log(-log) transform (Kalbfleisch-Prentice): S ** exp(+-1.96 sqrt(V) / log S),
  clipped to [0, 1]. Where S = 1 (no event yet) the interval is (1, 1); where S = 0 (everyone still
  at risk relapsed) it is (0, 0): the transform is undefined at both ends.
- The curve is a list of steps: Step(0, 1, 1, 1, n, 0, 0) first, then one step per distinct time
  at which something happened (an event or a censoring; a time of 0 gives a second step at month 0),
  each giving the curve just after that time.
- S at 6, 12 and 24 months = the curve's value at that month (the last step at or before it);
  None when no family of the group has been observed that long (longest time < month): "too young
  to say", never a number. `at_risk` there = families with time >= month.
- Groups of fewer than MIN_FAMILIES families are not shown: no curve and no survival figure, only
  the counts (too noisy). Any survival figure shown comes with its interval.
- Relapse rate = families that fell back (an event as above) after their first graduation /
  families graduated (counted whatever the observation time).
- Groups: cohort = quarter of the first graduation ("2025-Q3"); regency = the first 5 characters of
  the village code ("33.10"); facilitator = the family's current facilitator (key "" for families
  without one); "all".
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from entas.graduation.enrolment import cohort_of
from entas.graduation.models import Assessment, Enrolment, FollowUp, StatusChange
from entas.graduation.poverty import line_subquery
from entas.programmes.models import Facilitator
from entas.regions.models import Region
from entas.regions.urban import area_expression
from entas.registry.models import WelfareRecord

MIN_FAMILIES = 20
MONTHS = (6, 12, 24)
GROUPINGS = ("cohort", "regency", "facilitator", "all")

DAYS_PER_MONTH = 30.4375
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Step:
    """The curve just after time `month`: at_risk at that time, events and censored there."""

    month: float
    survival: float
    low: float
    high: float
    at_risk: int
    events: int
    censored: int


@dataclass(frozen=True)
class AtMonth:
    month: int
    survival: float | None
    low: float | None
    high: float | None
    at_risk: int


@dataclass(frozen=True)
class Curve:
    key: str
    label: str
    families: int
    relapsed: int
    relapse_rate: float | None
    shown: bool
    steps: list[Step]
    at: list[AtMonth]


@dataclass(frozen=True)
class Spell:
    """One family's time from its first graduation to its first relapse (or to censoring)."""

    enrolment_id: int
    cohort: str
    regency: str
    facilitator_id: int | None
    time: float
    relapsed: bool


def _months(start: datetime.date, end: datetime.date) -> float:
    return max((end - start).days, 0) / DAYS_PER_MONTH


def _below_line(rows: QuerySet[Any], village: str, day: str) -> QuerySet[Any]:
    """Those of `rows` whose income per person lies below the poverty line of their village and date."""
    return (rows.annotate(area=area_expression(village.removesuffix("_id")), line=line_subquery(village, "area", day))
            .filter(per_capita_income__lt=F("line")))


def spells(enrolments: QuerySet[Enrolment], today: datetime.date) -> list[Spell]:
    """One spell per graduated family of `enrolments`, in one query (correlated subqueries)."""
    changes = StatusChange.objects.filter(enrolment=OuterRef("pk"), on__lte=today)
    first = changes.filter(action="graduate").order_by("on", "id")
    after = {"enrolment": OuterRef("pk"), "on__lte": today}
    later_change = Q(id__gt=OuterRef("grad_id"), on__gte=OuterRef("grad_on"))
    assessed = Assessment.objects.filter(date__gt=OuterRef("grad_on"), enrolment=OuterRef("pk"), date__lte=today)
    extracts = WelfareRecord.objects.filter(household=OuterRef("household_id"), date__gt=OuterRef("grad_on"),
                                            date__lte=today)
    rows = (
        enrolments.order_by()
        .annotate(grad_id=Subquery(first.values("id")[:1]), grad_on=Subquery(first.values("on")[:1]))
        .filter(grad_id__isnull=False)
        .annotate(
            relapse_on=Subquery(StatusChange.objects.filter(later_change, action="relapse", **after)
                                .order_by("on", "id").values("on")[:1]),
            exit_on=Subquery(StatusChange.objects.filter(later_change, action="exit", **after)
                             .order_by("on", "id").values("on")[:1]),
            follow_up_on=Subquery(FollowUp.objects.filter(on__gt=OuterRef("grad_on"), **after)
                                  .order_by("-on").values("on")[:1]),
            assessed_on=Subquery(assessed.order_by("-date").values("date")[:1]),
            extract_on=Subquery(extracts.order_by("-date").values("date")[:1]),
            poor_assessed_on=Subquery(_below_line(assessed, "enrolment__village_id", "date")
                                      .order_by("date").values("date")[:1]),
            poor_extract_on=Subquery(_below_line(extracts, "household__village_id", "date")
                                     .order_by("date").values("date")[:1]),
        )
        .values_list("pk", "village_id", "facilitator_id", "grad_on", "relapse_on", "exit_on", "follow_up_on",
                     "assessed_on", "extract_on", "poor_assessed_on", "poor_extract_on")
    )
    result = []
    for (pk, village, facilitator, grad_on, relapse_on, exit_on, follow_up_on, assessed_on, extract_on,
         poor_assessed_on, poor_extract_on) in rows:
        fell = [d for d in (relapse_on, poor_assessed_on, poor_extract_on) if d is not None]
        if exit_on is not None:
            fell = [d for d in fell if d <= exit_on]
        if fell:
            end = min(fell)
        else:
            seen = [d for d in (follow_up_on, assessed_on, extract_on) if d is not None]
            end = max(seen) if seen else grad_on
            if exit_on is not None:
                end = min(end, exit_on)
        result.append(Spell(enrolment_id=pk, cohort=cohort_of(grad_on), regency=village[:5],
                            facilitator_id=facilitator, time=_months(grad_on, min(end, today)),
                            relapsed=bool(fell)))
    return result


def _interval(survival: float, variance: float) -> tuple[float, float]:
    """95 % log(-log) interval; (1, 1) at S = 1 and (0, 0) at S = 0."""
    if survival >= 1.0:
        return 1.0, 1.0
    if survival <= 0.0:
        return 0.0, 0.0
    spread = Z95 * math.sqrt(variance) / abs(math.log(survival))
    low = survival ** math.exp(spread)
    high = survival ** math.exp(-spread)
    return min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)


def kaplan_meier(times: Sequence[float], events: Sequence[bool]) -> list[Step]:
    """The Kaplan-Meier curve of (time, event) pairs, Greenwood variance, log(-log) 95 % bands."""
    if len(times) != len(events):
        raise ValueError("times and events differ in length")
    counts: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for time, event in zip(times, events, strict=True):
        counts[float(time)][0 if event else 1] += 1
    at_risk = len(times)
    steps = [Step(0.0, 1.0, 1.0, 1.0, at_risk, 0, 0)]
    survival, variance = 1.0, 0.0
    for time in sorted(counts):
        died, censored = counts[time]
        if died:
            survival *= 1.0 - died / at_risk
            if died < at_risk:
                variance += died / (at_risk * (at_risk - died))
        low, high = _interval(survival, variance)
        steps.append(Step(time, survival, low, high, at_risk, died, censored))
        at_risk -= died + censored
    return steps


def at_month(steps: list[Step], month: int, longest: float) -> AtMonth:
    """The curve at `month`; no figure when nobody was observed that long or there is no curve."""
    later = [s for s in steps[1:] if s.month >= month]
    at_risk = later[0].at_risk if later else 0
    if month == 0 and steps:
        at_risk = steps[0].at_risk
    if not steps or longest < month:
        return AtMonth(month, None, None, None, at_risk)
    current = [s for s in steps if s.month <= month][-1]
    return AtMonth(month, current.survival, current.low, current.high, at_risk)


def _key(spell: Spell, by: str) -> str:
    if by == "cohort":
        return spell.cohort
    if by == "regency":
        return spell.regency
    if by == "facilitator":
        return "" if spell.facilitator_id is None else str(spell.facilitator_id)
    return "all"


def _labels(keys: Sequence[str], by: str) -> dict[str, str]:
    if by == "regency":
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
        return {key: names.get(key, key) for key in keys}
    if by == "facilitator":
        ids = [int(key) for key in keys if key]
        people = {str(f.pk): str(f) for f in Facilitator.objects.filter(pk__in=ids).select_related("user")}
        return {key: people.get(key, key) if key else gettext("No facilitator") for key in keys}
    if by == "all":
        return {key: gettext("All") for key in keys}
    return {key: key for key in keys}


def _curve(key: str, label: str, group: list[Spell]) -> Curve:
    families = len(group)
    relapsed = sum(1 for s in group if s.relapsed)
    shown = families >= MIN_FAMILIES
    steps = kaplan_meier([s.time for s in group], [s.relapsed for s in group]) if shown else []
    longest = max((s.time for s in group), default=0.0)
    return Curve(key=key, label=label, families=families, relapsed=relapsed,
                 relapse_rate=relapsed / families if families else None, shown=shown, steps=steps,
                 at=[at_month(steps, month, longest) for month in MONTHS])


def permanence(enrolments: QuerySet[Enrolment], *, by: str, today: datetime.date) -> list[Curve]:
    """One curve per group of `enrolments` (already scoped by the caller), sorted by key. "all"
    gives one curve even when no family has graduated (families 0, relapse rate None)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}, not {by!r}")
    groups: dict[str, list[Spell]] = defaultdict(list)
    if by == "all":
        groups["all"] = []
    for spell in spells(enrolments, today):
        groups[_key(spell, by)].append(spell)
    keys = sorted(groups)
    labels = _labels(keys, by)
    return [_curve(key, labels[key], groups[key]) for key in keys]
