"""The printable region-and-period report, typeset by Typst (the `typst` wheel, no system library):
a cover with the region, period and data freshness, the targets and achievements, the map and
charts of the child regions, the tables, and the sources. A village's report is its profile.

This module gathers what the page shows into one JSON document of already translated and formatted
strings; `data/report.typ` lays it out. Audit-logged like the XLSX export.
"""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import typst
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import SEES_FULL_IDENTIFIERS
from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.monitoring import boundaries, report_svg, rollups
from entas.monitoring import report_format as fmt
from entas.monitoring.dashboard import Line, Trend
from entas.monitoring.models import Indicator, Period
from entas.monitoring.village import Profile
from entas.regions.codes import Level
from entas.regions.models import Region

DATA = Path(__file__).with_name("data")
TEMPLATE = DATA / "report.typ"
BARS_PER_CHART = 40  # rows of one bar chart, so that it fits on a page with its caption (38 provinces)
TREND_COLUMNS = 6  # periods that fit across the page beside the indicator's name
SMALL = "<5"
Document = dict[str, Any]


def render(document: Document, format: Literal["pdf", "png", "svg"] = "pdf",
           ppi: float | None = None) -> bytes | list[bytes]:
    """Typeset the document with the template and the shipped fonts only (no system font, so the
    output is the same on every machine). PNG: one image per page (a list when there are several)."""
    # A PDF is PDF/A-2b, the archival kind a ministry files. The stubs promise bytes; a PNG or SVG
    # of several pages comes back as a list of them.
    pages: bytes | list[bytes] = typst.compile(
        TEMPLATE, font_paths=[DATA], ignore_system_fonts=True, format=format, ppi=ppi,
        sys_inputs={"document": json.dumps(document)}, pdf_standards="a-2b" if format == "pdf" else [])
    return pages


# --- Small counts ---------------------------------------------------------------------------

def hides_small_counts(user: User) -> bool:
    """A role without access to personal data sees village-level counts of 1 to 4 as "<5": so few
    households or members can point at a family. Zero names nobody and is printed."""
    return user.role not in SEES_FULL_IDENTIFIERS


@dataclass
class Counts:
    """Prints the counts of one report: village-level ones hidden below 5 when `hide` is set."""

    hide: bool
    language: str
    hidden: bool = field(default=False)  # whether any number was hidden, for the note that says so

    def small(self, value: Decimal | int | float | None) -> bool:
        if self.hide and value is not None and 0 < value < 5:
            self.hidden = True
            return True
        return False

    def count(self, value: Decimal | int | None) -> str:
        return SMALL if self.small(value) else fmt.integer(value, self.language)

    def share(self, of_count: Decimal | int | None, value: Decimal | float | None) -> str:
        """A percentage computed from a count, not shown when that count is hidden."""
        return fmt.DASH if self.small(of_count) else fmt.percent(value, self.language)


# --- Words ------------------------------------------------------------------------------------

def _period(period: Period) -> str:
    if period.quarter is None:
        return _("Year %(year)s") % {"year": period.year}
    return _("Quarter %(quarter)s %(year)s") % {"quarter": period.quarter, "year": period.year}


def _period_span(period: Period, language: str) -> str:
    start, end = fmt.long_date(period.start, language), fmt.long_date(period.end, language)
    return f"{_period(period)} ({start} {fmt.DASH} {end})"


def _place(region: Region | None) -> tuple[str, str]:
    return (region.name, region.code) if region else (_("Indonesia"), _("national"))


def _child_noun(level: int) -> str:
    return {Level.PROVINCE: _("Province"), Level.REGENCY: _("Regency / city"),
            Level.DISTRICT: _("District (kecamatan)"), Level.VILLAGE: _("Village")}.get(level, _("Region"))


def _freshness(fresh: datetime.datetime | None, language: str) -> str:
    if fresh is None:
        return _("not computed yet")
    local = timezone.localtime(fresh)
    return f"{fmt.date_time(local, language)} {local:%Z}".strip()


def _sources(counts: Counts, has_map: bool) -> dict[str, Any]:
    items = [
        _("Numbers: Entas, computed from the registry, KUMKM and programme records of the region; each "
          "level sums the villages below it (ratios are computed from the summed numerators and "
          "denominators, never averaged)."),
        _("Region codes and names: Kemendagri (Kepmendagri No. 300.2.2-2138 Tahun 2025) via the package "
          "idn-area-data 4.0.1. Contains data from idn-area-data, available under the Open Database "
          "License (ODbL) 1.0."),
    ]
    if has_map:
        items.append(_("Boundaries: cahyadsn/wilayah_boundaries (MIT licence, Copyright (c) 2024 Cahya DSN), "
                       "simplified; shapes are indicative, not legal boundaries."))
    if counts.hidden:
        items.append(_("Village-level counts of 1 to 4 are shown as <5 for roles without access to personal "
                       "data, and the percentages computed from them are not shown."))
    items.append(_("Fonts: Noto Sans (SIL Open Font License 1.1). Typeset with Typst."))
    return {"heading": _("Sources and notes"), "items": items}


def _base(title: str, code: str, period: Period, fresh: datetime.datetime | None, language: str,
          kicker: str) -> Document:
    made = timezone.localtime()
    return {
        "lang": "en" if language.startswith("en") else "id",
        "kicker": kicker,
        "title": title,
        "subtitle": _period(period),
        "running": f"Entas · {title} ({code}) · {_period(period)}",
        "page_of": _("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"},
        "facts": [
            [_("Region"), title],
            [_("Region code (Kemendagri)"), code],
            [_("Period"), _period_span(period, language)],
            [_("Data as of"), _freshness(fresh, language)],
            [_("Report made on"), fmt.long_date(made.date(), language)],
        ],
        "highlights": [],  # (label, value) in boxes on the cover: the chosen indicator's key numbers
        "highlights_heading": "",
        "words": {"figure": _("Figure"), "table": _("Table")},  # Typst has no Indonesian for these
        "notices": [],
        "cover_note": _("Counts only: this report names no person. It shows what the account that made it may "
                        "see in its region."),
        "sections": [],
    }


# --- Tables -------------------------------------------------------------------------------------

def _table(caption: str, columns: list[str], rows: list[list[str]], align: str, widths: Sequence[float],
           notes: Sequence[str] = ()) -> dict[str, Any]:
    """`align`: one letter per column, l or r."""
    if not rows:
        notes = [_("Nothing recorded."), *notes]
    return {"caption": caption, "columns": columns, "rows": rows, "notes": list(notes),
            "align": ["right" if a == "r" else "left" for a in align], "widths": list(widths)}


def _is_count(indicator: Indicator | None) -> bool:
    return indicator is not None and bool(indicator.computation) and not rollups.is_ratio(indicator)


def _value(line_value: Decimal | None, indicator: Indicator | None, counts: Counts, village_level: bool) -> str:
    if village_level and _is_count(indicator):
        return counts.count(line_value)
    return fmt.amount(line_value, indicator.unit if indicator else "", counts.language)


def _percent(line: Line, indicator: Indicator | None, counts: Counts, village_level: bool) -> str:
    if village_level and _is_count(indicator) and counts.small(line.achieved):
        return fmt.DASH
    return fmt.percent(line.percent, counts.language)


def _summary(lines: list[Line], indicators: dict[str, Indicator], counts: Counts, village_level: bool,
             period: Period) -> dict[str, Any]:
    rows = []
    for line in lines:
        indicator = indicators.get(line.code)
        name = indicator.name if indicator else line.label
        target = fmt.amount(line.target, indicator.unit if indicator else "", counts.language)
        rows.append([name, indicator.unit if indicator else "", target + (" *" if line.rolled else ""),
                     _value(line.achieved, indicator, counts, village_level),
                     _percent(line, indicator, counts, village_level)])
    notes = [_("* No target of its own: the sum of the targets set for the regions below.")] \
        if any(line.rolled for line in lines) else []
    notes.append(_("%(dash)s: no target set, or no value to show.") % {"dash": fmt.DASH})
    return _table(_("Targets and achievements, %(period)s") % {"period": _period(period)},
                  [_("Indicator"), _("Unit"), _("Target"), _("Achievement"), _("% of target")], rows, "llrrr",
                  (1, 0, 0, 0, 0), notes)


def has_data(lines: list[Line]) -> bool:
    """Whether the period has any number for the region: a target, or an achievement other than zero."""
    return any(line.target is not None or line.achieved for line in lines)


def _no_data(document: Document, place: str, period: Period) -> None:
    message = _("There is no data for %(place)s in %(period)s: no target has been set and no achievement "
                "has been recorded for this period.") % {"place": place, "period": _period(period)}
    document["notices"].append(message)
    document["sections"].append({"heading": _("No data for this period"), "text": [
        message, _("Choose another period on the dashboard, or set the targets for this one.")]})


# --- The dashboard report ---------------------------------------------------------------------------

def _bar_figures(caption: str, bars: list[report_svg.Bar], legend: list[str]) -> list[dict[str, str]]:
    top = report_svg.nice(max([0.0, *(b.value or 0 for b in bars), *(b.target or 0 for b in bars)]))
    chunks = [bars[i:i + BARS_PER_CHART] for i in range(0, len(bars), BARS_PER_CHART)]
    return [{"svg": report_svg.bars(chunk, legend, top),
             "caption": caption if len(chunks) == 1 else f"{caption} ({n}/{len(chunks)})"}
            for n, chunk in enumerate(chunks, start=1)]


def _children_section(region: Region | None, period: Period, indicator: Indicator, children: list[Line],
                      counts: Counts) -> tuple[dict[str, Any], bool]:
    level = region.level + 1 if region else Level.PROVINCE
    villages = level == Level.VILLAGE
    noun, language = _child_noun(level), counts.language
    texts = [_value(line.achieved, indicator, counts, villages) for line in children]
    hidden = [villages and _is_count(indicator) and counts.small(line.achieved) for line in children]
    figures = []
    layer = boundaries.layer(level, region.code if region else "")
    if layer:
        values = {line.code: None if line.achieved is None or gone else float(line.achieved)
                  for line, gone in zip(children, hidden, strict=True)}
        picture = report_svg.choropleth(layer, region.code if region else "", values,
                                        lambda v: fmt.amount(v, indicator.unit, language),
                                        {"up_to": _("up to %(value)s"), "above": _("above %(value)s"),
                                         "no_data": _("no data")})
        if picture:
            figures.append({"svg": picture, "caption": _("Map: %(indicator)s by %(level)s, %(period)s") % {
                "indicator": indicator.name, "level": noun.lower(), "period": _period(period)}})
    bars = [report_svg.Bar(line.label, None if gone or line.achieved is None else float(line.achieved), text,
                           None if line.target is None else float(line.target))
            for line, text, gone in zip(children, texts, hidden, strict=True)]
    legend = [_("Achievement"), _("Target")] if any(b.target is not None for b in bars) else [_("Achievement")]
    figures += _bar_figures(_("%(indicator)s by %(level)s, %(period)s") % {
        "indicator": indicator.name, "level": noun.lower(), "period": _period(period)}, bars, legend)
    rows = [[line.code, line.label, fmt.amount(line.target, indicator.unit, language) + (" *" if line.rolled else ""),
             text, _percent(line, indicator, counts, villages)]
            for line, text in zip(children, texts, strict=True)]
    notes = [_("* No target of its own: the sum of the targets set for the regions below.")] \
        if any(line.rolled for line in children) else []
    table = _table(_("%(indicator)s (%(unit)s) by %(level)s") % {
        "indicator": indicator.name, "unit": indicator.unit or "-", "level": noun.lower()},
        [_("Code"), noun, _("Target"), _("Achievement"), _("% of target")], rows, "llrrr", (0, 1, 0, 0, 0), notes)
    return {"heading": _("%(indicator)s by region") % {"indicator": indicator.name},
            "figures": figures, "tables": [table]}, bool(layer)


def _trend_section(trend: Trend, indicator: Indicator | None, language: str) -> dict[str, Any] | None:
    if not trend.periods:
        return None
    shown = trend.periods[-TREND_COLUMNS:]
    figures = []
    row = next((values for i, values in trend.rows if indicator is not None and i.pk == indicator.pk), None)
    if indicator is not None and row is not None:
        series: list[tuple[str, list[float | None]]] = [
            (_("Achievement"), [None if v is None else float(v) for v in row])]
        targets = trend.targets.get(indicator.code, [])
        if any(v is not None for v in targets):
            series.append((_("Target"), [None if v is None else float(v) for v in targets]))
        figures.append({"svg": report_svg.trend([str(p) for p in trend.periods], series,
                                                lambda v: fmt.amount(v, indicator.unit, language)),
                        "caption": _("%(indicator)s over the periods") % {"indicator": indicator.name}})
    rows = [[i.name, i.unit, *(fmt.amount(v, i.unit, language) for v in values[-len(shown):])]
            for i, values in trend.rows]
    notes = [_("The last %(count)s periods; the XLSX export has them all.") % {"count": len(shown)}] \
        if len(shown) < len(trend.periods) else []
    table = _table(_("Achievement over the periods"), [_("Indicator"), _("Unit"), *map(str, shown)], rows,
                   "ll" + "r" * len(shown), (1, 0, *(0,) * len(shown)), notes)
    return {"heading": _("Achievement over the periods"), "figures": figures, "tables": [table]}


def dashboard_document(user: User, region: Region | None, period: Period, lines: list[Line],
                       indicator: Indicator | None, children: list[Line], trend: Trend,
                       fresh: datetime.datetime | None) -> Document:
    language = get_language() or "id"
    name, code = _place(region)
    document = _base(name, code, period, fresh, language, _("Entas · Monitoring report"))
    counts = Counts(hides_small_counts(user), language)
    indicators = {i.code: i for i in Indicator.objects.all()}
    has_map = False
    if indicator is not None:
        document["facts"].append([_("Indicator mapped"), indicator.name])
        line = next((line for line in lines if line.code == indicator.code), None)
        if line is not None and (line.target is not None or line.achieved):
            document["highlights_heading"] = indicator.name
            document["highlights"] = [
                [_("Target"), fmt.amount(line.target, indicator.unit, language)],
                [_("Achievement"), fmt.amount(line.achieved, indicator.unit, language)],
                [_("% of target"), fmt.percent(line.percent, language)]]
    if not has_data(lines) and not any(line.achieved for line in children):
        _no_data(document, name, period)
    else:
        document["sections"].append({"heading": _("Targets and achievements"),
                                     "tables": [_summary(lines, indicators, counts, False, period)]})
        if indicator is not None and children:
            section, has_map = _children_section(region, period, indicator, children, counts)
            document["sections"].append(section)
        if over_time := _trend_section(trend, indicator, language):
            document["sections"].append(over_time)
    document["sources"] = _sources(counts, has_map)
    return document


# --- The village report ------------------------------------------------------------------------------

def _profile_sections(profile: Profile, counts: Counts) -> list[dict[str, Any]]:
    count = counts.count
    deciles = [report_svg.Bar(_("Decile %(decile)s") % {"decile": d}, None if counts.small(n) else float(n),
                              count(n)) for d, n in profile.deciles]
    coverage = [report_svg.Bar(c.label, None if counts.small(c.households) or c.percent is None
                               else float(c.percent), counts.share(c.households, c.percent))
                for c in profile.coverage]
    return [
        {"heading": _("Households by decile"), "text": [
            _("%(households)s households in the registry.") % {"households": count(profile.households)}],
         "figures": [{"svg": report_svg.bars(deciles, [_("Households")]), "caption": _("Households by decile")}],
         "tables": [_table(_("Households by decile"), [_("Decile"), _("Households")],
                           [[d, count(n)] for d, n in profile.deciles], "lr", (1, 0))]},
        {"heading": _("Assistance coverage"),
         "figures": [{"svg": report_svg.bars(coverage, [_("% of households")], 100.0),
                      "caption": _("Assistance coverage")}],
         "tables": [_table(_("Assistance coverage"), [_("Programme"), _("Households"), _("% of households")],
                           [[c.label, count(c.households), counts.share(c.households, c.percent)]
                            for c in profile.coverage], "lrr", (1, 0, 0))]},
        {"heading": _("Enterprises and cooperatives"), "new_page": True, "tables": [
            _table(_("Active enterprises by KBLI section"), [_("KBLI section"), _("Enterprises"), _("with an NIB")],
                   [[f"{s.section} (KBLI {s.version})", count(s.active), count(s.formal)] for s in profile.sections],
                   "lrr", (1, 0, 0)),
            _table(_("Cooperatives and their business units"),
                   [_("Cooperative"), _("Type"), _("Status"), _("Members"), _("Business units")],
                   [[c.name, c.type, c.status, count(c.members),
                     ", ".join(f"{kind} ({status})" for kind, status in c.units) or fmt.DASH]
                    for c in profile.cooperatives], "lllrl", (2, 0, 0, 0, 2))]},
        {"heading": _("Programme progress"), "tables": [
            _table(_("Programme progress"), [_("Programme"), *profile.progress_columns, _("Relapsed")],
                   [[p.programme, *map(count, p.in_order), count(p.relapsed)] for p in profile.progress],
                   "l" + "r" * (len(profile.progress_columns) + 1), (1, *(0,) * (len(profile.progress_columns) + 1)),
                   [_("Relapsed: families sent back at least once.")])]},
    ]


def village_document(user: User, region: Region, period: Period, lines: list[Line], profile: Profile,
                     fresh: datetime.datetime | None) -> Document:
    language = get_language() or "id"
    document = _base(region.name, region.code, period, fresh, language, _("Entas · Village profile"))
    counts = Counts(hides_small_counts(user), language)
    indicators = {i.code: i for i in Indicator.objects.all()}
    empty = not (profile.households or profile.sections or profile.cooperatives or profile.progress)
    if empty and not has_data(lines):
        _no_data(document, region.name, period)
    else:
        document["facts"].append([_("Households in the registry"), counts.count(profile.households)])
        document["sections"] += _profile_sections(profile, counts)
        document["sections"].append({"heading": _("Targets and achievements"), "new_page": True,
                                     "tables": [_summary(lines, indicators, counts, True, period)]})
    document["sources"] = _sources(counts, False)
    return document


# --- Answering --------------------------------------------------------------------------------

def _respond(request: AuthenticatedHttpRequest, code: str, period: Period, document: Document) -> HttpResponse:
    audit.record(request.user, audit.Action.DASHBOARD_EXPORTED, region_code=code,
                 details={"period": str(period), "format": "pdf"})
    response = HttpResponse(render(document), content_type="application/pdf")
    name = f"entas-report-{code or 'ID'}-{period}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def dashboard_pdf(request: AuthenticatedHttpRequest, region: Region | None, period: Period, lines: list[Line],
                  indicator: Indicator | None, children: list[Line], trend: Trend,
                  fresh: datetime.datetime | None) -> HttpResponse:
    document = dashboard_document(request.user, region, period, lines, indicator, children, trend, fresh)
    return _respond(request, region.code if region else "", period, document)


def village_pdf(request: AuthenticatedHttpRequest, region: Region, period: Period, lines: list[Line],
                profile: Profile, fresh: datetime.datetime | None) -> HttpResponse:
    return _respond(request, region.code, period, village_document(request.user, region, period, lines, profile,
                                                                   fresh))
