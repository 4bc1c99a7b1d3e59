"""A walk through the main pages of every role in Bahasa Indonesia: no English sentence reaches the
visible text, and axe-core (vendored in tests/browser/vendor, never served) finds no serious or
critical accessibility violation. The language check is a list of common English words that are not
Indonesian words; codes (indicator codes with underscores, region codes) and the reviewed exceptions
below do not count."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.enterprises import access
from entas.graduation.interventions import record_visit
from entas.impact.services import request_analysis, run_analysis
from entas.monitoring import services as monitoring
from tests.browser.test_facilitator_in_browser import programme_with_rules
from tests.browser.test_overview_in_browser import log_in
from tests.enterprises.factories import cooperative
from tests.graduation.factories import enrol
from tests.impact.data import load as load_impact
from tests.monitoring.factories import indicator
from tests.partnerships.factories import agreement, partner
from tests.programmes.factories import KLATEN_VILLAGE, facilitator

pytestmark = pytest.mark.browser

ENGLISH = ["the", "is", "not", "cannot", "must", "should", "with", "of", "and", "or", "to", "for", "this",
           "that", "from", "are", "be", "has", "have", "was", "will", "your", "you", "please", "select",
           "required", "field", "invalid", "enter", "none", "yes", "no", "page", "next", "previous", "all",
           "any", "show", "save", "delete", "edit", "new", "add", "search", "name", "date", "region"]
# Reviewed: words that stand on Indonesian pages on purpose.
ALLOWED = [r"No\. KK", r"\bEntas\b"]
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WORD = re.compile(r"(?<![\w./-])(" + "|".join(ENGLISH) + r")(?![\w./-])", re.IGNORECASE)


def english_lines(text: str) -> list[str]:
    for allowed in ALLOWED:
        text = re.sub(allowed, " ", text)
    return [line.strip()[:160] for line in text.splitlines() if WORD.search(line)]


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page shown (evaluated through the browser's
    debugging protocol, which the site's Content-Security-Policy does not restrict)."""
    page.evaluate(AXE)
    found: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
            for v in found["violations"] if v["impact"] in ("serious", "critical")]


def test_the_word_list_finds_english_and_passes_indonesian() -> None:
    assert english_lines("Cannot graduate: the criteria are not met") != []
    assert english_lines("Belum semua kriteria wajib terpenuhi.\nNo. KK 3310010101250002\nStatus: Aktif") == []
    assert english_lines("cooperative_members_desil_1_2 · 33.10.01") == []


def test_every_role_reads_its_main_pages_in_indonesian_and_accessible(page: Page, agency: Agency, national_admin: User,
                                                        klaten_officer: User,
                                                        make_user: Callable[..., User]) -> None:
    prog = programme_with_rules(agency)
    mine = facilitator(agency, "pendamping_rina")
    family = enrol(prog, fac=mine)
    record_visit(None, family, on=datetime.date(2025, 8, 1), assessment={"per_capita_income": 400_000,
                                                                         "food_shortage": True})
    coop = cooperative("Koperasi Merah Putih Sengon", KLATEN_VILLAGE)
    access.grant_access(klaten_officer, coop, make_user("pengurus", Role.COOPERATIVE_MANAGER, "33.10.01"))
    monitoring.open_year(None, 2025)
    monitoring.set_target(None, indicator=indicator("plut", computation="", unit="PLUT"), region_code="33.10",
                          year=2025, quarter=None, value=5)
    agreement([partner()])
    impact_data = load_impact(agency, regencies={"33.10": 6}, name="Program dampak")
    analysis = run_analysis(request_analysis(klaten_officer, impact_data.programme, "income", queue=False).pk)
    impact = f"/programmes/{impact_data.programme.pk}/impact/"
    walks = {
        national_admin.username: ["/", "/registry/", "/enterprises/", "/programmes/", f"/programmes/{prog.pk}/",
                                  f"/programmes/{prog.pk}/rules/", "/programmes/poverty-lines/",
                                  "/programmes/facilitators/", "/programmes/overrides/", "/dashboard/targets/",
                                  "/partnerships/partners/", "/account/tokens/"],
        klaten_officer.username: ["/regions/33.10/", "/dashboard/33.10/", "/dashboard/33.10.01/",
                                  "/dashboard/33.10.01.2001/", f"/programmes/enrolments/{family.pk}/",
                                  "/registry/moves/", impact, f"{impact}{analysis.pk}/",
                                  f"/programmes/{impact_data.programme.pk}/permanence/",
                                  f"/programmes/{impact_data.programme.pk}/at-risk/"],
        "pendamping_rina": ["/programmes/my-families/", f"/programmes/enrolments/{family.pk}/"],
        "pengurus": [f"/my-cooperative/{coop.pk}/"],
    }
    found: dict[str, list[str]] = {}
    page.goto("/login/")
    if problems := serious_violations(page):
        found["login"] = problems
    for username, paths in walks.items():
        page.context.clear_cookies()
        log_in(page, username)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (username, path)
            problems = english_lines(page.inner_text("body")) + serious_violations(page)
            if problems:
                found[f"{username} {path}"] = problems
    assert not found, found
