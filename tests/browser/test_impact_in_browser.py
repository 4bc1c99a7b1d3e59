"""An analyst runs an impact analysis from the programme's page and reads it: the finding in words,
both charts drawn (vendored Chart.js under the strict CSP), the PDF and the de-identified data."""

import re

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import Agency
from entas.accounts.roles import Role
from tests.browser.test_overview_in_browser import log_in
from tests.impact.data import load

pytestmark = pytest.mark.browser


def test_an_analyst_runs_an_analysis_and_reads_its_charts(page: Page, agency: Agency, make_user: object) -> None:
    data = load(agency, regencies={"33.10": 8})
    analyst = make_user("analis", Role.ANALYST)  # type: ignore[operator]
    log_in(page, analyst.username)
    page.goto(f"/programmes/{data.programme.pk}/")
    page.get_by_test_id("impact").click()
    page.get_by_test_id("run-form").locator("select[name=outcome]").select_option("income")
    page.get_by_test_id("run-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/programmes/{data.programme.pk}/impact/\d+/$"))
    expect(page.get_by_test_id("summary")).to_contain_text("Dibandingkan keluarga serupa")
    expect(page.locator("canvas[data-impact-chart=event]")).to_have_attribute("data-rendered", "true")
    expect(page.locator("canvas[data-impact-chart=support]")).to_have_attribute("data-rendered", "true")
    with page.expect_download() as pdf:
        page.get_by_test_id("pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as csv:
        page.get_by_test_id("data").click()
    assert csv.value.suggested_filename.endswith("-deidentified.csv")
