"""A cooperative manager opens "Koperasi saya" from the menu and adds a member by the NIK on her KTP."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.enterprises import access
from entas.enterprises.models import Membership
from tests.browser.test_overview_in_browser import log_in
from tests.enterprises.factories import cooperative
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, home

pytestmark = pytest.mark.browser


def test_a_cooperative_manager_adds_a_member_by_nik(page: Page, klaten_officer: User,
                                                    make_user: Callable[..., User]) -> None:
    coop = cooperative("Koperasi Merah Putih Sengon", KLATEN_VILLAGE)
    access.grant_access(klaten_officer, coop, make_user("pengurus-koperasi", Role.COOPERATIVE_MANAGER, "33.10.01"))
    newcomer = home(KLATEN_OTHER_VILLAGE, name="Pak Pendatang").members.get()
    log_in(page, "pengurus-koperasi")
    menu = page.get_by_test_id("menu-my-cooperative")
    expect(menu).to_have_text(re.compile("Koperasi saya|My cooperative"))
    menu.click()
    expect(page).to_have_url(re.compile(rf"/my-cooperative/{coop.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Koperasi Merah Putih Sengon")
    form = page.get_by_test_id("join-by-nik")
    form.locator("input[name=nik]").fill(newcomer.nik)
    form.locator("button[type=submit]").click()
    members = page.get_by_test_id("members")
    expect(members).to_contain_text("Pak Pendatang")
    # His role reads the NIK masked, never in full.
    expect(members).to_contain_text(newcomer.nik[:4] + "********" + newcomer.nik[-4:])
    expect(members).not_to_contain_text(newcomer.nik)
    assert Membership.objects.filter(cooperative=coop, person=newcomer, left__isnull=True).exists()
