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
from entas.monitoring.models import Indicator, Period, Target
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


def _achieved(indicator: Indicator, key: tuple[str, Any], sums: Mapping[tuple[str, Any], Decimal | None],
              target: Target | None) -> Decimal | None:
    if not indicator.computation:
        return target.achieved if target else None  # an output target typed in with evidence
    # A ratio with no rows has nothing to divide by: no value rather than 0.
    return sums.get(key, None if rollups.is_ratio(indicator) else Decimal(0))


def indicator_lines(user: User | None, region: Region | None, period: Period, language: str) -> list[Line]:
    indicators = list(Indicator.objects.order_by("code"))
    code = region.code if region else None
    sums = rollups.totals(code, 0, period, user=user)
    targets = _targets(indicators, [code], period)
    lines = []
    for indicator in indicators:
        target = targets.get((indicator.code, code or ""))
        label = indicator.name_id if language == "id" else indicator.name_en
        lines.append(Line(f"{label} ({indicator.unit})" if indicator.unit else label, target.value if target else None,
                          _achieved(indicator, (indicator.code, ""), sums, target), indicator.code))
    return lines


def child_lines(user: User | None, region: Region | None, period: Period, indicator: Indicator) -> list[Line]:
    kids = regions.children(region)
    if not kids:
        return []
    level = kids[0].level
    codes: list[str | None] = [kid.code for kid in kids]
    sums = rollups.totals(region.code if region else None, level, period, user=user)
    targets = _targets([indicator], codes, period)
    lines = []
    for kid in kids:
        target = targets.get((indicator.code, kid.code))
        lines.append(Line(kid.name, target.value if target else None,
                          _achieved(indicator, (indicator.code, kid.code), sums, target), kid.code))
    return lines


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
