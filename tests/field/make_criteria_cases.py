"""Writes tests/field/criteria_cases.json: the one set of cases that the server's Python evaluator
(entas.graduation.criteria.judge) and the field app's JavaScript one (entas/field/static/field/criteria.js)
are both tested against (docs/field.md, issue 18).

    .venv/bin/python -m tests.field.make_criteria_cases

The expected results are what the Python evaluator says now, so rerun this after changing
criteria.py on purpose; tests/field/test_criteria_cases.py fails while the file is stale.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils import translation

from entas.graduation import criteria

CASES_PATH = Path(__file__).with_name("criteria_cases.json")
HUGE = 999_999_999_999_999  # the largest rupiah amount a threshold may have (< 10**15)
LINE = 550_000  # the poverty line of most cases: 1.1 * it = 605,000 and 2.05 * it = 1,127,500

# Labels are written here, in English, so that the file does not change with the active language.
CRITERIA: list[dict[str, Any]] = [
    {"code": "income_above_line", "label": "Income per person at least 1.1 × the poverty line",  # noqa: RUF001
     "field": "per_capita_income", "operator": ">=", "threshold": "1.1", "unit": "poverty_line", "essential": True},
    {"code": "income_below_cap", "label": "Income per person less than 2.05 × the poverty line",  # noqa: RUF001
     "field": "per_capita_income", "operator": "<", "threshold": "2.05", "unit": "poverty_line", "essential": False},
    {"code": "income_over_100k", "label": "Income per person more than Rp 100,000",
     "field": "per_capita_income", "operator": ">", "threshold": 100_000, "unit": "rp", "essential": False},
    {"code": "income_sources", "label": "At least two income sources",
     "field": "income_sources", "operator": ">=", "threshold": 2, "unit": "count", "essential": True},
    {"code": "business_running", "label": "Business running at least six months (when there is one)",
     "field": "business_months", "operator": ">=", "threshold": 6, "unit": "months", "essential": True,
     "condition": {"field": "business_months", "operator": ">", "value": 0}},
    {"code": "business_anniversary", "label": "Business in its twelfth month",
     "field": "business_months", "operator": "=", "threshold": 12, "unit": "months", "essential": False},
    {"code": "savings", "label": "Cash savings more than Rp 100,000",
     "field": "savings", "operator": ">", "threshold": 100_000, "unit": "rp", "essential": True},
    {"code": "savings_when_poorer", "label": "Savings of at least Rp 250,000 while income is below Rp 500,000",
     "field": "savings", "operator": ">=", "threshold": 250_000, "unit": "rp", "essential": True,
     "condition": {"field": "per_capita_income", "operator": "<", "value": 500_000}},
    {"code": "savings_when_richer", "label": "Savings of at least Rp 1,000,000 once income is above Rp 1,000,000",
     "field": "savings", "operator": ">=", "threshold": 1_000_000, "unit": "rp", "essential": False,
     "condition": {"field": "per_capita_income", "operator": ">", "value": 1_000_000}},
    {"code": "cooperative_member", "label": "Member of a cooperative",
     "field": "cooperative_member", "operator": "=", "threshold": "yes", "unit": "yes_no", "essential": True},
    {"code": "few_school_age_children", "label": "Fewer than five school-age children",
     "field": "school_age_children", "operator": "<", "threshold": 5, "unit": "count", "essential": False},
    {"code": "children_in_school", "label": "All school-age children in school",
     "field": "children_in_school_share", "operator": ">=", "threshold": 100, "unit": "percent", "essential": True,
     "condition": {"field": "school_age_children", "operator": ">", "value": 0}},
    {"code": "most_children_in_school", "label": "More than 80 % of two or more children in school",
     "field": "children_in_school_share", "operator": ">", "threshold": 80, "unit": "percent", "essential": False,
     "condition": {"field": "school_age_children", "operator": ">=", "value": 2}},
    {"code": "half_the_children_in_school", "label": "Exactly half the children in school",
     "field": "children_in_school_share", "operator": "=", "threshold": 50, "unit": "percent", "essential": False},
    {"code": "no_food_shortage", "label": "No food shortage in the past year",
     "field": "food_shortage", "operator": "=", "threshold": "no", "unit": "yes_no", "essential": True},
    {"code": "shortage_among_members", "label": "A cooperative member reports a food shortage",
     "field": "food_shortage", "operator": "=", "threshold": "yes", "unit": "yes_no", "essential": False,
     "condition": {"field": "cooperative_member", "operator": "=", "value": "yes"}},
]

# A family that passes every essential criterion; each grid below changes a few of its values.
FAMILY: dict[str, Any] = {
    "per_capita_income": 700_000, "income_sources": 2, "business_months": 8, "savings": 150_000,
    "cooperative_member": True, "school_age_children": 2, "children_in_school": 2, "food_shortage": False,
}


def make_definition() -> dict[str, Any]:
    # The measures' labels as written in criteria.py, whatever language is active.
    with translation.override(None):
        measures = criteria.measures_dict()
    return {"format": criteria.FORMAT, "programme": None, "rule_set": None, "version": 1, "status": "active",
            "measures": measures, "criteria": [criteria.spec_dict(s) for s in criteria.check_all(CRITERIA)]}


def family(**changes: Any) -> dict[str, Any]:
    return FAMILY | changes


def inputs() -> Iterator[tuple[str, dict[str, Any] | None, int | None]]:
    """(name, values, line) of every case."""
    # Income around each threshold it meets (1.1 and 2.05 * the line, Rp 100,000, the conditions'
    # Rp 500,000 and 1,000,000), on lines unknown, zero, negative, tiny and huge.
    incomes = [None, 0, 1, 2, 10, 11, 12, 99_999, 100_000, 100_001, 499_999, 500_000, 500_001, 604_999, 605_000,
               605_001, 1_000_000, 1_000_001, 1_127_499, 1_127_500, 1_127_501, HUGE]
    for line in (None, 0, -1, 10, LINE, HUGE):
        for income in incomes:
            yield f"income {income} on line {line}", family(per_capita_income=income), line
    for income in (499_999, 500_000, 1_000_000, 1_000_001):
        for savings in (None, 0, 99_999, 100_000, 100_001, 249_999, 250_000, 250_001, 999_999, 1_000_000, HUGE):
            yield f"savings {savings} with income {income}", family(per_capita_income=income, savings=savings), LINE
    for months in (None, -1, 0, 1, 5, 6, 7, 11, 12, 13, HUGE):
        yield f"business of {months} months", family(business_months=months), LINE
    for sources in (None, 0, 1, 2, 3, HUGE):
        yield f"{sources} income sources", family(income_sources=sources), LINE
    for member in (None, True, False, 1, 0):
        for shortage in (None, True, False, 1, 0):
            yield (f"cooperative member {member}, food shortage {shortage}",
                   family(cooperative_member=member, food_shortage=shortage), LINE)
    # (in school, of school age): over 100 %, recurring decimals, no children, halves that round to
    # even (12.5 -> 12, 37.5 -> 38, 2.5 -> 2, 3.5 -> 4), exactly 80 and 50 %, and numbers past 2^53 once * 100.
    shares = [(5, 4), (5, 3), (0, 0), (10, 8), (3, 2), (1, 8), (3, 8), (5, 8), (7, 8), (1, 200), (5, 200),
              (7, 200), (1, 3), (2, 3), (0, 3), (3, 3), (4, 5), (5, 5), (1, 2), (3, 6), (4, 4), (1, 1), (0, 1),
              (5, 6), (8, 10), (9, 10), (0, 5), (0, 6), (None, 3), (3, None), (None, None), (0, None), (2, 0),
              (None, 0), (HUGE, 3), (HUGE, 7), (1, HUGE), (HUGE - 1, HUGE), (HUGE, HUGE), (HUGE // 2, HUGE)]
    for in_school, of_age in shares:
        yield (f"{in_school} of {of_age} children in school",
               family(children_in_school=in_school, school_age_children=of_age), LINE)
    for line in (None, 0, LINE):
        yield f"no assessment on line {line}", None, line
        yield f"an empty assessment on line {line}", {}, line
        yield f"every value null on line {line}", dict.fromkeys(FAMILY), line
    # 1.1 * 909,090,909,090,910 = 1,000,000,000,000,001: exact only in integers (110 * line > 2^53).
    for income in (10**15, 10**15 + 1, 10**15 + 2):
        yield f"income {income} on the huge line 909090909090910", family(per_capita_income=income), 909_090_909_090_910
    # In doubles 999,999,999,999,991 * 100 >= 1.1 * 909,090,909,090,901 * 100 holds; exactly it does not.
    yield "income just below 1.1 × a huge line", family(per_capita_income=999_999_999_999_991), 909_090_909_090_901  # noqa: RUF001
    # 100 * in school / of age computed in doubles rounds to another whole number than Python's exact division.
    for in_school, of_age in ((999_999_999_997_001, 3), (999_999_999_997_002, 7)):
        yield (f"{in_school} of {of_age} children in school, past double precision",
               family(children_in_school=in_school, school_age_children=of_age), LINE)
    yield "the family as it is", FAMILY, LINE
    yield "only non-essential criteria fail", family(per_capita_income=1_200_000, business_months=3,
                                                     school_age_children=0, children_in_school=0), LINE
    yield "no business and no children", family(business_months=0, school_age_children=0, children_in_school=0), LINE
    yield "a poor family just enrolled", {"per_capita_income": 250_000, "income_sources": 1, "business_months": 0,
                                          "savings": 0, "cooperative_member": False, "school_age_children": 3,
                                          "children_in_school": 1, "food_shortage": True}, LINE
    yield "only the income known", {"per_capita_income": 605_000}, LINE
    yield "only the income known, no line", {"per_capita_income": 605_000}, None


# What a result says of one case; the rest of it (code, label, threshold, ...) repeats the criterion
# of the definition and is put back by `expand` when the file is read.
OUTCOME = ("applies", "met", "missing", "value", "passed")


def build() -> dict[str, Any]:
    definition = make_definition()
    cases = []
    for name, values, line in inputs():
        expected = criteria.judge(definition["criteria"], values, line)
        cases.append({"name": name, "values": values, "line": line,
                      "expected": [{k: r[k] for k in OUTCOME} for r in expected],
                      "essentials_passed": criteria.all_essential_passed(expected)})
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "two cases have the same name"
    return {"definition": definition, "cases": cases}


def expand(data: dict[str, Any]) -> dict[str, Any]:
    """The file's cases with each expected result whole, as the evaluators give it."""
    items = data["definition"]["criteria"]
    whole = [{k: item[k] for k in ("code", "label", "field", "operator", "threshold", "unit", "essential")}
             | {"condition": item.get("condition")} for item in items]
    cases = [{**case, "expected": [{**static, **outcome} for static, outcome in zip(whole, case["expected"],
                                                                                    strict=True)]}
             for case in data["cases"]]
    return {**data, "cases": cases}


def render(data: dict[str, Any]) -> str:
    """The definition indented, then one case per line: small, and a changed case is one changed line."""
    definition = json.dumps(data["definition"], indent=1, sort_keys=True, ensure_ascii=False)
    cases = ",\n".join(json.dumps(case, sort_keys=True, ensure_ascii=False) for case in data["cases"])
    return f'{{"definition": {definition},\n"cases": [\n{cases}\n]}}\n'



def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entas.settings")
    import django

    django.setup()
    data = build()
    CASES_PATH.write_text(render(data), encoding="utf-8")
    print(f"{len(data['cases'])} cases written to {CASES_PATH}")


if __name__ == "__main__":
    main()
