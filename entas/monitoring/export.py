"""The dashboard tables as one XLSX workbook: what the page shows, nothing more, audit-logged."""

import io
from typing import Any

import xlsxwriter
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import audit
from entas.monitoring.dashboard import Line
from entas.monitoring.models import Indicator, Period
from entas.regions.models import Region


def _sheet(book: Any, name: str, first: str, lines: list[Line]) -> None:
    sheet = book.add_worksheet(name[:31])
    sheet.write_row(0, 0, [_("Code"), first, _("Target"), _("Achievement"), _("% of target")])
    for index, line in enumerate(lines, start=1):
        values = [line.target, line.achieved, line.percent]
        sheet.write_row(index, 0, [line.code, line.label, *[None if v is None else float(v) for v in values]])


def dashboard_xlsx(request: HttpRequest, region: Region | None, period: Period, lines: list[Line],
                   indicator: Indicator | None, children: list[Line]) -> FileResponse:
    code = region.code if region else ""
    audit.record(request.user, "dashboard.exported", region_code=code, details={
        "period": str(period), "indicator": indicator.code if indicator else "", "rows": len(lines) + len(children)})
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    _sheet(book, _("Indicators"), _("Indicator"), lines)
    if indicator is not None and children:
        _sheet(book, indicator.code, _("Region"), children)
    book.close()
    buffer.seek(0)
    name = f"entas-dashboard-{code or 'ID'}-{period}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name)
