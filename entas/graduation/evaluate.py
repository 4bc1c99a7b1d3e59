"""Evaluate graduation criteria against each enrolment's latest assessment.

Both evaluators read one definition, `criteria.definition(rule_set)`:

* `evaluate()` is set-based: one query over any number of enrolments, each criterion's condition
  and test a CASE expression built from the definition, on the latest assessment (picked with a
  correlated subquery on the (enrolment, date, id) index) and the poverty line of the village's
  province and area valid on the assessment date (`poverty.line_subquery`).
* `evaluate_one()` and `record_evaluation()` read one enrolment in Python (`criteria.judge`); the
  benchmark compares the two, and the tests check they agree.

`record_evaluation()` keeps the reading (an Evaluation with the rule-set version, the values read
and why the family could not be judged, if so). It holds the programme row in share mode while it
reads the active version, so that an activation (which locks the row exclusively,
entas.graduation.rules) waits for it, and it for an activation.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.graduation import criteria as C
from entas.graduation.models import Assessment, Enrolment, Evaluation, RuleSet, RuleSetStatus
from entas.graduation.poverty import line_for, line_subquery
from entas.programmes.models import Programme
from entas.regions.urban import area_expression

LOOKUPS = {">=": GreaterThanOrEqual, ">": GreaterThan, "<=": LessThanOrEqual, "<": LessThan, "=": Exact}


@dataclass
class Outcome:
    enrolment_id: int
    passed: dict[str, bool]  # per criterion code: met, or not applicable to this family
    essentials_met: bool


Definition = dict[str, Any]


def _definition(rule_set: RuleSet | Definition) -> Definition:
    return rule_set if isinstance(rule_set, dict) else C.definition(rule_set)


# --- SQL from the definition -----------------------------------------------------------------

def _big(expression: Any) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=BigIntegerField())


def holds_sql(field: str, operator: str, threshold: Any, unit: str) -> Q:
    """SQL for criteria.holds(): true only when the value is there and the comparison holds."""
    measure, spec = C.MEASURES[field], C.UNITS[unit]
    column = F(measure.column)
    if measure.type == C.YES_NO:
        return Q(Exact(column, Value(bool(threshold))))
    scaled = C.scaled(threshold, unit)
    if spec.denominator is None:
        return Q(LOOKUPS[operator](_big(column * Value(spec.scale)), Value(scaled)))
    below = "line" if spec.denominator == "poverty_line" else spec.denominator  # annotated, or a column
    return Q(**{f"{below}__gt": 0}) & Q(
        LOOKUPS[operator](_big(column * Value(spec.numerator_scale)), _big(Value(scaled) * F(below))))


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def applies_sql(item: dict[str, Any]) -> Q | None:
    condition = item.get("condition")
    if not condition:
        return None
    unit = "rp" if condition["field"] == "per_capita_income" else C.MEASURES[condition["field"]].units[0]
    return holds_sql(condition["field"], condition["operator"], condition["value"], unit)


def met_sql(item: dict[str, Any]) -> Q:
    return holds_sql(item["field"], item["operator"], item["threshold"], item["unit"])


def passed_flag(item: dict[str, Any]) -> Expression:
    """Met, or not applicable to this family (a NULL condition value: not applicable)."""
    applies, met = applies_sql(item), _flag(met_sql(item))
    if applies is None:
        return met
    return Case(When(applies, then=met), default=Value(True), output_field=BooleanField())


def latest_assessments(enrolments: QuerySet[Enrolment]) -> QuerySet[Assessment]:
    """The latest assessment of each enrolment, with its village's area and poverty line."""
    latest = Assessment.objects.filter(enrolment=OuterRef("enrolment")).order_by("-date", "-id").values("pk")[:1]
    return (Assessment.objects.filter(enrolment__in=enrolments.values("pk"), pk=Subquery(latest))
            .annotate(area=area_expression("enrolment__village"))
            .annotate(line=line_subquery("enrolment__village_id", "area", "date")))


def _flags(definition: Definition) -> dict[str, Expression]:
    return {f"c_{i}": passed_flag(item) for i, item in enumerate(definition["criteria"])}


def _all_essential(definition: Definition) -> Expression:
    failing = [~Q(**{f"c_{i}": True}) for i, item in enumerate(definition["criteria"]) if item["essential"]]
    if not failing:
        return Value(True, output_field=BooleanField())
    any_failing = failing[0]
    for q in failing[1:]:
        any_failing |= q
    return Case(When(any_failing, then=Value(False)), default=Value(True), output_field=BooleanField())


def evaluate(rule_set: RuleSet | Definition, enrolments: QuerySet[Enrolment]) -> list[Outcome]:
    """Outcomes for the enrolments that have an assessment (the others meet nothing)."""
    definition = _definition(rule_set)
    items = definition["criteria"]
    flags = _flags(definition)
    rows = (latest_assessments(enrolments).annotate(**flags).annotate(essentials_met=_all_essential(definition))
            .values("enrolment_id", "essentials_met", *flags))
    return [Outcome(row["enrolment_id"], {item["code"]: bool(row[f"c_{i}"]) for i, item in enumerate(items)},
                    bool(row["essentials_met"])) for row in rows]


def counts(rule_set: RuleSet | Definition, enrolments: QuerySet[Enrolment]) -> dict[str, Any]:
    """How many of the enrolments meet each criterion and all essential ones now, in one query:
    {"enrolments", "assessed", "essentials_met", "criteria": {code: {"applies", "met"}}}."""
    definition = _definition(rule_set)
    items = definition["criteria"]
    flags = _flags(definition)
    annotated = latest_assessments(enrolments).annotate(**flags).annotate(essentials=_all_essential(definition))
    sums: dict[str, Any] = {"assessed": Count("pk"), "essentials_met": Count("pk", filter=Q(essentials=True))}
    for i, item in enumerate(items):
        applies = applies_sql(item)
        sums[f"a_{i}"] = Count("pk", filter=applies) if applies is not None else Count("pk")
        sums[f"m_{i}"] = Count("pk", filter=met_sql(item) & (applies if applies is not None else Q()))
    found = annotated.aggregate(**sums)
    return {"enrolments": enrolments.count(), "assessed": found["assessed"], "essentials_met": found["essentials_met"],
            "criteria": {item["code"]: {"applies": found[f"a_{i}"], "met": found[f"m_{i}"]}
                         for i, item in enumerate(items)}}


def essentials_met(rule_set: RuleSet, enrolment: Enrolment) -> tuple[bool, list[str]]:
    """Whether one enrolment meets every essential criterion, and which essential ones fail."""
    definition = _definition(rule_set)
    outcomes = evaluate(definition, Enrolment.objects.filter(pk=enrolment.pk))
    essential = [item["code"] for item in definition["criteria"] if item["essential"]]
    if not outcomes:
        return (not essential, essential)
    failing = [code for code in essential if not outcomes[0].passed[code]]
    return (not failing, failing)


# --- the same in Python -----------------------------------------------------------------------

def values_of(assessment: Assessment) -> dict[str, Any]:
    return {name: getattr(assessment, name) for name in C.ASSESSMENT_FIELDS}


def latest_assessment(enrolment: Enrolment) -> Assessment | None:
    return enrolment.assessments.order_by("-date", "-id").first()


def evaluate_one(rule_set: RuleSet | Definition, enrolment: Enrolment) -> Outcome | None:
    """The per-object version: a few queries per enrolment."""
    definition = _definition(rule_set)
    a = latest_assessment(enrolment)
    if a is None:
        return None
    found = line_for(enrolment.village, a.date)
    results = C.judge(definition["criteria"], values_of(a), found.line.amount if found.line else None)
    return Outcome(enrolment.pk, {r["code"]: r["passed"] for r in results}, C.all_essential_passed(results))


def lock_programme(programme_id: int, *, shared: bool) -> None:
    """Hold the programme row until the transaction ends: exclusively to activate a rule set, in
    share mode to evaluate (evaluations run side by side; an activation waits for them and they
    for it). SQLite has one writer at a time anyway: the exclusive form is enough there."""
    if shared and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Programme._meta.db_table} WHERE id = %s FOR SHARE", [programme_id])
        return
    if not shared:
        list(Programme.objects.select_for_update().filter(pk=programme_id).values_list("pk", flat=True))


def active_rule_set(programme: Programme | int) -> RuleSet | None:
    pk = programme if isinstance(programme, int) else programme.pk
    return RuleSet.objects.filter(programme_id=pk, status=RuleSetStatus.ACTIVE).first()


def _unjudged(results: list[dict[str, Any]], assessment: Assessment, missing_line: str | None) -> str:
    """In words, why the essential criteria could not all be read."""
    reasons: list[str] = []
    for r in results:
        if not (r["essential"] and r["missing"]):
            continue
        if C.needs_poverty_line(r) and missing_line and assessment.per_capita_income is not None:
            reason = missing_line
        else:
            reason = _("%(measure)s not recorded on the assessment of %(date)s") % {
                "measure": str(C.MEASURES[r["field"]].label).lower(), "date": numbers.day(assessment.date)}
        if reason not in reasons:
            reasons.append(reason)
    return "; ".join(reasons)


@transaction.atomic
def record_evaluation(actor: User | None, enrolment: Enrolment, *, rule_set: RuleSet | None = None) -> Evaluation:
    """Read the family's latest assessment against `rule_set` (None: the programme's active one)
    and keep the reading: per criterion whether it applied, was met, the value and the threshold;
    `unjudged` says in words what was missing (then the essential criteria are not met)."""
    lock_programme(enrolment.programme_id, shared=True)
    if rule_set is None:
        rule_set = active_rule_set(enrolment.programme_id)
        if rule_set is None:
            raise ValidationError({"rule_set": _("This programme has no active graduation rule set; a national "
                                                 "administrator drafts and activates one on the programme's "
                                                 "page.")})
    elif rule_set.programme_id != enrolment.programme_id:
        raise ValidationError({"rule_set": _("This rule set belongs to another programme.")})
    definition = C.definition(rule_set)
    assessment = latest_assessment(enrolment)
    if assessment is None:
        results = C.judge(definition["criteria"], None, None)
        unjudged = _("no assessment recorded yet")
    else:
        found = line_for(enrolment.village, assessment.date)
        results = C.judge(definition["criteria"], values_of(assessment), found.line.amount if found.line else None)
        unjudged = _unjudged(results, assessment, None if found.line else found.missing(assessment.date))
    met = C.all_essential_passed(results) and not unjudged
    evaluation = Evaluation.objects.create(enrolment=enrolment, rule_set=rule_set, assessment=assessment,
                                           at=timezone.now(), essentials_met=met, results=results,
                                           unjudged=unjudged[:300], actor=actor)
    audit.record_change(actor, audit.Action.ENROLMENT_EVALUATED, enrolment, details={
        "evaluation": evaluation.pk, "rule_set": rule_set.pk, "version": rule_set.version,
        "essentials_met": met, "unjudged": unjudged[:300]})
    return evaluation

