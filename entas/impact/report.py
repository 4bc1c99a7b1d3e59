"""The programme's results in one PDF (typeset by monitoring's Typst template), over the families of
the analysis's region: whether graduation lasts (graduation.permanence), the families at risk of
falling back by warning sign (graduation.warnings), and the impact analysis: the finding in words,
what cannot be said, the effect per extract around enrolment as a picture and a table, who was
compared, the balance, and the analysis's snapshot."""

from html import escape
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from entas.graduation import warnings
from entas.graduation.models import Enrolment
from entas.graduation.permanence import MIN_FAMILIES, permanence
from entas.impact import presentation
from entas.impact.models import ImpactAnalysis
from entas.impact.panel import programme_enrolments
from entas.monitoring import report_format as fmt
from entas.monitoring.report import render

WIDTH, HEIGHT, LEFT, BOTTOM = 680, 260, 60, 40


def _figure(points: list[dict[str, Any]], y_label: str) -> str:
    """Effect per event time with its interval as whiskers, zero line dashed."""
    if not points:
        return ""
    xs = [p["e"] for p in points]
    values = [v for p in points for v in (p["low"], p["high"])] + [0.0]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    x0, x1 = min(xs) - 0.5, max(xs) + 0.5

    def x(e: float) -> float:
        return LEFT + (e - x0) / (x1 - x0) * (WIDTH - LEFT - 10)

    def y(v: float) -> float:
        return 10 + (hi - v) / (hi - lo) * (HEIGHT - BOTTOM - 10)

    body = [f'<line x1="{LEFT}" x2="{WIDTH - 10}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#5b6876" '
            f'stroke-dasharray="4 3"/>',
            f'<line x1="{x(-0.5):.1f}" x2="{x(-0.5):.1f}" y1="10" y2="{HEIGHT - BOTTOM}" stroke="#dde3ea"/>']
    for p in sorted(points, key=lambda p: p["e"]):
        cx = x(p["e"])
        body.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(p["low"]):.1f}" y2="{y(p["high"]):.1f}" '
                    f'stroke="#1a4fba" stroke-width="2"/>')
        body.append(f'<circle cx="{cx:.1f}" cy="{y(p["value"]):.1f}" r="4" fill="#1a4fba"/>')
        body.append(f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{p["e"]}</text>')
    for v in (lo + pad, 0.0, hi - pad):
        body.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
    body.append(f'<text x="{LEFT}" y="{HEIGHT - 4}">{escape(y_label)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} '
            f'{HEIGHT}" font-family="Noto Sans" font-size="11" fill="#1b1f24">' + "".join(body) + "</svg>")


def _table(caption: str, columns: list[str], rows: list[list[str]], align: str) -> dict[str, Any]:
    return {"caption": caption, "columns": columns, "rows": rows or [["—"] * len(columns)], "notes": [],
            "align": ["right" if a == "r" else "left" for a in align], "widths": [0] * len(columns)}


def _number(value: float | None, places: int = 1) -> str:
    return fmt.DASH if value is None else fmt.decimal(value, get_language(), places)


def _families(analysis: ImpactAnalysis) -> QuerySet[Enrolment]:
    return programme_enrolments(analysis.programme_id, analysis.region_id)


def _warning_section(analysis: ImpactAnalysis) -> dict[str, Any]:
    found = warnings.at_risk(_families(analysis), today=timezone.localdate())
    rows = [[warnings.label(code), fmt.integer(count)] for code, count in warnings.counts(found).items()]
    return {"heading": _("Families at risk of falling back into poverty"), "text": [
        _("%(families)s graduated families show at least one warning sign today (a family can show several). "
          "Their names are on the programme's page “Families at risk”, for their facilitators and officers.")
        % {"families": fmt.integer(len(found))}],
        "tables": [_table(_("Warning signs"), [_("Reason"), _("Families")], rows, "lr")]}


def _permanence_section(analysis: ImpactAnalysis) -> dict[str, Any]:
    curves = permanence(_families(analysis), by="cohort", today=timezone.localdate())
    rows = []
    for curve in curves:
        cells = [fmt.DASH if not curve.shown or at.survival is None else
                 f"{_number(at.survival * 100)} % ({_number(at.low * 100 if at.low is not None else None)}{fmt.DASH}"
                 f"{_number(at.high * 100 if at.high is not None else None)})" for at in curve.at]
        rate = _number(curve.relapse_rate * 100) + " %" if curve.shown and curve.relapse_rate is not None else fmt.DASH
        rows.append([curve.label, fmt.integer(curve.families), rate, *cells])
    return {"heading": _("Does graduation last?"), "text": [
        _("Of the families that graduated, the share still out of poverty 6, 12 and 24 months later: income "
          "per person at or above the poverty line in every extract and assessment since, no relapse recorded "
          "(Kaplan-Meier, 95 %% interval in brackets); groups of fewer than %(n)s families show no numbers, a "
          "dash at a month means no family has been observed that long.") % {"n": MIN_FAMILIES}],
        "tables": [_table(_("Still out of poverty, by quarter of graduation"),
                          [_("Quarter of graduation"), _("Graduated"), _("Relapse rate"), _("6 months"),
                           _("12 months"), _("24 months")], rows, "lrrrrr")]}


def document(analysis: ImpactAnalysis) -> dict[str, Any]:
    page = presentation.context(analysis)
    outcome = page["outcome"]
    language = get_language() or "id"
    title = _("Did the programme make a difference?")
    facts = [[_("Programme"), analysis.programme.name], [_("Outcome"), str(outcome.label)],
             [_("Region"), page["region_name"]],
             [_("Analysis made on"), fmt.date_time(timezone.localtime(analysis.finished_at or analysis.requested_at),
                                                   language)],
             [_("Seed"), str(analysis.seed)]]
    impact: dict[str, Any] = {"heading": _("Impact against a comparison group"), "new_page": True,
                              "text": [t for t in [page["summary"], *page["statements"]] if t], "tables": []}
    chart = page["event_chart"]
    if chart:
        impact["figures"] = [{"svg": _figure(chart["points"], chart["y_label"]), "caption": chart["title"]}]
        interval = _("95 percent interval")
        impact["tables"].append(_table(chart["title"], [_("Extract relative to enrolment"), _("Months after enrolment"),
                                                         _("Families"), _("Effect"), interval],
                                       [[str(t["e"]), _number(t["months"]), fmt.integer(t["families"]),
                                         _number(t["shown"], 2), f"{_number(t['shown_low'], 2)} {fmt.DASH} "
                                         f"{_number(t['shown_high'], 2)}"] for t in page["event_times"]], "rrrrr"))
    impact["tables"].append(_table(_("Who was compared"), [_("Families"), _("Number")],
                                   [[label, fmt.integer(value)] for label, value in page["counts"]], "lr"))
    if page["balance"]:
        impact["tables"].append(_table(
            _("Balance: the comparison group before and after matching"),
            [_("Value"), _("Enrolled"), _("Comparison, all"), _("Comparison, matched"), _("Std. difference after")],
            [[str(b["label"]), _number(b["enrolled"], 2), _number(b["comparison_before"], 2),
              _number(b["comparison_after"], 2), _number(b["smd_after"], 2)] for b in page["balance"]], "lrrrr"))
    snapshot = analysis.snapshot
    libraries = ", ".join(f"{k} {v}" for k, v in snapshot.get("libraries", {}).items())
    return {
        "lang": "en" if language.startswith("en") else "id", "kicker": analysis.programme.name, "title": title,
        "subtitle": str(outcome.label), "running": f"Entas · {title} · {analysis.programme.name}",
        "page_of": _("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"},
        "facts": facts, "highlights": [], "highlights_heading": "", "notices": [],
        "words": {"figure": _("Figure"), "table": _("Table")},
        "cover_note": _("Counts and estimates only: this report names no person."),
        "sections": [_permanence_section(analysis), _warning_section(analysis), impact],
        "sources": {"heading": _("Data and method"), "items": [
            _("Extracts read: %(dates)s.") % {"dates": ", ".join(snapshot.get("extract_dates", []))},
            str(snapshot.get("estimator", "")), _("Libraries: %(names)s.") % {"names": libraries},
            _("Fonts: Noto Sans (SIL Open Font License 1.1). Typeset with Typst.")]},
    }


def pdf(analysis: ImpactAnalysis) -> bytes:
    data = render(document(analysis))
    assert isinstance(data, bytes)
    return data
