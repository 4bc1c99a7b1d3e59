"""The strict Content-Security-Policy in a real browser (issue 12, item 16): the main pages — login,
the region overview, the dashboard with its Leaflet map and Chart.js charts, the registry, the
API docs (Swagger UI) — run without a single violation, and still work."""

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.monitoring import rollups, services
from tests.browser.test_overview_in_browser import log_in
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("ENTAS_SCREENSHOT_DIR", "/tmp"))
# Runs before any script of the page: every violation the browser reports is kept.
WATCH = """window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});"""


@pytest.fixture
def numbers(national_admin: User) -> None:
    services.open_year(None, 2025)
    kk = indicator()
    for decile in (1, 1, 2, 4):
        home(KLATEN_VILLAGE, decile=decile)
    home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=None, value=5)
    rollups.refresh()


@pytest.fixture
def watched(page: Page) -> list[str]:
    """Console messages about the policy, and the page's own violation reports."""
    seen: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text else None)
    return seen


def violations(page: Page, console: list[str]) -> list[Any]:
    page.wait_for_timeout(300)  # reports are queued as tasks
    return [*console, *page.evaluate("window.__csp || []")]


def test_the_main_pages_run_under_the_policy_without_a_violation(page: Page, numbers: None,
                                                                 watched: list[str]) -> None:
    response = page.goto("/login/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    assert violations(page, watched) == []
    log_in(page, "nasional")
    expect(page.locator("h1")).to_have_text("Indonesia: ringkasan nasional")
    page.goto("/regions/33.10/")
    expect(page.locator("table[data-testid=children] tbody tr")).not_to_have_count(0)
    page.fill("input[type=search]", "Klaten")  # htmx search as one types
    page.wait_for_timeout(800)
    assert violations(page, watched) == [], "overview"

    page.goto("/dashboard/33/?period=2025")  # a province: the map of its regencies
    expect(page.locator("#choropleth path.leaflet-interactive").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "entas-csp-map.png"), full_page=True)
    assert violations(page, watched) == [], "map"
    page.goto("/dashboard/33.10/?period=2025")
    for name in ("trend-chart", "children-chart"):
        expect(page.get_by_test_id(name)).to_have_attribute("data-rendered", "true")
    box = page.locator("figure.chart-box[data-height]").bounding_box()
    assert box is not None and box["height"] > 60  # the height the page asked for, set by charts.js
    page.screenshot(path=str(SCREENSHOTS / "entas-csp-dashboard.png"), full_page=True)
    assert violations(page, watched) == [], "charts"

    page.goto("/registry/")
    expect(page.locator("table").first).to_be_visible()
    assert violations(page, watched) == [], "registry"


def test_the_api_docs_work_under_the_policy(page: Page, national_admin: User, watched: list[str]) -> None:
    log_in(page, "nasional")
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Entas API")
    expect(page.locator(".opblock-tag").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "entas-csp-api-docs.png"))
    assert violations(page, watched) == []
