"""The printable report: a first page with the map and charts, then the dashboard's tables as text;
for a village, its profile. Audit-logged like the XLSX export."""

import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.monitoring import pdf, pdfcharts
from entas.monitoring.charts import Chart
from entas.monitoring.dashboard import Line, Trend
from entas.monitoring.models import Indicator, Period
from entas.monitoring.village import Profile
from entas.regions.models import Region

LABEL = 44
LEFT, WIDTH = pdf.MARGIN, pdf.PAGE_WIDTH - 2 * pdf.MARGIN


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return "-"
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _table(title: str, lines: list[Line]) -> list[str]:
    head = f"{'':<{LABEL}}{_('Target'):>14}{_('Achievement'):>14}{'%':>8}"
    rows = [f"{(line.code + ' ' + line.label)[:LABEL - 1]:<{LABEL}}{_number(line.target):>14}"
            f"{_number(line.achieved):>14}{_number(line.percent):>8}" for line in lines]
    return [title, "=" * len(title), head, *rows, ""]


def _columns(title: str, header: list[str], rows: list[list[str]], first: int = 30, width: int = 12) -> list[str]:
    out = [title, "=" * len(title), f"{header[0][:first - 1]:<{first}}" + "".join(f"{h[:width - 1]:>{width}}"
                                                                                 for h in header[1:])]
    out += [f"{row[0][:first - 1]:<{first}}" + "".join(f"{cell:>{width}}" for cell in row[1:]) for row in rows]
    return [*out, ""]


def _trend(trend: Trend) -> list[str]:
    shown = trend.periods[-6:]  # what fits across an A4 page
    out = [_("Achievement over the periods"), "", f"{'':<24}" + "".join(f"{p!s:>12}" for p in shown)]
    for indicator, values in trend.rows:
        out.append(f"{indicator.code[:23]:<24}" + "".join(f"{_number(v):>12}" for v in values[-len(shown):]))
    return out


def _cover(place: str, period: Period, fresh: datetime.datetime | None) -> pdf.Page:
    page = pdf.Page()
    page.text(LEFT, pdf.PAGE_HEIGHT - 50, f"Entas - {place} - {period}", size=15, font="bold")
    page.text(LEFT, pdf.PAGE_HEIGHT - 66, _("Numbers computed at %(when)s.") % {
        "when": f"{timezone.localtime(fresh):%Y-%m-%d %H:%M}" if fresh else "-"}, size=8, colour=pdfcharts.GREY)
    return page


def _respond(request: AuthenticatedHttpRequest, code: str, period: Period, pages: list[pdf.Page]) -> HttpResponse:
    audit.record(request.user, audit.Action.DASHBOARD_EXPORTED, region_code=code,
                 details={"period": str(period), "format": "pdf"})
    response = HttpResponse(pdf.render_pages(pages), content_type="application/pdf")
    name = f"entas-report-{code or 'ID'}-{period}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def dashboard_pdf(request: AuthenticatedHttpRequest, region: Region | None, period: Period, lines: list[Line],
                  indicator: Indicator | None, children: list[Line], trend: Trend,
                  fresh: datetime.datetime | None, charts: dict[str, Chart | None],
                  map_layer: str | None) -> HttpResponse:
    place = f"{region.code} {region.name}" if region else _("Indonesia")
    cover, pages = _cover(place, period, fresh), []
    by_region, over_time = charts.get("children"), charts.get("trend")
    if map_layer and indicator is not None:
        values = {line.code: None if line.achieved is None else float(line.achieved) for line in children}
        pdfcharts.choropleth(cover, map_layer, region.code if region else "", values, LEFT, 330, WIDTH, 420,
                             _("%(code)s: map") % {"code": indicator.code})
        if over_time:
            pdfcharts.trend(cover, over_time, LEFT, 80, WIDTH, 200)
        if by_region:
            second = pdf.Page()
            pdfcharts.bars(second, by_region, LEFT, 80, WIDTH, pdf.PAGE_HEIGHT - 130)
            pages.append(second)
    else:
        if by_region:
            pdfcharts.bars(cover, by_region, LEFT, 340, WIDTH, 410)
        if over_time:
            pdfcharts.trend(cover, over_time, LEFT, 80, WIDTH, 200)
    text = _table(_("Target and achievement, %(period)s") % {"period": period}, lines)
    if indicator is not None and children:
        text += _table(f"{indicator.code}: {_('by region')}", children)
    text += _trend(trend)
    return _respond(request, region.code if region else "", period, [cover, *pages, *pdf.text_pages(text)])


def _profile_text(profile: Profile) -> list[str]:
    text = _columns(_("Households by decile"), [_("Decile"), _("Households")],
                    [[d, _number(n)] for d, n in profile.deciles])
    text += _columns(_("Assistance coverage"), [_("Programme"), _("Households"), _("% of households")],
                     [[c.label, _number(c.households), _number(c.percent)] for c in profile.coverage], width=18)
    text += _columns(_("Active enterprises by KBLI section"), [_("KBLI section"), _("Enterprises"), _("with an NIB")],
                     [[f"{s.section} (KBLI {s.version})", _number(s.active), _number(s.formal)]
                      for s in profile.sections])
    heading = _("Cooperatives and their business units")
    text += [heading, "=" * len(heading)]
    for coop in profile.cooperatives:
        text.append(f"{coop.name} ({coop.type}, {coop.status}): " + _("%(members)s members") % {
            "members": _number(coop.members)})
        text += [f"    - {kind}: {status}" for kind, status in coop.units]
    text += ["", *_columns(_("Programme progress"), [_("Programme"), *profile.progress_columns, _("Relapsed")],
                           [[p.programme, *map(_number, p.in_order), _number(p.relapsed)] for p in profile.progress],
                           first=16, width=13)]
    return text


def village_pdf(request: AuthenticatedHttpRequest, region: Region, period: Period, lines: list[Line], profile: Profile,
                fresh: datetime.datetime | None, charts: dict[str, Chart | None]) -> HttpResponse:
    cover = _cover(f"{region.code} {region.name}", period, fresh)
    cover.text(LEFT, pdf.PAGE_HEIGHT - 90, _("Village profile: %(households)s households in the registry.") % {
        "households": _number(profile.households)}, size=10)
    if deciles := charts.get("deciles"):
        pdfcharts.bars(cover, deciles, LEFT, 430, WIDTH, 280)
    if coverage := charts.get("coverage"):
        pdfcharts.bars(cover, coverage, LEFT, 260, WIDTH, 130)
    text = _profile_text(profile) + _table(_("Target and achievement, %(period)s") % {"period": period}, lines)
    return _respond(request, region.code, period, [cover, *pdf.text_pages(text)])
