"""One definition, two evaluators: the SQL built from `criteria.definition()` and the Python
`criteria.judge()` agree, on border cases too; each reads the poverty line of the village's
province and area valid on the assessment date."""

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.graduation import criteria, rules
from entas.graduation.evaluate import counts, essentials_met, evaluate, evaluate_one, record_evaluation
from entas.graduation.interventions import record_visit
from entas.graduation.models import Area, Enrolment, Evaluation, RuleSet
from entas.programmes.models import Programme
from entas.regions.models import Region
from tests.graduation.factories import enrol
from tests.programmes.factories import KLATEN_VILLAGE, KUPANG_VILLAGE

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 1)
KELURAHAN = "33.01.21.1001"  # Sidakaya, Cilacap: urban by kind
MARCH = datetime.date(2025, 3, 1)

CRITERIA: list[dict[str, Any]] = [
    {"code": "income", "field": "per_capita_income", "operator": ">=", "threshold": "1.1", "unit": "poverty_line"},
    {"code": "food", "field": "food_shortage", "operator": "=", "threshold": "no"},
    {"code": "business", "field": "business_months", "operator": ">=", "threshold": 6,
     "condition": {"field": "business_months", "operator": ">", "value": 0}},
    {"code": "school", "field": "children_in_school_share", "operator": ">=", "threshold": 80, "essential": False,
     "condition": {"field": "school_age_children", "operator": ">", "value": 0}},
    {"code": "savings", "field": "savings", "operator": ">", "threshold": 100_000, "unit": "rp", "essential": False},
    {"code": "sources", "field": "income_sources", "operator": "<", "threshold": 3, "essential": False},
    {"code": "member", "field": "cooperative_member", "operator": "=", "threshold": "yes", "essential": False},
]


@pytest.fixture
def rules_v1(prog: Programme) -> RuleSet:
    rules.set_poverty_line(None, province_code="33", area=Area.RURAL, valid_from=MARCH, amount=600_000)
    rules.set_poverty_line(None, province_code="33", area=Area.URBAN, valid_from=MARCH, amount=700_000)
    return rules.create_rule_set(None, prog, CRITERIA)


def test_set_based_and_per_object_evaluation_agree_on_every_border(prog: Programme, rules_v1: RuleSet) -> None:
    incomes = [None, 659_999, 660_000, 770_000]  # 1.1 x 600,000 = 660,000 (rural); 770,000 (urban)
    grid = itertools.product(incomes, [None, False, True], [None, 0, 5, 6], [(None, None), (0, 0), (5, 4), (5, 3)],
                             [None, 100_000, 100_001], [KLATEN_VILLAGE, KELURAHAN, KUPANG_VILLAGE])
    for n, (income, food, months, (children, in_school), savings, village) in enumerate(grid):
        if n % 7:  # a spread of the 2,304 combinations keeps the test quick
            continue
        record_visit(None, enrol(prog, village), on=DAY, assessment={
            "per_capita_income": income, "food_shortage": food, "business_months": months,
            "school_age_children": children, "children_in_school": in_school, "savings": savings,
            "income_sources": months, "cooperative_member": food})
    enrol(prog)  # never assessed
    definition = criteria.definition(rules_v1)
    outcomes = {o.enrolment_id: o for o in evaluate(definition, Enrolment.objects.all())}
    assert len(outcomes) == Enrolment.objects.count() - 1
    for enrolment in Enrolment.objects.all():
        one = evaluate_one(definition, enrolment)
        assert (one is None and enrolment.pk not in outcomes) or outcomes[enrolment.pk] == one, enrolment.pk
    assert any(o.essentials_met for o in outcomes.values())
    assert not all(o.essentials_met for o in outcomes.values())
    found = counts(definition, Enrolment.objects.all())
    assert found["essentials_met"] == sum(o.essentials_met for o in outcomes.values())


def test_income_is_compared_exactly_with_a_multiple_of_the_line(prog: Programme, rules_v1: RuleSet) -> None:
    at, below = enrol(prog), enrol(prog)
    record_visit(None, at, on=DAY, assessment={"per_capita_income": 660_000, "food_shortage": False})
    record_visit(None, below, on=DAY, assessment={"per_capita_income": 659_999, "food_shortage": False})
    passed = {o.enrolment_id: o.passed["income"] for o in evaluate(rules_v1, Enrolment.objects.all())}
    assert passed == {at.pk: True, below.pk: False}


def test_a_share_of_children_is_read_as_a_percentage_in_both_evaluators(prog: Programme, rules_v1: RuleSet) -> None:
    cases = {(1, 1): True, (5, 4): True, (5, 3): False, (10, 8): True, (10, 7): False}  # >= 80 %
    enrolments = {}
    for children, in_school in cases:
        enrolments[(children, in_school)] = e = enrol(prog)
        record_visit(None, e, on=DAY, assessment={"school_age_children": children, "children_in_school": in_school})
    definition = criteria.definition(rules_v1)
    by_sql = {o.enrolment_id: o.passed["school"] for o in evaluate(definition, Enrolment.objects.all())}
    for case, expected in cases.items():
        one = evaluate_one(definition, enrolments[case])
        assert one is not None and one.passed["school"] is expected, case
        assert by_sql[enrolments[case].pk] is expected, case


def test_the_latest_assessment_counts(prog: Programme, rules_v1: RuleSet) -> None:
    enrolment = enrol(prog)
    record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 900_000, "food_shortage": False})
    record_visit(None, enrolment, on=DAY + datetime.timedelta(days=30),
                 assessment={"per_capita_income": 300_000, "food_shortage": False})
    [outcome] = evaluate(rules_v1, Enrolment.objects.all())
    assert outcome.passed["income"] is False
    assert essentials_met(rules_v1, enrolment) == (False, ["income"])


def test_a_kelurahan_and_a_desa_flagged_urban_read_the_urban_line(prog: Programme, rules_v1: RuleSet) -> None:
    Region.objects.filter(code=KLATEN_VILLAGE).update(urban=True)
    desa, kelurahan, rural = enrol(prog), enrol(prog, KELURAHAN), enrol(prog, "33.10.01.2002")
    for enrolment in (desa, kelurahan, rural):
        record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 700_000, "food_shortage": False})
    passed = {o.enrolment_id: o.passed["income"] for o in evaluate(rules_v1, Enrolment.objects.all())}
    assert passed == {desa.pk: False, kelurahan.pk: False, rural.pk: True}  # 770,000 urban; 660,000 rural


def test_a_more_recent_total_line_is_read_when_the_area_has_none_yet(prog: Programme, rules_v1: RuleSet) -> None:
    rules.set_poverty_line(None, province_code="Jawa Tengah", area=Area.TOTAL, valid_from=datetime.date(2025, 7, 1),
                           amount=500_000)
    enrolment = enrol(prog)
    record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 560_000, "food_shortage": False})
    [outcome] = evaluate(rules_v1, Enrolment.objects.all())
    assert outcome.passed["income"] is True  # 1.1 x 500,000
    assert evaluate_one(rules_v1, enrolment) == outcome


def test_an_evaluation_keeps_the_version_the_values_and_the_thresholds(prog: Programme, rules_v1: RuleSet) -> None:
    enrolment = enrol(prog)
    record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 700_000, "food_shortage": False,
                                                      "business_months": 2})
    evaluation = record_evaluation(None, enrolment)
    assert evaluation.rule_set == rules_v1 and evaluation.unjudged == ""
    by_code = {r["code"]: r for r in evaluation.results}
    assert by_code["income"].items() >= {"field": "per_capita_income", "operator": ">=", "threshold": 1.1,
                                         "unit": "poverty_line", "essential": True, "applies": True, "met": True,
                                         "value": 700_000}.items()
    assert by_code["business"]["applies"] is True and by_code["business"]["met"] is False
    assert by_code["school"]["applies"] is False
    assert evaluation.essentials_met is False


def test_an_evaluation_without_a_poverty_line_says_why_in_words(prog: Programme, rules_v1: RuleSet) -> None:
    enrolment = enrol(prog, KUPANG_VILLAGE)
    record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 900_000, "food_shortage": False})
    with translation.override("en"):
        evaluation = record_evaluation(None, enrolment)
    assert evaluation.unjudged == "no poverty line for Nusa Tenggara Timur, rural (perdesaan), 2025"
    assert evaluation.essentials_met is False


def test_an_evaluation_names_a_value_not_recorded(prog: Programme, rules_v1: RuleSet) -> None:
    enrolment = enrol(prog)
    record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 900_000})
    with translation.override("en"):
        evaluation = record_evaluation(None, enrolment)
    assert evaluation.unjudged == "food shortage in the past year not recorded on the assessment of 1 August 2025"


def test_an_evaluation_without_an_active_rule_set_is_refused(prog: Programme) -> None:
    enrolment = enrol(prog)
    with pytest.raises(ValidationError) as error:
        record_evaluation(None, enrolment)
    assert "rule_set" in error.value.message_dict
    assert not Evaluation.objects.exists()
