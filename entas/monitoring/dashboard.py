"""What the dashboard shows for one region and period: target against achievement per indicator,
and for one indicator the same for each child region (the table and the map)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from entas.core.scoping import region_q, visible
from entas.monitoring import rollups
from entas.monitoring.models import Indicator, Period, Rollup, Target
from entas.regions import queries as regions
from entas.regions.models import Region


@dataclass
class Line:
    label: str
    target: Decimal | None
    achieved: Decimal | None
    code: str = ""

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
    years = Period.objects.filter(quarter__isnull=True)
    return years.filter(year__lte=timezone.localdate().year).order_by("-year").first() or years.first()


def _targets(indicators: list[Indicator], codes: list[str | None], period: Period) -> dict[tuple[str, str], Target]:
    region = Q(region__isnull=True) if codes == [None] else Q(region_id__in=codes)
    found = Target.objects.filter(region, indicator__in=indicators, period=period).select_related("indicator")
    return {(t.indicator.code, t.region_id or ""): t for t in found}


def _achieved(indicator: Indicator, key: tuple[str, str], sums: dict[tuple[str, str], Decimal],
              target: Target | None) -> Decimal | None:
    if not indicator.computation:
        return target.achieved if target else None  # an output target typed in with evidence
    return sums.get(key, Decimal(0))


def indicator_lines(user: Any, region: Region | None, period: Period, language: str) -> list[Line]:
    indicators = list(Indicator.objects.order_by("code"))
    code = region.code if region else None
    sums = rollups.totals(code, 0, period, visible(user, Rollup.objects.all()))
    targets = _targets(indicators, [code], period)
    lines = []
    for indicator in indicators:
        target = targets.get((indicator.code, code or ""))
        label = indicator.name_id if language == "id" else indicator.name_en
        lines.append(Line(f"{label} ({indicator.unit})" if indicator.unit else label, target.value if target else None,
                          _achieved(indicator, (indicator.code, ""), sums, target), indicator.code))
    return lines


def child_lines(user: Any, region: Region | None, period: Period, indicator: Indicator) -> list[Line]:
    kids = regions.children(region)
    if not kids:
        return []
    level = kids[0].level
    codes: list[str | None] = [kid.code for kid in kids]
    sums = rollups.totals(region.code if region else None, level, period, visible(user, Rollup.objects.all()))
    targets = _targets([indicator], codes, period)
    lines = []
    for kid in kids:
        target = targets.get((indicator.code, kid.code))
        lines.append(Line(kid.name, target.value if target else None,
                          _achieved(indicator, (indicator.code, kid.code), sums, target), kid.code))
    return lines


@dataclass
class Trend:
    """Achievement of each indicator in each year of the calendar, for one region."""

    periods: list[Period]
    rows: list[tuple[Indicator, list[Decimal | None]]]


def trend(user: Any, region: Region | None, quarters: bool = False) -> Trend:
    periods = list(Period.objects.filter(quarter__isnull=not quarters))
    indicators = list(Indicator.objects.order_by("code"))
    scoped = visible(user, Rollup.objects.all()).filter(region_q(region.code if region else None, "village_id"),
                                                        period__in=periods)
    sums = {(code, period): total for code, period, total in
            scoped.values_list("indicator__code", "period_id").annotate(total=Sum("value"))}
    typed = {(t.indicator_id, t.period_id): t.achieved for t in Target.objects.filter(
        indicator__computation="", period__in=periods, region_id=region.code if region else None)}
    rows = []
    for indicator in indicators:
        if indicator.computation:
            values = [sums.get((indicator.code, p.pk), Decimal(0)) for p in periods]
        else:
            values = [typed.get((indicator.pk, p.pk)) for p in periods]
        rows.append((indicator, values))
    return Trend(periods, rows)
