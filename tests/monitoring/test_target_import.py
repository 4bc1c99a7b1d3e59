"""Target files through the import pipeline: every row checked first, all or nothing, each bad row
and field named; an officer's file only inside her region."""

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from fastexcel import read_excel

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.monitoring import services
from entas.monitoring.models import Target
from tests.conftest import client_for
from tests.monitoring.factories import indicator
from tests.monitoring.target_files import write, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
GOOD = [
    ("kk-ekstrem", "33.10", 2025, None, 120, None, None),
    ("kk-ekstrem", "33.10.01", 2025, 1, "30.5", None, None),
    ("plut", "", 2025, None, 63, 12, "Berita acara serah terima, Januari 2026"),
]


@pytest.fixture(autouse=True)
def calendar() -> None:
    services.open_year(None, 2025)
    indicator()
    indicator("plut", computation="", unit="PLUT")


def run(tmp_path: Path, rows: Sequence[Sequence[object]], actor: User | None = None) -> ImportBatch:
    return import_file(actor, "targets", write(tmp_path, rows))


def test_a_file_of_targets_is_imported(tmp_path: Path, national_admin: User) -> None:
    batch = run(tmp_path, GOOD, national_admin)
    assert batch.status == ImportBatch.Status.DONE, batch.error_message
    assert (batch.inserted, batch.updated) == (3, 0)
    found = {(t.indicator.code, t.region_id, str(t.period)): (t.value, t.achieved) for t in Target.objects.all()}
    assert found == {("kk-ekstrem", "33.10", "2025"): (Decimal(120), None),
                     ("kk-ekstrem", "33.10.01", "2025-Q1"): (Decimal("30.5"), None),
                     ("plut", None, "2025"): (Decimal(63), Decimal(12))}


def test_importing_the_same_file_again_changes_nothing_and_a_new_value_replaces(tmp_path: Path) -> None:
    run(tmp_path, GOOD)
    again = run(tmp_path, GOOD)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = run(tmp_path, [("kk-ekstrem", "33.10", 2025, None, 150, None, None)])
    assert (changed.inserted, changed.updated) == (0, 1)
    assert Target.objects.get(region_id="33.10").value == 150
    assert Target.objects.get(region_id=None).achieved == 12  # an absent achievement keeps the stored one


@pytest.mark.parametrize(("row", "field", "words"), [
    (("kk-tidak-ada", "33.10", 2025, None, 5), "indicator_code", "no indicator has this code"),
    (("kk-ekstrem", "99.99", 2025, None, 5), "region_code", "no region has this code"),
    (("kk-ekstrem", "33.10", 2025, 5, 5), "quarter", "5 is above 4"),
    (("kk-ekstrem", "33.10", 2031, None, 5), "year", "2031 is not in the calendar"),
    (("kk-ekstrem", "33.10", 2025, None, -5), "target", "negative"),
    (("kk-ekstrem", "33.10", 2025, None, "banyak"), "target", "not a number"),
    (("kk-ekstrem", "33.10.01", 2025, None, 5, 3, "bukti"), "achieved", "computed from data"),
    (("plut", "", 2025, None, 63, 12, None), "achieved", "needs evidence"),
])
def test_it_names_the_row_and_field_of_a_bad_row_and_writes_nothing(
        tmp_path: Path, row: tuple[object, ...], field: str, words: str) -> None:
    batch = run(tmp_path, [GOOD[0], row])
    assert batch.status == ImportBatch.Status.FAILED
    assert f"row 3: {field}: " in batch.error_message and words in batch.error_message, batch.error_message
    assert not Target.objects.exists()


def test_the_same_target_twice_in_a_file_is_refused(tmp_path: Path) -> None:
    batch = run(tmp_path, [GOOD[0], GOOD[0]])
    assert batch.status == ImportBatch.Status.FAILED
    assert "rows 2 and 3" in batch.error_message and not Target.objects.exists()


def test_an_officer_imports_only_inside_her_region(tmp_path: Path, klaten_officer: User) -> None:
    batch = run(tmp_path, [GOOD[0], ("kk-ekstrem", "53.01", 2025, None, 9, None, None),
                           ("kk-ekstrem", "", 2025, None, 9, None, None)], klaten_officer)
    assert batch.status == ImportBatch.Status.FAILED
    assert "row 3: region_code: outside your region 33.10" in batch.error_message
    assert "row 4: region_code: empty means the national target" in batch.error_message
    assert not Target.objects.exists()
    assert run(tmp_path, [GOOD[0], GOOD[1]], klaten_officer).status == ImportBatch.Status.DONE


def test_a_region_code_the_spreadsheet_turned_into_a_number_is_refused(tmp_path: Path) -> None:
    batch = run(tmp_path, [("kk-ekstrem", 33.1, 2025, None, 5)])
    assert "row 2: region_code: the spreadsheet stored this region code as a number" in batch.error_message


def test_a_file_without_the_region_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, [("kk-ekstrem", 2025, None, 5)], header=("indicator_code", "year", "quarter", "target"))
    batch = import_file(None, "targets", path)
    assert batch.status == ImportBatch.Status.FAILED and "region_code" in batch.error_message


def upload(client: object, content: bytes, name: str = "targets.xlsx") -> object:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/dashboard/targets/upload/", {"file": SimpleUploadedFile(name, content)})  # type: ignore[attr-defined]


def test_the_upload_page_runs_the_file_and_shows_the_batch(national_admin: User) -> None:
    client = client_for(national_admin)
    response = upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"  # type: ignore[index]
    assert batch.status == ImportBatch.Status.DONE and Target.objects.count() == 3


def test_an_upload_with_a_bad_row_offers_its_rejects(national_admin: User) -> None:
    client = client_for(national_admin)
    upload(client, xlsx([GOOD[0], ("kk-ekstrem", "33.10", 2025, 5, 5)]))
    batch = ImportBatch.objects.get()
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "baris 3: quarter: 5 di atas 4" in page and f"/imports/{batch.pk}/rejects.csv" in page
    assert not Target.objects.exists()


def test_roles_that_only_read_may_not_upload(make_user: Callable[..., User]) -> None:
    analyst = make_user("analis", Role.ANALYST)
    assert upload(client_for(analyst), xlsx(GOOD)).status_code == 403  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists() and not Target.objects.exists()


def test_an_upload_that_is_not_a_spreadsheet_is_refused_on_the_page(national_admin: User) -> None:
    response = upload(client_for(national_admin), b"%PDF-1.4", name="targets.pdf")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "targets.pdf" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_the_template_has_the_columns_and_the_indicators(klaten_officer: User) -> None:
    response = client_for(klaten_officer).get("/dashboard/targets/template.xlsx")
    book = read_excel(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert book.load_sheet(0).to_polars().columns == ["indicator_code", "region_code", "year", "quarter", "target",
                                                      "achieved", "note"]
    codes = book.load_sheet(1).to_polars().to_series(0).to_list()
    assert codes == ["kk-ekstrem", "plut"]
