"""The printable report: the dashboard's tables as a PDF, audit-logged like the XLSX export."""

import datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import audit
from entas.monitoring import pdf
from entas.monitoring.dashboard import Line, Trend
from entas.monitoring.models import Indicator, Period
from entas.regions.models import Region

LABEL = 44


def _number(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _table(title: str, lines: list[Line]) -> list[str]:
    head = f"{'':<{LABEL}}{_('Target'):>14}{_('Achievement'):>14}{'%':>8}"
    rows = [f"{(line.code + ' ' + line.label)[:LABEL - 1]:<{LABEL}}{_number(line.target):>14}"
            f"{_number(line.achieved):>14}{_number(line.percent):>8}" for line in lines]
    return [title, "=" * len(title), head, *rows, ""]


def _trend(trend: Trend) -> list[str]:
    shown = trend.periods[-6:]  # what fits across an A4 page
    out = [_("Achievement over the periods"), "", f"{'':<24}" + "".join(f"{p!s:>12}" for p in shown)]
    for indicator, values in trend.rows:
        out.append(f"{indicator.code[:23]:<24}" + "".join(f"{_number(v):>12}" for v in values[-len(shown):]))
    return out


def dashboard_pdf(request: HttpRequest, region: Region | None, period: Period, lines: list[Line],
                  indicator: Indicator | None, children: list[Line], trend: Trend,
                  fresh: datetime.datetime | None) -> HttpResponse:
    code = region.code if region else ""
    audit.record(request.user, "dashboard.exported", region_code=code, details={"period": str(period), "format": "pdf"})
    place = f"{region.code} {region.name}" if region else _("Indonesia")
    text = [f"Entas - {place} - {period}",
            _("Numbers computed at %(when)s.") % {"when": f"{fresh:%Y-%m-%d %H:%M}" if fresh else "-"}, ""]
    text += _table(_("Target and achievement, %(period)s") % {"period": period}, lines)
    if indicator is not None and children:
        text += _table(f"{indicator.code}: {_('by region')}", children)
    text += _trend(trend)
    response = HttpResponse(pdf.render(text), content_type="application/pdf")
    name = f"entas-report-{code or 'ID'}-{period}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
