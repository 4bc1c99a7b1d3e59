"""What the dashboard shows for one region and period: target against achievement per indicator,
and for one indicator the same for each child region (the table and the map)."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from entas.accounts.models import User
from entas.monitoring import rollups
from entas.monitoring.models import Indicator, Period, RegionRollup, Target
from entas.regions import queries as regions
from entas.regions.models import Region


@dataclass
class Line:
    label: str
    target: Decimal | None
    achieved: Decimal | None
    code: str = ""
    rolled: bool = False  # the target is the sum of those of the regions below, none being set here
    kind: str = "number"  # how target and achievement are shown: core.numbers.figure

    @property
    def percent(self) -> Decimal | None:
        if not self.target or self.achieved is None:
            return None
        return round(self.achieved * 100 / self.target, 1)


def parse_period(text: str) -> Period | None:
    """'2025' or '2025-Q2'; anything else (or a period not in the calendar) is None."""
    year, _, quarter = text.partition("-Q")
    if not year.isdigit() or (quarter and quarter not in {"1", "2", "3", "4"}):
        return None
    return Period.objects.filter(year=int(year), quarter=int(quarter) if quarter else None).first()


def default_period() -> Period | None:
    """The latest year, up to this one, that has numbers (rollups) or targets; without any, the
    latest year up to this one in the calendar."""
    years = Period.objects.filter(quarter__isnull=True)
    this_year = timezone.localdate().year
    # The national rows (level 0) say whether a period has any number: a few rows, not every region's.
    counted = RegionRollup.objects.filter(level=0).values("period")
    with_data = years.filter(Q(pk__in=counted) | Q(pk__in=Target.objects.values("period")))
    return (with_data.filter(year__lte=this_year).order_by("-year").first()
            or years.filter(year__lte=this_year).order_by("-year").first() or years.first())


@dataclass
class Figures:
    """The target and typed achievement of each indicator and region: its own target where one
    is set, else the sum of those set for the regions below it at the highest level that has any
    (a province without its own target: its regencies'), never for a ratio, whose targets do not add."""

    values: dict[tuple[str, str], Decimal]
    achieved: dict[tuple[str, str], Decimal]
    own: dict[tuple[str, str], Target]

    def line(self, label: str, indicator: Indicator, region: str, achieved: Decimal | None) -> Line:
        key = (indicator.code, region)
        return Line(label, self.values.get(key), achieved, region or indicator.code,
                    rolled=key in self.values and key not in self.own, kind=indicator.figure_kind)


def _depth(code: str) -> int:
    return 0 if not code else code.count(".") + 1


def _ancestors(code: str) -> list[str]:
    """'33.10.01' -> ['', '33', '33.10']: the regions strictly above, the nation first."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts))]


def _targets(indicators: list[Indicator], codes: list[str | None], period: Period, within: str | None) -> Figures:
    """Targets of `indicators` for the regions `codes` ([None]: the nation; else regions that do not
    contain one another) in `period`, rolled up from the regions below where a region has none of
    its own. `within`: a region holding all of `codes` (None: the nation), to read less."""
    wanted = {c or "" for c in codes}
    scope = Q() if within is None else Q(region_id=within) | Q(region__pk__startswith=within + ".")
    found = list(Target.objects.filter(scope, indicator__in=indicators, period=period).select_related("indicator"))
    own = {(t.indicator.code, t.region_id or ""): t for t in found if (t.region_id or "") in wanted}
    figures = Figures({k: t.value for k, t in own.items()},
                      {k: t.achieved for k, t in own.items() if t.achieved is not None}, own)
    ratios = {i.code for i in indicators if rollups.is_ratio(i)}
    below: dict[str, list[Target]] = {}
    for t in found:
        if t.region_id and t.indicator.code not in ratios:
            above = next((a for a in _ancestors(t.region_id) if a in wanted), None)
            if above is not None:
                below.setdefault(above, []).append(t)
    for code, inside in below.items():
        for field, into in (("value", figures.values), ("achieved", figures.achieved)):
            _roll(code, inside, field, into)
    return figures


def _roll(code: str, inside: list[Target], field: str, into: dict[tuple[str, str], Decimal]) -> None:
    """Into `into`, for each indicator with no figure of its own in region `code`: the sum of
    `field` over the targets below at the shallowest level that has that figure."""
    shallowest: dict[str, int] = {}
    for t in inside:
        if getattr(t, field) is not None:
            depth = _depth(t.region_id or "")
            shallowest[t.indicator.code] = min(depth, shallowest.get(t.indicator.code, depth))
    for indicator_code, depth in shallowest.items():
        key = (indicator_code, code)
        if key in into:
            continue
        into[key] = sum((getattr(t, field) for t in inside if t.indicator.code == indicator_code
                         and getattr(t, field) is not None and _depth(t.region_id or "") == depth), Decimal(0))


def _achieved(indicator: Indicator, key: tuple[str, Any], sums: Mapping[tuple[str, Any], Decimal | None],
              typed: Decimal | None) -> Decimal | None:
    if not indicator.computation:
        return typed  # an output target typed in with evidence
    # A ratio with no rows has nothing to divide by: no value rather than 0.
    return sums.get(key, None if rollups.is_ratio(indicator) else Decimal(0))


def indicator_lines(user: User | None, region: Region | None, period: Period, language: str) -> list[Line]:
    indicators = list(Indicator.objects.order_by("code"))
    code = region.code if region else None
    sums = rollups.totals(code, 0, period, user=user)
    figures = _targets(indicators, [code], period, code)
    lines = []
    for indicator in indicators:
        label = indicator.name_id if language == "id" else indicator.name_en
        achieved = _achieved(indicator, (indicator.code, ""), sums, figures.achieved.get((indicator.code, code or "")))
        line = figures.line(f"{label} ({indicator.unit})" if indicator.unit else label, indicator, code or "", achieved)
        line.code = indicator.code
        lines.append(line)
    return lines


def child_lines(user: User | None, region: Region | None, period: Period, indicator: Indicator) -> list[Line]:
    kids = regions.children(region)
    if not kids:
        return []
    level = kids[0].level
    codes: list[str | None] = [kid.code for kid in kids]
    sums = rollups.totals(region.code if region else None, level, period, user=user)
    figures = _targets([indicator], codes, period, region.code if region else None)
    return [figures.line(kid.name, indicator, kid.code, _achieved(indicator, (indicator.code, kid.code), sums,
                                                                  figures.achieved.get((indicator.code, kid.code))))
            for kid in kids]


@dataclass
class Trend:
    """Achievement of each indicator in each period of the calendar, for one region, and the
    region's target for it where one is set (keyed by indicator code)."""

    periods: list[Period]
    rows: list[tuple[Indicator, list[Decimal | None]]]
    targets: dict[str, list[Decimal | None]]


def trend(user: User | None, region: Region | None, quarters: bool = False) -> Trend:
    periods = list(Period.objects.filter(quarter__isnull=not quarters))
    indicators = list(Indicator.objects.order_by("code"))
    sums = rollups.by_period(region.code if region else None, periods, user=user)
    targets = list(Target.objects.filter(period__in=periods, region_id=region.code if region else None)
                   .select_related("indicator"))
    typed = {(t.indicator_id, t.period_id): t.achieved for t in targets if not t.indicator.computation}
    values_of = {(t.indicator_id, t.period_id): t.value for t in targets}
    rows = []
    for indicator in indicators:
        if indicator.computation:
            values = [_achieved(indicator, (indicator.code, p.pk), sums, None) for p in periods]
        else:
            values = [typed.get((indicator.pk, p.pk)) for p in periods]
        rows.append((indicator, values))
    by_code = {indicator.code: [values_of.get((indicator.pk, p.pk)) for p in periods] for indicator in indicators}
    return Trend(periods, rows, by_code)
