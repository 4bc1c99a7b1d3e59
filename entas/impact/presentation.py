"""An analysis as pages and the PDF show it: translated statements, the finding in words, the
counts of who was compared, and the series of the charts."""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.impact import export, words
from entas.impact.models import ImpactAnalysis, Status
from entas.impact.outcomes import OUTCOMES
from entas.regions.models import Region


def scope_note(user: User) -> str:
    if user.region is not None:
        return _("Only families inside your region are analysed: %(region)s (%(code)s). Comparison families come "
                 "from the same regencies.") % {"region": user.region.name, "code": user.region_id}
    return _("All enrolled families of the programme in the whole country are analysed; comparison families come "
             "from the same regencies.")


def region_name(analysis: ImpactAnalysis) -> str:
    """"Kabupaten Klaten (33.10)", or Indonesia for a national analysis."""
    if not analysis.region_id:
        return _("Indonesia")
    name = Region.objects.filter(code=analysis.region_id).values_list("name", flat=True).first()
    return f"{name} ({analysis.region_id})" if name else analysis.region_id


def covariate_labels() -> dict[str, str]:
    return {"per_capita_income": _("Income per person (log), first extract"),
            "decile": _("Decile (desil), first extract"), "assets_score": _("Assets score, first extract"),
            "housing_score": _("Housing score, first extract")}


def count_rows(counts: dict[str, Any]) -> list[tuple[str, Any]]:
    labels = [
        ("enrolled_in_scope", _("Enrolled families in scope")),
        ("enrolled_with_history", _("… with registry history")),
        ("no_pre_period", _("Left out: enrolled before the first extract")),
        ("not_measured_since", _("Left out: enrolled after the last extract")),
        ("missing_outcome", _("Left out: the measure missing in some extract")),
        ("missing_baseline", _("Left out: values of the first extract missing")),
        ("off_support", _("Left out: no comparable family (outside common support)")),
        ("analysed_enrolled", _("Enrolled families analysed")),
        ("comparison_pool", _("Eligible families outside the programme (comparison pool)")),
        ("analysed_comparison", _("Comparison families used")),
    ]
    return [(label, counts[key]) for key, label in labels if key in counts]


def event_chart(result: dict[str, Any], outcome_code: str) -> dict[str, Any] | None:
    points = result.get("event_times")
    if not points:
        return None
    logged = OUTCOMES[outcome_code].logged
    return {
        "title": _("Effect by extract before and after enrolment (with 95 percent interval)"),
        "x_label": _("Extracts since enrolment (0 = the first extract after enrolment)"),
        "y_label": _("Effect in percent") if logged else _("Effect"),
        "points": [{"e": p["e"], "value": round(p["shown"], 2), "low": round(p["shown_low"], 2),
                    "high": round(p["shown_high"], 2)} for p in points] + [{"e": -1, "value": 0, "low": 0, "high": 0}],
    }


def context(analysis: ImpactAnalysis) -> dict[str, Any]:
    result = analysis.result or {}
    outcome = OUTCOMES[analysis.outcome]
    support = result.get("support") or {}
    labels = covariate_labels()
    return {
        "analysis": analysis, "programme": analysis.programme, "outcome": outcome,
        "done": analysis.status == Status.DONE, "failed": analysis.status == Status.FAILED,
        "statements": [words.statement(item) for item in result.get("statements", [])],
        "summary": words.summary(result, analysis.outcome),
        "estimate": result.get("estimate"),
        "milestones": result.get("milestones", []),
        "pre_trend": result.get("pre_trend"),
        "counts": count_rows(result.get("counts", {})),
        "cohorts": [{**c, "from": datetime.date.fromisoformat(c["from"]), "to": datetime.date.fromisoformat(c["to"])}
                    for c in result.get("cohorts", [])],
        "places": words.places_of(analysis.outcome),
        "region_name": region_name(analysis),
        "event_times": result.get("event_times", []),
        "event_chart": event_chart(result, analysis.outcome),
        "support_chart": ({"edges": support["histogram"]["edges"], "enrolled": support["histogram"]["enrolled"],
                           "comparison": support["histogram"]["comparison"],
                           "title": _("Propensity score: enrolled and comparison families (common support)"),
                           "enrolled_label": _("Enrolled"), "comparison_label": _("Comparison")}
                          if support else None),
        "balance": [{**row, "label": labels.get(str(row["covariate"]), row["covariate"])}
                    for row in support.get("balance", [])],
        "window": [datetime.date.fromisoformat(d) for d in result.get("window", [])],
        "snapshot": analysis.snapshot,
        "has_data": analysis.status == Status.DONE and export.path(analysis).exists(),
    }
