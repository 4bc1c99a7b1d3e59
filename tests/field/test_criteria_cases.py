"""The field app recomputes a family's checklist on the phone from the same definition as the
server (docs/field.md, issue 18): criteria_cases.json is the one set of cases, and both the Python
evaluator and criteria.js must give exactly its expected results."""

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from entas.graduation import criteria
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.field import make_criteria_cases

CRITERIA_JS = Path(criteria.__file__).parents[1] / "field" / "static" / "field" / "criteria.js"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(make_criteria_cases.CASES_PATH.read_text(encoding="utf-8"))
    return make_criteria_cases.expand(loaded)


def as_json(value: Any) -> str:
    # Compared as JSON text so that 1 and true, or 100000 and 100000.0, are told apart.
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def as_double(value: Any) -> Any:
    """The value as JavaScript holds it: an integer past 2^53 is a double, which JavaScript writes
    with its shortest digits (33333333333233368 comes back as 33333333333233370, the same double)."""
    if isinstance(value, dict):
        return {k: as_double(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_double(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return float(value)
    return value


def disagreements(data: dict[str, Any], got: list[dict[str, Any]], javascript: bool = False) -> list[str]:
    """What differs from the expected results, per case (`got`: per case, `results` and `passed`)."""
    found = []
    for case, answer in zip(data["cases"], got, strict=True):
        if len(answer["results"]) != len(case["expected"]):
            found.append(f"{case['name']}: {len(answer['results'])} results, not {len(case['expected'])}")
        for expected, result in zip(case["expected"], answer["results"], strict=False):
            if javascript:
                expected, result = as_double(expected), as_double(result)
            if as_json(result) != as_json(expected):
                found.append(f"{case['name']}: expected {as_json(expected)}, got {as_json(result)}")
        if answer["passed"] is not case["essentials_passed"]:
            found.append(f"{case['name']}: essentials passed {answer['passed']}, not {case['essentials_passed']}")
    return found


def test_the_cases_cover_the_borders(data: dict[str, Any]) -> None:
    cases = data["cases"]
    assert len(cases) >= 200
    units = {c["unit"] for c in data["definition"]["criteria"]}
    assert units == set(criteria.UNITS)
    assert {c["field"] for c in data["definition"]["criteria"]} == set(criteria.MEASURES)
    assert {c["essentials_passed"] for c in cases} == {True, False}
    assert {c["line"] for c in cases} >= {None, 0}
    # Both halves of every criterion's outcome occur somewhere, missing values included.
    for number, item in enumerate(data["definition"]["criteria"]):
        results = [c["expected"][number] for c in cases]
        assert {r["passed"] for r in results} == {True, False}, item["code"]
        condition = item["condition"] or {}
        # A criterion conditional on its own measure never applies when the value is missing.
        if condition.get("field") != item["field"]:
            assert any(r["missing"] for r in results), item["code"]
        if condition:
            assert {r["applies"] for r in results} == {True, False}, item["code"]


def test_python_agrees_with_the_cases(data: dict[str, Any]) -> None:
    got = []
    for case in data["cases"]:
        results = criteria.judge(data["definition"]["criteria"], case["values"], case["line"])
        got.append({"results": results, "passed": criteria.all_essential_passed(results)})
    assert disagreements(data, got) == []


def test_the_cases_are_what_the_generator_makes_now() -> None:
    written = make_criteria_cases.CASES_PATH.read_text(encoding="utf-8")
    assert written == make_criteria_cases.render(make_criteria_cases.build()), (
        "tests/field/criteria_cases.json is stale: run .venv/bin/python -m tests.field.make_criteria_cases")


class CriteriaPage:
    """A blank page with criteria.js loaded, driven from a thread of its own: when the whole suite
    runs, the session browser of tests/browser keeps its Playwright loop on the main thread, and
    Playwright's sync API refuses to start a second one there."""

    def __init__(self, thread: ThreadPoolExecutor, page: Any) -> None:
        self.thread, self.page = thread, page

    def evaluate(self, script: str, arg: Any) -> Any:
        return self.thread.submit(self.page.evaluate, script, arg).result()


@pytest.fixture(scope="module")
def criteria_page() -> Iterator[CriteriaPage]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium at $ENTAS_CHROMIUM or /usr/bin/chromium: install Debian's chromium")
    # Imported here so that collecting the suite never needs Playwright's driver.
    from playwright.sync_api import sync_playwright

    def start() -> tuple[Any, Any, Any]:
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        # No server: the script reads nothing but its arguments.
        page = browser.new_page()
        page.set_content("<html></html>")
        page.add_script_tag(path=str(CRITERIA_JS))
        return playwright, browser, page

    def stop() -> None:
        browser.close()
        playwright.stop()

    # Playwright's objects belong to the thread that made them: one worker does every call.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="criteria-js") as thread:
        playwright, browser, page = thread.submit(start).result()
        try:
            yield CriteriaPage(thread, page)
        finally:
            thread.submit(stop).result()


@pytest.mark.browser
def test_javascript_agrees_with_python_on_every_case(data: dict[str, Any], criteria_page: CriteriaPage) -> None:
    got = criteria_page.evaluate("""(data) => data.cases.map((c) => {
        const results = EntasField.criteria.judge(data.definition, c.values, c.line);
        return {results, passed: EntasField.criteria.allEssentialPassed(results)};
    })""", data)
    assert disagreements(data, got, javascript=True) == []


@pytest.mark.browser
def test_javascript_reads_missing_values_as_python_does(data: dict[str, Any], criteria_page: CriteriaPage) -> None:
    # JSON has null, a JavaScript caller also undefined and absent arguments; Python only None.
    expected = criteria.judge(data["definition"]["criteria"], None, None)
    got = criteria_page.evaluate("""(definition) => [
        EntasField.criteria.judge(definition, undefined, undefined),
        EntasField.criteria.judge(definition),
        EntasField.criteria.judge(definition, {per_capita_income: undefined}, undefined),
    ]""", data["definition"])
    assert [as_json(r) for r in got] == [as_json(expected)] * 3


LINES = [{"from": "2025-03-01", "amount": 550_000}, {"from": "2026-01-01", "amount": 600_000},
         {"from": "2026-07-01", "amount": 640_000}]


@pytest.mark.browser
@pytest.mark.parametrize(("lines", "on", "amount"), [
    (LINES, "2025-02-28", None),
    (LINES, "2025-03-01", 550_000),
    (LINES, "2025-12-31", 550_000),
    (LINES, "2026-01-01", 600_000),
    (LINES, "2026-06-30", 600_000),
    (LINES, "2026-07-01", 640_000),
    (LINES, "2031-01-01", 640_000),
    (LINES[:1], "2030-01-01", 550_000),
    ([], "2026-01-01", None),
    (None, "2026-01-01", None),
])
def test_javascript_takes_the_last_line_started_on_the_date(
        criteria_page: CriteriaPage, lines: list[dict[str, Any]] | None, on: str, amount: int | None) -> None:
    got = criteria_page.evaluate("([lines, on]) => EntasField.criteria.lineOn(lines, on)", [lines, on])
    assert got == amount
