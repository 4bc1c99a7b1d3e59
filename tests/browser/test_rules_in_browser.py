"""A national administrator drafts a graduation rule set from the programme's page, previews it and
activates it; a wrong threshold is shown on its cell first."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import Agency, User
from entas.graduation.models import RuleSet, RuleSetStatus
from entas.programmes.models import Programme
from tests.browser.test_overview_in_browser import log_in
from tests.programmes.factories import programme

pytestmark = pytest.mark.browser


def test_an_administrator_drafts_previews_and_activates_a_rule_set(page: Page, agency: Agency,
                                                                   national_admin: User) -> None:
    prog = programme(agency)
    log_in(page, national_admin.username)
    page.goto(f"/programmes/{prog.pk}/")
    page.get_by_test_id("rule-sets").click()
    page.get_by_test_id("draft-rule-set").click()
    form = page.get_by_test_id("rule-set-form")
    form.locator("select[name=c-0-field]").select_option("per_capita_income")
    form.locator("input[name=c-0-threshold]").fill("1")
    form.locator("select[name=c-1-field]").select_option("business_months")
    form.locator("input[name=c-1-threshold]").fill("1,5")
    form.locator("select[name=c-1-condition_field]").select_option("business_months")
    form.locator("input[name=c-1-condition_value]").fill("0")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("criteria-rows")).to_contain_text(re.compile("1.5|1,5"))
    assert not RuleSet.objects.exists()
    page.get_by_test_id("rule-set-form").locator("input[name=c-1-threshold]").fill("6")
    page.get_by_test_id("save-draft").click()
    expect(page).to_have_url(re.compile(rf"/programmes/{prog.pk}/rules/1/\?preview=1$"))
    expect(page.get_by_test_id("preview")).to_be_visible()
    page.get_by_test_id("activate").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Aktif|Active"))
    assert RuleSet.objects.get().status == RuleSetStatus.ACTIVE


def test_an_administrator_creates_a_programme_and_a_reversed_period_is_named(page: Page, agency: Agency,
                                                                            national_admin: User) -> None:
    log_in(page, national_admin.username)
    page.goto("/programmes/")
    page.get_by_test_id("new-programme").click()
    form = page.get_by_test_id("programme-form")
    form.locator("input[name=name]").fill("Graduasi Klaten 2026")
    form.locator("select[name=lead_agency]").select_option(str(agency.pk))
    form.locator("input[name=start]").fill("2026-01-01")
    form.locator("input[name=end]").fill("2025-12-31")
    form.locator("input[name=decile_max]").fill("3")
    form.locator("input[name=extreme_poor_only]").check()
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("programme-form").get_by_role("alert").first).to_contain_text("31 Desember 2025")
    assert not Programme.objects.exists()
    page.get_by_test_id("programme-form").locator("input[name=end]").fill("2028-12-31")
    page.get_by_test_id("programme-form").locator("button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Graduasi Klaten 2026")
    created = Programme.objects.get()
    assert (created.decile_max, created.extreme_poor_only, created.end) == (3, True, datetime.date(2028, 12, 31))
    page.get_by_test_id("rule-sets").click()
    expect(page.get_by_test_id("draft-rule-set")).to_be_visible()
