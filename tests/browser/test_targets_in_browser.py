"""Targets in a real browser: the national administrator sets one from the dashboard's target page,
records the achievement of an output target with its evidence, and the dashboard shows target,
achievement and percentage."""

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.monitoring import services
from tests.browser.test_overview_in_browser import log_in
from tests.monitoring.factories import indicator

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_administrator_sets_a_target_and_records_its_achievement(page: Page, national_admin: User,
                                                                     tmp_path: Path) -> None:
    services.open_year(None, 2026)
    indicator("plut", computation="", unit="PLUT")
    evidence = tmp_path / "berita-acara.pdf"
    evidence.write_bytes(PDF)
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        log_in(page, "nasional")
        page.goto("/dashboard/?period=2026")
        page.get_by_test_id("targets-link").click()
        form = page.get_by_test_id("target-form")
        form.locator("select[name=indicator]").select_option("plut")
        form.locator("select[name=year]").select_option("2026")
        form.locator("input[name=value]").fill("63")
        form.locator("button[type=submit]").click()
        expect(page.locator("table[data-testid=targets] tbody tr")).to_have_count(1)

        page.locator("table[data-testid=targets] tbody tr", has_text="plut").locator("a").first.click()
        achievement = page.get_by_test_id("achievement-form")
        achievement.locator("input[name=achieved]").fill("12")
        achievement.locator("input[name=evidence]").set_input_files(str(evidence))
        achievement.locator("button[type=submit]").click()
        expect(page.get_by_test_id("evidence")).to_be_visible()

        page.goto("/dashboard/?period=2026")
        row = page.locator("table[data-testid=indicators] tbody tr", has_text="plut")
        expect(row.locator("td")).to_have_text(["63", "12", "19,0\u00a0%"])  # a decimal comma, a no-break space
