"""Graduation criteria as declarative data, defined once.

A criterion reads one *measure* of the latest assessment (income per person, months the business
has run, the share of school-age children in school, ...), compares it with an `operator` to a
`threshold` in a `unit`, and may apply only under a `condition` (measure, operator, value). The
measures, their units and types are this module's `MEASURES`; `definition(rule_set)` turns a rule
set into a versioned, JSON-able dict, and that one dict drives both evaluators: the set-based SQL of
`entas.graduation.evaluate` and `judge()` below (record_evaluation, tests, the offline field app's
evaluator in issue 18).

Comparisons are exact integer arithmetic in both: a measure's value is a fraction numerator /
denominator (income * 100 / the poverty line; children in school * 100 / school-age children), and
"value op threshold" is evaluated as `numerator * per * scale op threshold * scale * denominator`, so SQLite's
floats, PostgreSQL's numerics and JavaScript's numbers cannot disagree on a border case.
"""

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

FORMAT = "entas.graduation.rules/1"

RUPIAH, COUNT, MONTHS, SHARE, YES_NO = "rupiah", "count", "months", "share", "yes_no"


@dataclass(frozen=True)
class Unit:
    code: str
    label: Promise
    scale: int  # thresholds in this unit are compared as whole numbers of 1/scale
    denominator: str | None = None  # the value is divided by this (an assessment field, or "poverty_line")
    per: int = 1  # and multiplied by this (100 for a percentage)

    @property
    def numerator_scale(self) -> int:
        """What the numerator is multiplied by to compare with the scaled threshold."""
        return self.per * self.scale


UNITS: dict[str, Unit] = {u.code: u for u in (
    Unit("rp", gettext_lazy("Rp"), 1),
    Unit("poverty_line", gettext_lazy("× the poverty line"), 100, "poverty_line"),  # noqa: RUF001
    Unit("count", pgettext_lazy("unit of a count", "number"), 1),
    Unit("months", gettext_lazy("months"), 1),
    Unit("percent", gettext_lazy("%"), 1, "school_age_children", per=100),
    Unit("yes_no", gettext_lazy("yes/no"), 1),
)}


@dataclass(frozen=True)
class Measure:
    code: str
    label: Promise
    type: str  # RUPIAH, COUNT, MONTHS, SHARE, YES_NO
    column: str  # the assessment field read (a share: its numerator)
    units: tuple[str, ...]  # the first is the default


MEASURES: dict[str, Measure] = {m.code: m for m in (
    Measure("per_capita_income", gettext_lazy("Income per person per month"), RUPIAH, "per_capita_income",
            ("poverty_line", "rp")),
    Measure("income_sources", gettext_lazy("Income sources"), COUNT, "income_sources", ("count",)),
    Measure("business_months", gettext_lazy("Months the business has run"), MONTHS, "business_months", ("months",)),
    Measure("savings", gettext_lazy("Cash savings"), RUPIAH, "savings", ("rp",)),
    Measure("cooperative_member", gettext_lazy("Cooperative member"), YES_NO, "cooperative_member", ("yes_no",)),
    Measure("school_age_children", gettext_lazy("School-age children"), COUNT, "school_age_children", ("count",)),
    Measure("children_in_school_share", gettext_lazy("Share of school-age children in school"), SHARE,
            "children_in_school", ("percent",)),
    Measure("food_shortage", gettext_lazy("Food shortage in the past year"), YES_NO, "food_shortage", ("yes_no",)),
)}

OPERATORS: dict[str, Promise] = {
    ">=": gettext_lazy("at least"), ">": gettext_lazy("more than"), "<=": gettext_lazy("at most"),
    "<": gettext_lazy("less than"), "=": gettext_lazy("equal to"),
}
# The assessment fields a criterion may read (what an evaluator needs from an assessment).
ASSESSMENT_FIELDS = ("per_capita_income", "income_sources", "business_months", "savings", "cooperative_member",
                     "school_age_children", "children_in_school", "food_shortage")
MAX_MULTIPLE = Decimal(100)  # * the poverty line


def compare(left: int, operator: str, right: int) -> bool:
    return {">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right,
            "=": left == right}[operator]


# --- checking and typing criteria -------------------------------------------------------------

def _number(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool):
        raise ValidationError({where: _("'%(value)s' is not a number.") % {"value": raw}})
    try:
        value = Decimal(str(raw).strip().replace(",", ".")) if not isinstance(raw, Decimal) else raw
    except (InvalidOperation, ValueError):
        raise ValidationError({where: _("'%(value)s' is not a number.") % {"value": raw}}) from None
    if not value.is_finite():
        raise ValidationError({where: _("'%(value)s' is not a number.") % {"value": raw}})
    return value


YES = {"1", "true", "yes", "ya", "y"}
NO = {"0", "false", "no", "tidak", "n"}


def typed_threshold(measure: Measure, unit: str, raw: Any, where: str = "threshold") -> Decimal:
    """The threshold typed for the measure and unit, or a ValidationError in the user's words."""
    label = str(measure.label)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError({where: _("%(measure)s: give a threshold.") % {"measure": label}})
    if measure.type == YES_NO:
        text = str(raw).strip().lower() if not isinstance(raw, bool) else str(raw).lower()
        if text in YES:
            return Decimal(1)
        if text in NO:
            return Decimal(0)
        raise ValidationError({where: _("%(measure)s: '%(value)s' is not yes or no.") % {
            "measure": label, "value": raw}})
    value = _number(raw, where)
    if value < 0:
        raise ValidationError({where: _("%(measure)s: the threshold cannot be negative (%(value)s).") % {
            "measure": label, "value": raw}})
    if unit == "poverty_line":
        if value != value.quantize(Decimal("0.01")) or value <= 0 or value > MAX_MULTIPLE:
            raise ValidationError({where: _(
                "%(measure)s: a multiple of the poverty line is a number above 0 and at most 100 with at most "
                "two decimals (e.g. 1 or 1.25), not %(value)s.") % {"measure": label, "value": raw}})
        return value.quantize(Decimal("0.01"))
    if value != value.to_integral_value():
        what = {RUPIAH: _("a whole number of rupiah"), MONTHS: _("a whole number of months"),
                SHARE: _("a whole percentage"), COUNT: _("a whole number")}[measure.type]
        raise ValidationError({where: _("%(measure)s: the threshold must be %(what)s, not %(value)s.") % {
            "measure": label, "what": what, "value": raw}})
    if measure.type == SHARE and value > 100:
        raise ValidationError({where: _("%(measure)s: a share is between 0 and 100 %%, not %(value)s.") % {
            "measure": label, "value": raw}})
    if value >= 10**15:
        raise ValidationError({where: _("%(measure)s: %(value)s is too large.") % {"measure": label, "value": raw}})
    return value.quantize(Decimal(1))


def _choice(value: Any, choices: Mapping[str, Any], where: str, what: str) -> str:
    if value not in choices:
        raise ValidationError({where: _("'%(value)s' is not %(what)s; use one of %(choices)s.") % {
            "value": value, "what": what, "choices": ", ".join(choices)}})
    return str(value)


@dataclass(frozen=True)
class Spec:
    """One criterion, checked and typed (what a Criterion row holds)."""

    code: str
    label: str
    field: str
    operator: str
    threshold: Decimal
    unit: str
    essential: bool
    condition_field: str = ""
    condition_operator: str = ""
    condition_value: Decimal | None = None


def check(item: Mapping[str, Any], where: str = "criteria") -> Spec:
    """A criterion given as a dict (the declarative form, or a legacy {"code": ...}), checked and
    typed; a ValidationError names the field and says what is wrong."""
    if "field" not in item and "code" in item:
        item = from_legacy(item)
    field = _choice(item.get("field"), MEASURES, f"{where}.field", _("a measure"))
    measure = MEASURES[field]
    unit = item.get("unit") or measure.units[0]
    if unit not in measure.units:
        raise ValidationError({f"{where}.unit": _("%(measure)s is measured in %(units)s, not '%(unit)s'.") % {
            "measure": str(measure.label), "units": ", ".join(measure.units), "unit": unit}})
    operator = _choice(item.get("operator", ">="), OPERATORS, f"{where}.operator", _("a comparison"))
    if measure.type == YES_NO and operator != "=":
        raise ValidationError({f"{where}.operator": _("%(measure)s is yes or no: compare it with '='.") % {
            "measure": str(measure.label)}})
    threshold = typed_threshold(measure, unit, item.get("threshold"), f"{where}.threshold")
    condition: Mapping[str, Any] = item.get("condition") or {}
    spec = Spec(code=str(item.get("code") or field)[:40], label=str(item.get("label") or "")[:200], field=field,
                operator=operator, threshold=threshold, unit=unit, essential=bool(item.get("essential", True)))
    if not condition or not condition.get("field"):
        return spec
    c_field = _choice(condition.get("field"), MEASURES, f"{where}.condition.field", _("a measure"))
    c_measure = MEASURES[c_field]
    c_operator = _choice(condition.get("operator", ">"), OPERATORS, f"{where}.condition.operator",
                         _("a comparison"))
    if c_measure.type == YES_NO and c_operator != "=":
        raise ValidationError({f"{where}.condition.operator": _(
            "%(measure)s is yes or no: compare it with '='.") % {"measure": str(c_measure.label)}})
    c_unit = "rp" if c_field == "per_capita_income" else c_measure.units[0]
    value = typed_threshold(c_measure, c_unit, condition.get("value"), f"{where}.condition.value")
    return Spec(**{**spec.__dict__, "condition_field": c_field, "condition_operator": c_operator,
                   "condition_value": value})


def check_all(items: Sequence[Mapping[str, Any]]) -> list[Spec]:
    """Every criterion checked; codes made unique within the set (a second savings test: savings_2)."""
    if not items:
        raise ValidationError({"criteria": _("A rule set needs at least one criterion.")})
    specs: list[Spec] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        spec = check(item, f"criteria.{number}")
        code, n = spec.code, 1
        while code in seen:
            n += 1
            code = f"{spec.code}_{n}"
        seen.add(code)
        specs.append(Spec(**{**spec.__dict__, "code": code}))
    return specs


# The criteria of the rule sets made before criteria were declarative (and of callers still using
# them): code -> (field, operator, unit, default threshold). Migration 0007 applies the same map.
LEGACY: dict[str, tuple[str, str, str, Any]] = {
    "income_above_line": ("per_capita_income", ">=", "poverty_line", 1),
    "income_sources": ("income_sources", ">=", "count", 2),
    "business_running": ("business_months", ">=", "months", 6),
    "savings": ("savings", ">=", "rp", 1),
    "cooperative_member": ("cooperative_member", "=", "yes_no", 1),
    "children_in_school": ("children_in_school_share", ">=", "percent", 100),
    "no_food_shortage": ("food_shortage", "=", "yes_no", 0),
}
LEGACY_CONDITIONS = {"has_business": "business_months", "has_school_age_children": "school_age_children"}


def from_legacy(item: Mapping[str, Any]) -> dict[str, Any]:
    code = item.get("code")
    if code not in LEGACY:
        raise ValidationError({"criteria": _("'%(code)s' is not a criterion; use one of %(codes)s.") % {
            "code": code, "codes": ", ".join(LEGACY)}})
    field, operator, unit, threshold = LEGACY[str(code)]
    if code == "income_above_line" and item.get("threshold") is not None:
        unit, threshold = "rp", item["threshold"]
    elif item.get("threshold") is not None:
        threshold = item["threshold"]
    applies = item.get("applies_when") or "always"
    if applies != "always" and applies not in LEGACY_CONDITIONS:
        raise ValidationError({"criteria": _("'%(value)s' is not one of %(choices)s.") % {
            "value": applies, "choices": ", ".join(["always", *LEGACY_CONDITIONS])}})
    condition = {"field": LEGACY_CONDITIONS[applies], "operator": ">", "value": 0} if applies != "always" else None
    return {"code": code, "field": field, "operator": operator, "threshold": threshold, "unit": unit,
            "essential": item.get("essential", True), "condition": condition}


# --- the one definition ----------------------------------------------------------------------

def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def spec_dict(spec: Spec) -> dict[str, Any]:
    """One criterion as the definition gives it."""
    measure = MEASURES[spec.field]
    condition = None
    if spec.condition_field:
        assert spec.condition_value is not None
        condition = {"field": spec.condition_field, "operator": spec.condition_operator,
                     "value": _json_number(spec.condition_value)}
    return {"code": spec.code, "label": spec.label or str(measure.label), "field": spec.field,
            "operator": spec.operator, "threshold": _json_number(spec.threshold), "unit": spec.unit,
            "essential": spec.essential, "condition": condition}


def measures_dict() -> dict[str, Any]:
    """How each measure is read from an assessment: what an evaluator outside the server needs."""
    return {m.code: {"label": str(m.label), "type": m.type, "column": m.column, "units": list(m.units)}
            for m in MEASURES.values()} | {"_units": {
                u.code: {"label": str(u.label), "scale": u.scale, "per": u.per, "denominator": u.denominator}
                for u in UNITS.values()}}


# Active and retired versions never change (graduation.rules), so their definitions are kept per
# (version id, when it was drafted, status, language): every assessed visit reads one, and a sync of
# a phone brings many. The drafting time tells apart two versions that got the same id (a database
# emptied and filled again, as between tests).
_kept: dict[tuple[int, Any, str, str], dict[str, Any]] = {}


def definition(rule_set: Any) -> dict[str, Any]:
    """The rule set as versioned, JSON-able data: the one definition both evaluators read."""
    key = (rule_set.pk, rule_set.created_at, rule_set.status, get_language() or "")
    if rule_set.status != "draft" and key in _kept:
        return copy.deepcopy(_kept[key])
    found = _definition_of(rule_set)
    if rule_set.status != "draft" and rule_set.pk is not None:
        _kept[key] = copy.deepcopy(found)
    return found


def _definition_of(rule_set: Any) -> dict[str, Any]:
    specs = [spec_of(c) for c in rule_set.criteria.all()]
    return {"format": FORMAT, "programme": rule_set.programme_id, "rule_set": rule_set.pk,
            "version": rule_set.version, "status": rule_set.status, "measures": measures_dict(),
            "criteria": [spec_dict(s) for s in specs]}


def spec_of(criterion: Any) -> Spec:
    return Spec(code=criterion.code, label=criterion.label, field=criterion.field, operator=criterion.operator,
                threshold=Decimal(criterion.threshold), unit=criterion.unit, essential=criterion.essential,
                condition_field=criterion.condition_field, condition_operator=criterion.condition_operator,
                condition_value=None if criterion.condition_value is None else Decimal(criterion.condition_value))


def needs_poverty_line(item: Mapping[str, Any]) -> bool:
    return bool(UNITS[item["unit"]].denominator == "poverty_line")


# --- evaluating in Python (the same rules as evaluate.py's SQL) --------------------------------

def fraction(field: str, unit: str, values: Mapping[str, Any], line: int | None) -> tuple[int, int] | None:
    """The measure's value as (numerator, denominator > 0), None when it is missing."""
    measure = MEASURES[field]
    raw = values.get(measure.column)
    if raw is None:
        return None
    denominator_of = UNITS[unit].denominator
    if denominator_of is None:
        return int(raw), 1
    below = line if denominator_of == "poverty_line" else values.get(denominator_of)
    if below is None or below <= 0:
        return None
    return int(raw), int(below)


def scaled(threshold: int | float | Decimal, unit: str) -> int:
    """The threshold as a whole number of 1/scale of its unit (1.25 * the line: 125)."""
    return int((Decimal(str(threshold)) * UNITS[unit].scale).to_integral_value())


def holds(field: str, operator: str, threshold: int | float | Decimal, unit: str, values: Mapping[str, Any],
          line: int | None) -> bool | None:
    """Whether `value op threshold` holds; None when the value is missing."""
    found = fraction(field, unit, values, line)
    if found is None:
        return None
    numerator, denominator = found
    # numerator * per / denominator op threshold  <=>  numerator * per * scale op (threshold * scale) * denominator
    return compare(numerator * UNITS[unit].numerator_scale, operator, scaled(threshold, unit) * denominator)


def shown_value(field: str, values: Mapping[str, Any]) -> Any:
    """The value read, as a person would write it (a share in %, rounded)."""
    measure = MEASURES[field]
    raw = values.get(measure.column)
    if measure.type == SHARE:
        total = values.get("school_age_children")
        return None if raw is None or not total else round(100 * raw / total)
    return raw


def judge(criteria: list[dict[str, Any]], values: Mapping[str, Any] | None, line: int | None) -> list[dict[str, Any]]:
    """Per criterion of a definition: whether it applies, whether it is met (None: the value is
    missing), and the value read. A criterion not applying counts as passed."""
    results = []
    for item in criteria:
        condition = item.get("condition")
        applies: bool = True
        data = values or {}
        if condition:
            c_unit = "rp" if condition["field"] == "per_capita_income" else MEASURES[condition["field"]].units[0]
            applies = bool(holds(condition["field"], condition["operator"], condition["value"], c_unit, data, line))
        met = holds(item["field"], item["operator"], item["threshold"], item["unit"], data, line) if applies else None
        results.append({**{k: item[k] for k in ("code", "label", "field", "operator", "threshold", "unit",
                                                 "essential")},
                        "condition": condition, "applies": applies, "met": bool(met),
                        "missing": applies and met is None,
                        "value": shown_value(item["field"], data),
                        "passed": (not applies) or bool(met)})
    return results


def all_essential_passed(results: list[dict[str, Any]]) -> bool:
    return all(r["passed"] for r in results if r["essential"])


def describe(item: Mapping[str, Any]) -> str:
    """A criterion in words: 'Income per person per month at least 1 * the poverty line'."""
    measure = MEASURES[item["field"]]
    threshold = item["threshold"]
    if measure.type == YES_NO:
        shown = _("yes") if threshold else _("no")
    else:
        shown = f"{threshold} {UNITS[item['unit']].label}".strip()
    text = f"{item.get('label') or measure.label}: {OPERATORS[item['operator']]} {shown}"
    condition = item.get("condition")
    if condition:
        c_measure = MEASURES[condition["field"]]
        value = (_("yes") if condition["value"] else _("no")) if c_measure.type == YES_NO else condition["value"]
        text += " " + _("(when %(measure)s is %(operator)s %(value)s)") % {
            "measure": str(c_measure.label).lower(), "operator": OPERATORS[condition["operator"]], "value": value}
    return text
