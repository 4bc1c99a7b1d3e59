"""The dashboard's and the village profile's tables as one XLSX workbook: what the page shows,
nothing more (counts, never a person), audit-logged."""

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import audit, sheets
from entas.core.actors import AuthenticatedHttpRequest
from entas.monitoring.dashboard import Line, Trend
from entas.monitoring.models import Indicator, Period
from entas.monitoring.report import SMALL, hides_small_counts
from entas.monitoring.village import Profile
from entas.regions.codes import Level
from entas.regions.models import Region

Cell = str | int | float | Decimal | None


Kinds = list[str | None]


def _rows(book: Any, name: str, header: list[str], rows: list[list[Cell]], kinds: Kinds | None = None,
          per_row: list[Kinds] | None = None) -> None:
    """`kinds`: what each column holds (`core.sheets`: number formats); `per_row`: the same for each row."""
    # Excel refuses a sheet name longer than 31 characters or holding one of [ ] : * ? / \
    sheet = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", str(name))[:31].strip())
    sheets.write_row(book, sheet, 0, header)
    for index, row in enumerate(rows, start=1):
        # Names typed in forms (a cooperative's, a region's) go in as text, never as formulas.
        sheets.write_row(book, sheet, index, row, per_row[index - 1] if per_row is not None else kinds)


@dataclass(frozen=True)
class Small:
    """As in the printed report: a role without access to personal data reads a village-level
    count of 1 to 4 as "<5", and no percentage made from it."""

    hide: bool

    def n(self, value: Any) -> Any:
        return SMALL if self.hide and value is not None and 0 < value < 5 else value

    def share(self, of_count: Any, value: Any) -> Any:
        return None if self.n(of_count) == SMALL else value


SHOWN = Small(False)


def _sheet(book: Any, name: str, first: str, lines: list[Line], small: Small = SHOWN) -> None:
    def counted(line: Line) -> list[Cell]:
        if line.kind != "count":
            return [line.achieved, line.percent]
        return [small.n(line.achieved), small.share(line.achieved, line.percent)]

    _rows(book, name, [_("Code"), first, _("Target"), _("Achievement"), _("% of target")],
          [[line.code, line.label, line.target, *counted(line)] for line in lines],
          per_row=[[None, None, line.kind, line.kind, "percent"] for line in lines])


def _respond(book: Any, buffer: io.BytesIO, kind: str, code: str, period: Period) -> FileResponse:
    book.close()
    buffer.seek(0)
    name = f"entas-{kind}-{code or 'ID'}-{period}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name)


def dashboard_xlsx(request: AuthenticatedHttpRequest, region: Region | None, period: Period, lines: list[Line],
                   indicator: Indicator | None, children: list[Line], trend: Trend) -> FileResponse:
    code = region.code if region else ""
    audit.record(request.user, audit.Action.DASHBOARD_EXPORTED, region_code=code, details={
        "period": str(period), "indicator": indicator.code if indicator else "", "rows": len(lines) + len(children)})
    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    _sheet(book, _("Indicators"), _("Indicator"), lines)
    if indicator is not None and children:
        villages = region is not None and region.level == Level.DISTRICT
        _sheet(book, indicator.name, _("Region"), children, Small(villages and hides_small_counts(request.user)))
    _rows(book, _("Achievement over the periods"), [_("Indicator"), *map(str, trend.periods)],
          [[i.name, *values] for i, values in trend.rows],
          per_row=[[None, *[i.figure_kind] * len(values)] for i, values in trend.rows])
    return _respond(book, buffer, "dashboard", code, period)


def village_xlsx(request: AuthenticatedHttpRequest, region: Region, period: Period, lines: list[Line],
                 profile: Profile) -> FileResponse:
    """Every table of the village profile, one sheet each, then the indicators, small counts hidden
    (Small)."""
    audit.record(request.user, audit.Action.DASHBOARD_EXPORTED, region_code=region.code, details={
        "period": str(period), "village_profile": True})
    small = Small(hides_small_counts(request.user))
    n, share = small.n, small.share

    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    # A decile is a number ("?" for one outside 1-10 stays text), so the sheet sorts and filters as numbers.
    _rows(book, _("Deciles"), [_("Decile"), _("Households")],
          [[int(d) if d.isdigit() else d, n(count)] for d, count in profile.deciles], [None, "count"])
    _rows(book, _("Assistance"), [_("Programme"), _("Households"), _("% of households")],
          [[c.programme, n(c.households), share(c.households, c.percent)] for c in profile.coverage],
          [None, "count", "percent"])
    _rows(book, _("KBLI sections"), [_("KBLI version"), _("KBLI section"), _("Enterprises"), _("with an NIB")],
          [[s.version, s.section, n(s.active), n(s.formal)] for s in profile.sections], [None, None, "count", "count"])
    _rows(book, _("Cooperatives"), [_("Cooperative"), _("Type"), _("Status"), _("Members"), _("Business unit"),
                                    _("Unit status")],
          [[c.name, c.type, c.status, n(c.members), kind, status]
           for c in profile.cooperatives for kind, status in (c.units or [("", "")])],
          [None, None, None, "count", None, None])
    _rows(book, _("Programme progress"), [_("Programme"), *profile.progress_columns, _("Relapsed at least once")],
          [[p.programme, *map(n, p.in_order), n(p.relapsed)] for p in profile.progress],
          [None, *["count"] * (len(profile.progress_columns) + 1)])
    _sheet(book, _("Indicators"), _("Indicator"), lines, small)
    return _respond(book, buffer, "village", region.code, period)
