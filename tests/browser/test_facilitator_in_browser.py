"""A facilitator's day in the browser: she opens her families, records a home visit with its
assessment, sees the checklist of the programme's rules, then marks the family ready and graduates it.
A family whose essential criteria are not met cannot be marked ready: the page says which one."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from entas.accounts.models import Agency
from entas.graduation import services
from entas.graduation.models import Enrolment, Status
from entas.programmes.models import Programme
from tests.browser.test_overview_in_browser import log_in
from tests.graduation.factories import enrol
from tests.programmes.factories import facilitator, programme

pytestmark = pytest.mark.browser


def programme_with_rules(agency: Agency) -> Programme:
    """A programme whose families graduate above Jawa Tengah's line and without food shortage."""
    prog = programme(agency)
    services.set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 3, 1), amount=550_000,
                              source="BPS Maret 2025, Jawa Tengah")
    services.create_rule_set(None, prog, [{"code": "income_above_line", "essential": True},
                                          {"code": "no_food_shortage", "essential": True}])
    return prog


def record_visit(page: Page, income: str, food_shortage: str) -> None:
    form = page.get_by_test_id("form-visit")
    form.locator("input[name=visit-on]").fill(timezone.localdate().isoformat())
    form.locator("textarea[name=visit-notes]").fill("Warung sembako buka setiap hari")
    form.locator("input[name=visit-per_capita_income]").fill(income)
    form.locator("select[name=visit-food_shortage]").select_option(food_shortage)
    form.locator("input[name=visit-income_sources]").fill("2")
    form.locator("button[type=submit]").click()


def move(page: Page, action: str) -> None:
    form = page.get_by_test_id("form-transition")
    form.locator("select[name=transition-action]").select_option(action)
    form.locator("input[name=transition-on]").fill(timezone.localdate().isoformat())
    form.locator("button[type=submit]").click()


def test_a_facilitator_records_a_visit_and_graduates_a_family_meeting_the_criteria(page: Page,
                                                                                    agency: Agency) -> None:
    prog = programme_with_rules(agency)
    mine = facilitator(agency, "pendamping_rina")
    ready, struggling = enrol(prog, fac=mine), enrol(prog, fac=mine)
    log_in(page, "pendamping_rina")
    page.goto("/programmes/my-families/")
    expect(page.get_by_test_id(f"family-{ready.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"family-{struggling.pk}")).to_be_visible()

    page.get_by_test_id(f"family-{struggling.pk}").locator("a").first.click()
    record_visit(page, "300000", "true")
    expect(page.get_by_test_id("verdict")).to_contain_text(re.compile("Belum semua|Not every"))
    move(page, "mark_ready")
    refusal = page.get_by_test_id("form-transition").get_by_role("alert")
    expect(refusal).to_contain_text(re.compile("pendapatan|income", re.IGNORECASE))
    assert Enrolment.objects.get(pk=struggling.pk).status == Status.ACTIVE

    page.goto("/programmes/my-families/")
    page.get_by_test_id(f"family-{ready.pk}").locator("a").first.click()
    record_visit(page, "700000", "false")
    expect(page.get_by_test_id("verdict")).to_have_text(re.compile("^(Semua|Every)"))
    expect(page.locator('[data-criterion="income_above_line"]')).to_have_attribute("data-met", "yes")
    move(page, "mark_ready")
    expect(page.get_by_test_id("status")).to_have_text(re.compile("Siap|Ready"))
    move(page, "graduate")
    expect(page.get_by_test_id("status")).to_have_text(re.compile("Tergraduasi|Graduated"))
    graduated = Enrolment.objects.get(pk=ready.pk)
    assert graduated.status == Status.GRADUATED and graduated.graduated_on == timezone.localdate()
    expect(page.get_by_test_id("history").locator('tr[data-action="graduate"]')).to_have_count(1)
