"""The region pages as a user meets them: log in, read the overview, switch language, drill down,
stay inside one's region, search as one types."""

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("ENTAS_SCREENSHOT_DIR", "/tmp"))
ROWS = "table[data-testid=children] tbody tr"


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form.login-form button[type=submit]").click()


def cells(page: Page, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def number(text: str) -> int:
    # Indonesian groups digits with ".", English with ","; the tests read both.
    return int(re.sub(r"[.,]", "", text))


def test_a_wrong_password_is_answered_clearly(page: Page, national_admin: User) -> None:
    log_in(page, "nasional", "not-the-password")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_test_id("login-error")).to_have_text(
        "Nama pengguna atau kata sandi salah. Keduanya membedakan huruf besar dan kecil."
    )
    expect(page.locator("#id_username")).to_have_value("nasional")  # no retyping the name


def test_the_national_overview_lists_every_province_in_indonesian(page: Page, national_admin: User) -> None:
    log_in(page, "nasional")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h1")).to_have_text("Indonesia: ringkasan nasional")
    expect(page.locator(ROWS)).to_have_count(38)
    expect(page.locator("table caption")).to_have_text("38 wilayah di bawahnya")
    # Region counts first; the registry and enterprise columns follow them.
    assert cells(page, "table thead th")[:8] == [
        "KODE", "NAMA", "KABUPATEN", "KOTA", "KECAMATAN", "DESA", "KELURAHAN", "DESA ADAT"
    ]
    totals = cells(page, "[data-testid=totals] td")[:6]
    assert totals == ["416", "98", "7.285", "75.252", "8.496", "14"]
    assert sum(number(n) for n in totals[3:]) == 83762  # every desa, kelurahan and desa adat
    assert number(totals[0]) + number(totals[1]) == 514  # kabupaten + kota
    expect(page.locator(ROWS).first).to_contain_text("Aceh")
    page.screenshot(path=str(SCREENSHOTS / "entas-overview.png"), full_page=True)


def test_the_overview_fits_a_phone(browser: Any, site: str, national_admin: User) -> None:
    context = browser.new_context(
        base_url=site, locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        phone = context.new_page()
        log_in(phone, "nasional")
        expect(phone.locator(ROWS)).to_have_count(38)
        # The page itself never scrolls sideways; only the table does, inside its own box.
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.screenshot(path=str(SCREENSHOTS / "entas-overview-phone.png"), full_page=False)
    finally:
        context.close()


def test_the_language_buttons_switch_to_english_and_back(page: Page, national_admin: User) -> None:
    log_in(page, "nasional")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Indonesia: national overview")
    expect(page.locator(ROWS)).to_have_count(38)
    expect(page.locator("table caption")).to_have_text("38 regions below")
    expect(page.locator("[data-testid=totals] th")).to_have_text("Total")
    assert cells(page, "[data-testid=totals] td")[:6] == ["416", "98", "7,285", "75,252", "8,496", "14"]
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("button", name="ID", exact=True).click()
    expect(page.locator("h1")).to_have_text("Indonesia: ringkasan nasional")
    expect(page.get_by_role("button", name="Keluar", exact=True)).to_be_visible()  # not "Keluarga"


def test_drilling_down_from_province_to_village(page: Page, national_admin: User) -> None:
    log_in(page, "nasional")
    page.get_by_role("link", name="Jawa Tengah", exact=True).click()
    expect(page).to_have_url(re.compile(r"/regions/33/$"))
    expect(page.locator("h1")).to_have_text("Jawa Tengah")
    expect(page.locator(ROWS)).to_have_count(35)  # 29 kabupaten + 6 kota
    assert cells(page, "table thead th")[2:6] == ["KECAMATAN", "DESA", "KELURAHAN", "DESA ADAT"]

    page.get_by_role("link", name="Kabupaten Klaten", exact=True).click()
    expect(page).to_have_url(re.compile(r"/regions/33\.10/$"))
    expect(page.locator(ROWS)).to_have_count(26)

    page.get_by_role("link", name="Prambanan", exact=True).click()
    expect(page).to_have_url(re.compile(r"/regions/33\.10\.01/$"))
    expect(page.locator(ROWS)).to_have_count(16)
    assert cells(page, ".crumbs li") == ["Indonesia", "Jawa Tengah", "Kabupaten Klaten", "Prambanan"]

    page.locator(f"{ROWS} a").first.click()
    expect(page).to_have_url(re.compile(r"/regions/33\.10\.01\.\d{4}/$"))
    expect(page.locator(".note")).to_have_text("Ini adalah desa/kelurahan: tingkat wilayah paling bawah.")

    page.locator(".crumbs").get_by_role("link", name="Jawa Tengah").click()
    expect(page).to_have_url(re.compile(r"/regions/33/$"))


def test_a_regional_officer_stays_inside_the_region(page: Page, klaten_officer: User) -> None:
    log_in(page, "klaten")
    expect(page).to_have_url(re.compile(r"/regions/33\.10/$"))
    expect(page.locator("h1")).to_have_text("Kabupaten Klaten")
    expect(page.get_by_test_id("who")).to_contain_text("Petugas daerah")
    # Above the officer's scope the path is shown but not offered as links.
    expect(page.locator(".crumbs a")).to_have_count(0)

    response = page.goto("/regions/53.01/")  # Kabupaten Kupang, outside Klaten
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("error-page")).to_contain_text("Halaman tidak ditemukan")
    expect(page.locator("body")).not_to_contain_text("Kupang")
    page.get_by_role("link", name="Kembali ke ringkasan").click()
    expect(page).to_have_url(re.compile(r"/regions/33\.10/$"))


def test_the_region_search_answers_while_typing(page: Page, make_user: Callable[..., User]) -> None:
    make_user("kupang", "regional_officer", "53.01")
    log_in(page, "kupang")
    box = page.get_by_placeholder("Cari provinsi, kabupaten/kota, kecamatan, atau desa/kelurahan")
    box.press_sequentially("Amarasi", delay=40)
    results = page.get_by_test_id("search-results")
    expect(results).to_be_visible()
    expect(results.locator("li").first).to_contain_text("Amarasi")
    expect(results.get_by_role("link", name="Amarasi Barat", exact=True)).to_be_visible()
    # Only regions inside the officer's scope come back, even for a name found all over the country.
    box.fill("")
    box.press_sequentially("Klaten", delay=40)
    expect(results.get_by_test_id("empty-state")).to_contain_text("“Klaten”")  # nothing matched, said with the words
