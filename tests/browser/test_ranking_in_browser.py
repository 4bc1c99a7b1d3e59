"""The priority ranking in an Indonesian browser: the weights show in their number fields (written
"2.0", which the browser reads, not "2,0", which it drops), "Hitung ulang" sends them, and the
national administrator saves the chosen places as a programme's priority list."""

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import Agency, User
from entas.programmes.models import PriorityList
from tests.browser.test_overview_in_browser import log_in
from tests.programmes.factories import programme

pytestmark = pytest.mark.browser


def test_recompute_sends_the_weights_and_the_list_is_saved(page: Page, national_admin: User, agency: Agency) -> None:
    prog = programme(agency)
    log_in(page, "nasional")
    page.goto("/programmes/priority/")
    weight = page.get_by_test_id("weight-extreme_poor")
    expect(weight).to_have_value("2.0")
    expect(page.get_by_test_id("weight-sectors")).to_have_value("0.5")
    weight.fill("3")
    page.get_by_role("button", name="Hitung ulang").click()
    page.wait_for_url("**extreme_poor=3**")
    assert "sectors=0.5" in page.url and "low_decile_share=2.0" in page.url  # nothing sent empty
    expect(page.get_by_test_id("weight-extreme_poor")).to_have_value("3.0")
    expect(page.get_by_test_id("ranking").locator("tbody tr").first).to_be_visible()
    form = page.get_by_test_id("save-list")
    form.locator("select[name=programme]").select_option(str(prog.pk))
    form.locator("input[name=name]").fill("Prioritas NTT 2026")
    form.locator("input[name=quotas]").fill("53=3")
    form.get_by_role("button", name="Simpan daftar").click()
    expect(page.get_by_test_id("saved-lists")).to_contain_text("Prioritas NTT 2026")
    saved = PriorityList.objects.get(name="Prioritas NTT 2026")
    assert saved.weights["extreme_poor"] == 3.0 and saved.quotas == {"53": 3} and saved.locations.count() == 3
