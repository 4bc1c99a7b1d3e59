"""Maps below the regency in a real browser: Klaten's districts drawn from Central Java's file, a
district among its neighbours, and a village page's district outline."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from entas.accounts.models import User
from entas.monitoring import rollups, services
from tests.browser.test_overview_in_browser import log_in
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_VILLAGE, home

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("ENTAS_SCREENSHOT_DIR", "/tmp"))
SHAPES = "#choropleth path.leaflet-interactive"


@pytest.fixture
def numbers(klaten_officer: User) -> None:
    services.open_year(None, 2025)
    indicator()
    home(KLATEN_VILLAGE)
    rollups.refresh()


def test_a_regency_map_draws_its_districts_from_its_province_file_only(page: Page, numbers: None) -> None:
    loaded: list[str] = []
    page.on("request", lambda request: _note_boundaries(request, loaded))
    log_in(page, "klaten")
    page.goto("/dashboard/33.10/?period=2025")
    expect(page.get_by_test_id("map")).to_have_attribute("data-shapes", "26")
    assert page.locator(SHAPES).count() == 26  # the 26 kecamatan of Kabupaten Klaten
    assert loaded == ["districts/33.geojson"]
    page.get_by_test_id("map").screenshot(path=str(SCREENSHOTS / "entas-map-klaten-districts.png"))

    page.goto("/dashboard/33.10.01/?period=2025")  # a district: itself among the regency's districts
    expect(page.get_by_test_id("map")).to_have_attribute("data-shapes", "26")
    assert page.locator(SHAPES).count() == 26


def test_a_village_page_shows_its_district_outline(page: Page, numbers: None) -> None:
    log_in(page, "klaten")
    page.goto(f"/dashboard/{KLATEN_VILLAGE}/?period=2025")
    outline = page.get_by_test_id("district-outline")
    expect(outline).to_be_visible()
    expect(outline.get_by_test_id("map")).to_have_attribute("data-shapes", "26")
    assert outline.locator("path.leaflet-interactive").count() > 0
    # The district itself is drawn with the thick blue outline, in front of its neighbours.
    assert outline.locator('path.leaflet-interactive[stroke="#045a8d"]').count() == 1
    outline.screenshot(path=str(SCREENSHOTS / "entas-map-village-district.png"))


def _note_boundaries(request: Request, loaded: list[str]) -> None:
    if "/boundaries/" in request.url:
        loaded.append(request.url.split("/boundaries/")[1])
