"""The dashboard in a real browser: the charts draw on their canvas, and the drill-down ends on the
village profile."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.monitoring import rollups, services
from tests.browser.test_overview_in_browser import log_in
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("ENTAS_SCREENSHOT_DIR", "/tmp"))
# How many pixels of a canvas carry paint: a chart that failed to draw leaves it all transparent.
PAINTED = """(canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
  return painted;
}"""


@pytest.fixture
def numbers(klaten_officer: User) -> None:
    services.open_year(None, 2024), services.open_year(None, 2025)
    kk = indicator()
    for decile in (1, 1, 2, 4):
        home(KLATEN_VILLAGE, decile=decile)
    home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=None, value=5)
    rollups.refresh()


def test_the_charts_draw_and_the_drill_down_ends_on_the_village_profile(page: Page, numbers: None) -> None:
    log_in(page, "klaten")
    page.goto("/dashboard/33.10/?period=2025")
    for name in ("trend-chart", "children-chart"):
        canvas = page.get_by_test_id(name)
        expect(canvas).to_have_attribute("data-rendered", "true")
        assert canvas.evaluate(PAINTED) > 1000
    expect(page.locator("table[data-testid=children] tbody tr")).not_to_have_count(0)  # the table stays
    page.screenshot(path=str(SCREENSHOTS / "entas-dashboard-klaten.png"), full_page=True)

    page.get_by_role("link", name="Prambanan").click()  # district 33.10.01
    expect(page).to_have_url(re.compile(r"/dashboard/33\.10\.01/"))
    page.locator("table[data-testid=children] a", has_text="Sengon").click()  # village 33.10.01.2001
    expect(page).to_have_url(re.compile(r"/dashboard/33\.10\.01\.2001/"))
    expect(page.get_by_test_id("village-profile")).to_be_visible()
    expect(page.get_by_test_id("decile-chart")).to_have_attribute("data-rendered", "true")
    assert page.get_by_test_id("decile-chart").evaluate(PAINTED) > 1000
    deciles = page.locator("table[data-testid=deciles] tbody tr td")
    assert [cell.strip() for cell in deciles.all_inner_texts()][:4] == ["2", "1", "0", "1"]
    page.screenshot(path=str(SCREENSHOTS / "entas-village-profile.png"), full_page=True)


def test_a_klaten_officer_cannot_open_a_kupang_village_profile(page: Page, numbers: None) -> None:
    log_in(page, "klaten")
    response = page.goto(f"/dashboard/{KUPANG_VILLAGE}/?period=2025")
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("village-profile")).to_have_count(0)
