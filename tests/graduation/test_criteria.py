"""Criteria are declarative data, checked and typed by their measure before anything is written."""

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.graduation import criteria, rules
from entas.graduation.models import RuleSet
from entas.programmes.models import Programme

pytestmark = pytest.mark.django_db


def refusal(item: dict[str, Any]) -> dict[str, list[str]]:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        criteria.check(item, "criteria.1")
    return error.value.message_dict


@pytest.mark.parametrize(("item", "field", "words"), [
    ({"field": "business_months", "threshold": "abc"}, "criteria.1.threshold", "'abc' is not a number"),
    ({"field": "business_months", "threshold": "1.5"}, "criteria.1.threshold", "a whole number of months, not 1.5"),
    ({"field": "savings", "threshold": -5, "unit": "rp"}, "criteria.1.threshold", "cannot be negative (-5)"),
    ({"field": "children_in_school_share", "threshold": 120}, "criteria.1.threshold", "between 0 and 100 %"),
    ({"field": "per_capita_income", "threshold": "1.234"}, "criteria.1.threshold", "at most two decimals"),
    ({"field": "food_shortage", "operator": "=", "threshold": "maybe"}, "criteria.1.threshold", "not yes or no"),
    ({"field": "food_shortage", "operator": ">", "threshold": "no"}, "criteria.1.operator", "compare it with '='"),
    ({"field": "savings", "operator": "!=", "threshold": 1}, "criteria.1.operator", "'!=' is not a comparison"),
    ({"field": "height", "threshold": 1}, "criteria.1.field", "'height' is not a measure"),
    ({"field": "savings", "threshold": 1, "unit": "months"}, "criteria.1.unit", "measured in rp, not 'months'"),
    ({"field": "savings", "threshold": ""}, "criteria.1.threshold", "give a threshold"),
    ({"field": "savings", "threshold": 1, "condition": {"field": "business_months", "operator": ">", "value": "x"}},
     "criteria.1.condition.value", "'x' is not a number"),
])
def test_it_rejects_a_threshold_of_the_wrong_type(item: dict[str, Any], field: str, words: str) -> None:
    problems = refusal(item)
    assert list(problems) == [field]
    assert words in problems[field][0]


def test_it_types_each_threshold_by_its_measure() -> None:
    assert criteria.check({"field": "per_capita_income", "threshold": "1,25"}).threshold == criteria.Decimal("1.25")
    assert criteria.check({"field": "food_shortage", "operator": "=", "threshold": "tidak"}).threshold == 0
    assert criteria.check({"field": "cooperative_member", "operator": "=", "threshold": True}).threshold == 1
    assert criteria.check({"field": "savings", "threshold": "250000"}).unit == "rp"


def test_a_legacy_code_becomes_its_declarative_form() -> None:
    spec = criteria.check({"code": "business_running", "applies_when": "has_business"})
    assert (spec.field, spec.operator, spec.threshold, spec.unit) == ("business_months", ">=", 6, "months")
    assert (spec.condition_field, spec.condition_operator, spec.condition_value) == ("business_months", ">", 0)


def test_the_definition_is_versioned_json_data(prog: Programme) -> None:
    rule_set = rules.create_rule_set(None, prog, [
        {"field": "per_capita_income", "threshold": 1, "unit": "poverty_line"},
        {"field": "savings", "threshold": 1, "essential": False},
        {"field": "savings", "operator": "<", "threshold": 10_000_000, "essential": False},
    ])
    with translation.override("en"):
        definition = json.loads(json.dumps(criteria.definition(rule_set)))
    assert definition["format"] == criteria.FORMAT and definition["version"] == 1
    assert [c["code"] for c in definition["criteria"]] == ["per_capita_income", "savings", "savings_2"]
    assert definition["criteria"][0] == {
        "code": "per_capita_income", "label": "Income per person per month", "field": "per_capita_income",
        "operator": ">=", "threshold": 1, "unit": "poverty_line", "essential": True, "condition": None,
    }
    assert definition["measures"]["children_in_school_share"]["column"] == "children_in_school"


def test_nothing_is_written_when_one_criterion_is_bad(prog: Programme) -> None:
    with pytest.raises(ValidationError) as error:
        rules.draft_rule_set(None, prog, [{"field": "savings", "threshold": 1},
                                          {"field": "business_months", "threshold": "1.5"}])
    assert "criteria.2.threshold" in error.value.message_dict
    assert not RuleSet.objects.exists()
