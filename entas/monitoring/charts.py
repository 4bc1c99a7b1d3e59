"""The series behind the dashboard's charts, built once for the page (json_script → Chart.js);
the printed report draws its own from the same lines (report_svg.py)."""

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from entas.monitoring.dashboard import Line, Trend
from entas.monitoring.models import Indicator
from entas.monitoring.village import Profile


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class Series:
    label: str
    values: list[float | None]


@dataclass
class Chart:
    title: str
    labels: list[str]
    series: list[Series]
    codes: list[str] = field(default_factory=list)  # region codes, for drilling down from a bar
    percent: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def trend_chart(trend: Trend, indicator: Indicator | None) -> Chart | None:
    row = next((values for i, values in trend.rows if indicator is not None and i.pk == indicator.pk), None)
    if indicator is None or row is None or not trend.periods:
        return None
    targets = trend.targets.get(indicator.code, [])
    series = [Series(_("Achievement"), [_number(v) for v in row])]
    if any(v is not None for v in targets):
        series.append(Series(_("Target"), [_number(v) for v in targets]))
    return Chart(_("%(code)s over the periods") % {"code": indicator.code}, [str(p) for p in trend.periods], series)


def children_chart(indicator: Indicator | None, children: list[Line]) -> Chart | None:
    if indicator is None or not children:
        return None
    series = [Series(_("Achievement"), [_number(line.achieved) for line in children])]
    if any(line.target is not None for line in children):
        series.append(Series(_("Target"), [_number(line.target) for line in children]))
    return Chart(_("%(code)s by region") % {"code": indicator.code}, [line.label for line in children], series,
                 [line.code for line in children])


def decile_chart(profile: Profile) -> Chart:
    return Chart(_("Households by decile"), [label for label, _n in profile.deciles],
                 [Series(_("Households"), [float(n) for _label, n in profile.deciles])])


def coverage_chart(profile: Profile) -> Chart:
    return Chart(_("Assistance coverage"), [c.programme for c in profile.coverage],
                 [Series(_("% of households"), [_number(c.percent) for c in profile.coverage])], percent=True)


def as_json(charts: dict[str, Chart | None]) -> dict[str, Any]:
    return {name: chart.as_json() for name, chart in charts.items() if chart is not None}
