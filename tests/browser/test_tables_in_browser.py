"""Tables as a reader meets them: a wide table scrolls sideways inside its card with every column
reachable, a header click sorts, an empty search says what was searched, and the icon answers."""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from tests.browser.test_overview_in_browser import cells, log_in, number

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("ENTAS_SCREENSHOT_DIR", "/tmp"))
TABLE = "table[data-testid=children]"
HEADERS = f"{TABLE} thead th"


def test_the_national_overview_scrolls_sideways_and_every_column_is_reachable(
        page: Page, national_admin: User) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "nasional")
    expect(page.locator(f"{TABLE} tbody tr")).to_have_count(38)
    wrap = page.locator(".table-wrap").first
    overflow = wrap.evaluate("w => [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]")
    assert overflow[0] > overflow[1], "the overview is narrow enough at 1280 px: nothing to scroll"
    assert overflow[2] == "auto"
    box = wrap.bounding_box()
    assert box is not None
    headers = page.locator(HEADERS)
    for i in range(headers.count()):
        header = headers.nth(i)
        header.scroll_into_view_if_needed()
        seen = header.bounding_box()
        assert seen is not None
        # Inside the card's visible box once scrolled to, not cut off by it.
        assert seen["x"] >= box["x"] - 1 and seen["x"] + seen["width"] <= box["x"] + box["width"] + 1, i
    assert wrap.evaluate("w => w.scrollLeft") > 0
    page.screenshot(path=str(SCREENSHOTS / "entas-overview-1280-scrolled.png"), full_page=False)


def test_the_header_row_stays_in_view_while_a_long_table_scrolls(page: Page, national_admin: User) -> None:
    log_in(page, "nasional")
    page.goto("/regions/33/")  # 35 regencies and cities: longer than the table's box
    wrap = page.locator(".table-wrap").first
    expect(page.locator(f"{TABLE} tbody tr")).to_have_count(35)
    wrap.evaluate("w => { w.scrollTop = w.scrollHeight; }")
    header, box = page.locator(HEADERS).first.bounding_box(), wrap.bounding_box()
    assert header is not None and box is not None
    assert wrap.evaluate("w => w.scrollTop") > 0
    assert abs(header["y"] - box["y"]) <= 2  # stuck to the top of the table's box


def test_clicking_a_header_sorts_the_table(page: Page, national_admin: User) -> None:
    log_in(page, "nasional")
    name = page.locator(HEADERS).nth(1)
    # The arrow drawn after the label is not part of the button's name.
    expect(page.get_by_role("button", name="Nama", exact=True)).to_have_count(1)
    name.locator("button.sort").click()
    expect(name).to_have_attribute("aria-sort", "ascending")
    names = cells(page, f"{TABLE} tbody th")
    assert names == sorted(names, key=str.casefold)
    name.locator("button.sort").click()
    expect(name).to_have_attribute("aria-sort", "descending")
    assert cells(page, f"{TABLE} tbody th") == sorted(names, key=str.casefold, reverse=True)
    # A number column sorts by value, "7.285" as seven thousand, not as text.
    villages = page.locator(HEADERS).nth(5)
    villages.locator("button.sort").click()
    expect(villages).to_have_attribute("aria-sort", "ascending")
    expect(name).to_have_attribute("aria-sort", "none")
    counts = [number(n) for n in cells(page, f"{TABLE} tbody tr td:nth-child(6)")]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    # The totals row stays at the bottom.
    expect(page.locator(f"{TABLE} tfoot [data-testid=totals]")).to_have_count(1)


def test_a_search_with_no_result_says_so_with_the_scope_hint(page: Page, klaten_officer: User) -> None:
    log_in(page, "klaten")
    page.goto("/regions/search/?q=Manokwari")
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("“Manokwari”")
    with translation.override("id"):
        hint = gettext("Only data inside your region is listed here; data of other regions is never shown.")
    expect(page.get_by_test_id("scope-hint")).to_have_text(hint)
    page.goto("/enterprises/cooperatives/?q=Sumber+Rejeki")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Sumber Rejeki")
    expect(page.get_by_test_id("scope-hint")).to_have_text(hint)
    page.screenshot(path=str(SCREENSHOTS / "entas-empty-search.png"), full_page=False)


def test_the_favicon_answers(page: Page, national_admin: User) -> None:
    assert page.request.get("/favicon.ico").status == 200
    log_in(page, "nasional")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon and re.search(r"favicon.*\.svg$", icon)
    response = page.request.get(icon)
    assert response.status == 200 and "svg" in response.headers["content-type"]
