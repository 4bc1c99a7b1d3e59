"""A regional officer imports a households file in the browser and downloads the rows it refused."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.registry.models import Household
from tests.browser.test_overview_in_browser import log_in
from tests.registry.test_upload import BAD_VILLAGE, GOOD, HEADER, WELFARE

pytestmark = pytest.mark.browser
KUPANG = "5301040101250009,53.01.04.2003,Oesao," + WELFARE  # outside her regency


def test_an_officer_uploads_a_file_and_downloads_its_rejects(page: Page, tmp_path: Path,
                                                            klaten_officer: User) -> None:
    households = tmp_path / "keluarga.csv"
    households.write_text(HEADER + GOOD + BAD_VILLAGE + KUPANG)
    log_in(page, "klaten")
    page.goto("/imports/registry/")
    form = page.get_by_test_id("upload")
    form.locator("input[type=file]").set_input_files(str(households))
    form.locator("select[name=mode]").select_option("accept-valid")  # keep the good rows
    form.get_by_role("button", name="Unggah dan impor").click()
    status = page.get_by_test_id("batch-status")
    expect(status).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        status.get_by_role("link", name="Unduh berkas baris yang ditolak (CSV)").click()
    rejects = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "99.99.99.9999" in rejects and "village_code" in rejects
    assert "53.01.04.2003" in rejects
    assert list(Household.objects.values_list("kk_number", flat=True)) == ["3310010101250001"]
