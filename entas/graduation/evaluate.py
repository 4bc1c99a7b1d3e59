"""Evaluate graduation criteria against each enrolment's latest assessment.

`evaluate()` is set-based: one query over any number of enrolments, each criterion a CASE
expression on the latest assessment (picked with a correlated subquery on the
(enrolment, date, id) index) and the province's poverty line valid on the assessment date.
`evaluate_one()` reads one enrolment in Python with the same rules: the benchmark compares the two,
and the tests check they agree.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Substr

from entas.graduation.models import AppliesWhen, Assessment, Code, Criterion, Enrolment, PovertyLine, RuleSet

DEFAULT_THRESHOLDS: dict[str, int] = {Code.INCOME_SOURCES: 2, Code.BUSINESS_RUNNING: 6, Code.SAVINGS: 1}
NOT_APPLICABLE = {
    AppliesWhen.HAS_BUSINESS: Q(business_months__isnull=True) | Q(business_months=0),
    AppliesWhen.HAS_SCHOOL_AGE_CHILDREN: Q(school_age_children__isnull=True) | Q(school_age_children=0),
}


@dataclass
class Outcome:
    enrolment_id: int
    passed: dict[str, bool]
    essentials_met: bool


def _threshold(criterion: Criterion) -> int:
    return criterion.threshold if criterion.threshold is not None else DEFAULT_THRESHOLDS.get(criterion.code, 0)


def _met(criterion: Criterion) -> Q:
    code = criterion.code
    if code == Code.INCOME_ABOVE_LINE:
        if criterion.threshold is not None:
            return Q(per_capita_income__gte=criterion.threshold)
        return Q(line__isnull=False, per_capita_income__gte=F("line"))
    return {
        Code.INCOME_SOURCES: Q(income_sources__gte=_threshold(criterion)),
        Code.BUSINESS_RUNNING: Q(business_months__gte=_threshold(criterion)),
        Code.SAVINGS: Q(savings__gte=_threshold(criterion)),
        Code.COOPERATIVE_MEMBER: Q(cooperative_member=True),
        Code.CHILDREN_IN_SCHOOL: Q(children_in_school__gte=F("school_age_children")),
        Code.NO_FOOD_SHORTAGE: Q(food_shortage=False),
    }[Code(code)]


def passes(criterion: Criterion) -> Q:
    """Met, or not applicable to this family."""
    skip = NOT_APPLICABLE.get(AppliesWhen(criterion.applies_when))
    return _met(criterion) if skip is None else skip | _met(criterion)


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def latest_assessments(enrolments: QuerySet[Enrolment]) -> QuerySet[Assessment]:
    latest = Assessment.objects.filter(enrolment=OuterRef("enrolment")).order_by("-date", "-id").values("pk")[:1]
    line = (PovertyLine.objects.filter(province=Substr(OuterRef("enrolment__village_id"), 1, 2),
                                       valid_from__lte=OuterRef("date")).order_by("-valid_from").values("amount")[:1])
    return (Assessment.objects.filter(enrolment__in=enrolments.values("pk"), pk=Subquery(latest))
            .annotate(line=Subquery(line)))


def evaluate(rule_set: RuleSet, enrolments: QuerySet[Enrolment]) -> list[Outcome]:
    """Outcomes for the enrolments that have an assessment (the others meet nothing)."""
    criteria = list(rule_set.criteria.all())
    essential = Q()
    for criterion in criteria:
        if criterion.essential:
            essential &= passes(criterion)
    flags: dict[str, Any] = {f"c_{c.code}": _flag(passes(c)) for c in criteria}
    all_essential = _flag(essential) if essential else Value(True, output_field=BooleanField())
    rows = latest_assessments(enrolments).annotate(essentials_met=all_essential, **flags).values(
        "enrolment_id", "essentials_met", *flags)
    return [Outcome(row["enrolment_id"], {c.code: bool(row[f"c_{c.code}"]) for c in criteria},
                    bool(row["essentials_met"])) for row in rows]


def essentials_met(rule_set: RuleSet, enrolment: Enrolment) -> tuple[bool, list[str]]:
    """Whether one enrolment meets every essential criterion, and which essential ones fail."""
    outcomes = evaluate(rule_set, Enrolment.objects.filter(pk=enrolment.pk))
    essential = [c.code for c in rule_set.criteria.all() if c.essential]
    if not outcomes:
        return (not essential, essential)
    failing = [code for code in essential if not outcomes[0].passed[code]]
    return (not failing, failing)


def _line_for(enrolment: Enrolment, assessment: Assessment) -> int | None:
    found = (PovertyLine.objects.filter(province_id=enrolment.village_id[:2], valid_from__lte=assessment.date)
             .order_by("-valid_from").first())
    return found.amount if found else None


def _met_one(criterion: Criterion, a: Assessment, line: int | None) -> bool:
    code, limit = criterion.code, _threshold(criterion)
    if code == Code.INCOME_ABOVE_LINE:
        bar = criterion.threshold if criterion.threshold is not None else line
        return bar is not None and a.per_capita_income is not None and a.per_capita_income >= bar
    value = {Code.INCOME_SOURCES: a.income_sources, Code.BUSINESS_RUNNING: a.business_months,
             Code.SAVINGS: a.savings}.get(Code(code))
    if code in DEFAULT_THRESHOLDS:
        return value is not None and value >= limit
    if code == Code.CHILDREN_IN_SCHOOL:
        return a.children_in_school is not None and a.school_age_children is not None and (
            a.children_in_school >= a.school_age_children)
    return a.cooperative_member is True if code == Code.COOPERATIVE_MEMBER else a.food_shortage is False


def evaluate_one(criteria: list[Criterion], enrolment: Enrolment) -> Outcome | None:
    """The per-object version: a few queries per enrolment."""
    a = enrolment.assessments.order_by("-date", "-id").first()
    if a is None:
        return None
    line = _line_for(enrolment, a)
    passed = {}
    for c in criteria:
        skipped = (c.applies_when == AppliesWhen.HAS_BUSINESS and not a.business_months) or (
            c.applies_when == AppliesWhen.HAS_SCHOOL_AGE_CHILDREN and not a.school_age_children)
        passed[c.code] = skipped or _met_one(c, a, line)
    return Outcome(enrolment.pk, passed, all(passed[c.code] for c in criteria if c.essential))
