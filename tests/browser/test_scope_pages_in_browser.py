"""The pages that decide who sees what, as their users meet them: an administrator approves a move
that an officer's import asked for; an officer gives a cooperative-manager account its cooperative,
and the manager then finds it."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.ingest.services import import_file
from entas.registry.models import MoveRequest, Person
from tests.browser.test_overview_in_browser import SCREENSHOTS, log_in
from tests.enterprises.factories import cooperative
from tests.registry.factories import household

pytestmark = pytest.mark.browser
KLATEN_KK, KUPANG_KK, MARIA = "3310010101250001", "5301040101250001", "5301044105850001"


def test_an_administrator_approves_a_move_an_import_asked_for(
        page: Page, tmp_path: Path, klaten_officer: User, national_admin: User) -> None:
    klaten = household(KLATEN_KK, "33.10.01.2001", head="Siti Aminah")
    household(KUPANG_KK, "53.01.04.2003", head="Maria Bria")
    people = tmp_path / "people.csv"
    people.write_text("nik,kk_number,full_name,sex,birth_date,relationship\n"
                      f"{MARIA},{KLATEN_KK},Maria B,P,1985-05-01,spouse\n")
    import_file(klaten_officer, "registry", people)
    log_in(page, "nasional")
    page.goto("/registry/")
    page.get_by_test_id("moves-link").click()
    row = page.locator("table[data-testid=moves] tbody tr").first
    expect(row).to_contain_text("Maria B")
    expect(row).to_contain_text("53.01.04.2003")  # she sees both ends, so the origin too
    row.locator("input[name=note]").fill("KK baru dari Disdukcapil")
    page.screenshot(path=str(SCREENSHOTS / "entas-move-requests.png"), full_page=True)
    row.get_by_role("button", name="Setujui").click()
    expect(page.locator(".message").first).to_contain_text("Perpindahan disetujui")
    assert Person.objects.get(nik=MARIA).household_id == klaten.pk
    assert MoveRequest.objects.get().status == "approved"


def test_an_officer_gives_a_manager_his_cooperative(
        page: Page, klaten_officer: User, make_user: Callable[..., User]) -> None:
    coop = cooperative()
    make_user("pengurus", Role.COOPERATIVE_MANAGER, "33.10.01")
    log_in(page, "klaten")
    page.goto(f"/enterprises/cooperatives/{coop.pk}/")
    page.get_by_role("link", name="Akun pengurus").click()
    page.get_by_label("Akun pengurus koperasi").select_option(label="pengurus")
    page.get_by_role("button", name="Beri akses").click()
    expect(page.get_by_test_id("holders")).to_contain_text("pengurus")
    page.screenshot(path=str(SCREENSHOTS / "entas-cooperative-access.png"), full_page=True)
    page.context.clear_cookies()
    log_in(page, "pengurus")
    page.goto("/enterprises/cooperatives/")
    expect(page.locator("main")).to_contain_text(coop.name)
