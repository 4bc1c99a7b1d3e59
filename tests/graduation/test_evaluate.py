"""Set-based evaluation agrees with the per-object one and reads the province's poverty line."""

import datetime
from typing import Any

import pytest

from entas.graduation import services
from entas.graduation.evaluate import evaluate, evaluate_one
from entas.graduation.models import Enrolment, RuleSet
from entas.programmes.models import Programme
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 1)


def test_set_based_and_per_object_evaluation_agree(prog: Programme, rules: RuleSet) -> None:
    cases: list[dict[str, Any]] = [
        {"per_capita_income": 600_000, "food_shortage": False, "business_months": 7},
        {"per_capita_income": 500_000, "food_shortage": False},
        {"per_capita_income": 900_000, "food_shortage": False, "business_months": 3, "school_age_children": 2,
         "children_in_school": 1},
        {"per_capita_income": 900_000, "food_shortage": None, "cooperative_member": True},
    ]
    for values in cases:
        services.record_visit(None, enrol(prog), on=DAY, assessment=values)
    enrol(prog)  # never assessed
    kupang = enrol(prog, KUPANG_VILLAGE)  # no poverty line loaded for NTT
    services.record_visit(None, kupang, on=DAY, assessment={"per_capita_income": 900_000, "food_shortage": False})

    outcomes = {o.enrolment_id: o for o in evaluate(rules, Enrolment.objects.all())}
    criteria = list(rules.criteria.all())
    for enrolment in Enrolment.objects.all():
        one = evaluate_one(criteria, enrolment)
        assert (one is None and enrolment.pk not in outcomes) or outcomes[enrolment.pk] == one
    met = sorted(pk for pk, o in outcomes.items() if o.essentials_met)
    first = Enrolment.objects.order_by("id").first()
    assert first is not None and met == [first.pk]
    assert outcomes[kupang.pk].passed["income_above_line"] is False


def test_the_latest_assessment_counts(prog: Programme, rules: RuleSet) -> None:
    enrolment = enrol(prog)
    services.record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 900_000, "food_shortage": False})
    services.record_visit(None, enrolment, on=DAY + datetime.timedelta(days=30),
                          assessment={"per_capita_income": 300_000, "food_shortage": False})
    [outcome] = evaluate(rules, Enrolment.objects.all())
    assert outcome.passed["income_above_line"] is False
