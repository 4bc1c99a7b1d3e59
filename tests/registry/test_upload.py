"""The upload page: a file goes to the background worker; the page shows progress and the outcome."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.ingest.models import ImportBatch
from entas.registry.models import Household
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HEADER = ("kk_number,village_code,address,decile,decile_source,decile_date,per_capita_income,floor_material,"
          "wall_material,roof_material,drinking_water,sanitation,electricity_watt,cooking_fuel,assets,extreme_poor\n")
WELFARE = "1,DTSEN,2025-07-31,350000,earth,bamboo,zinc,river,none,450,wood,,1\n"
GOOD = "3310010101250001,33.10.01.2001,Dusun Krajan RT 01," + WELFARE
BAD_VILLAGE = "3310010101250002,99.99.99.9999,Dusun X," + WELFARE


def upload(client: object, content: str, name: str = "households.csv", mode: str = "accept-valid") -> object:
    data = {"file": SimpleUploadedFile(name, content.encode()), "kind": "auto", "mode": mode,
            "source": "DTSEN", "extract_date": "2025-07-31"}
    # The upload enqueues its task on commit, which a test transaction never reaches: run the
    # captured callbacks right after the request (tasks run inline under test).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/imports/registry/", data)  # type: ignore[attr-defined]


def test_an_upload_runs_in_the_background_and_reports_its_outcome(national_admin: User) -> None:
    client = client_for(national_admin)
    response = upload(client, HEADER + GOOD + BAD_VILLAGE)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == f"/imports/{batch.pk}/"  # type: ignore[index]
    assert (batch.status, batch.inserted, batch.rejected) == (ImportBatch.Status.DONE, 1, 1)
    assert Household.objects.filter(kk_number="3310010101250001").exists()
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert f"/imports/{batch.pk}/rejects.csv" in page
    rejects = b"".join(client.get(f"/imports/{batch.pk}/rejects.csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert "99.99.99.9999" in rejects and "village_code" in rejects
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"import.queued", "import.done", "import.rejects_downloaded"} <= actions


def test_an_all_or_nothing_upload_with_a_bad_row_writes_nothing(national_admin: User) -> None:
    upload(client_for(national_admin), HEADER + GOOD + BAD_VILLAGE, mode="all-or-nothing")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    # In the uploader's language: the page's, Bahasa Indonesia.
    assert "baris 3: village_code: '99.99.99.9999' bukan desa/kelurahan" in batch.error_message
    assert not Household.objects.exists()


def test_it_refuses_a_file_that_is_not_csv_or_xlsx(national_admin: User) -> None:
    response = upload(client_for(national_admin), "%PDF-1.4", name="households.pdf")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "households.pdf" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportBatch.objects.exists()


def test_roles_that_do_not_import_are_refused(make_user: Callable[..., User]) -> None:
    analyst = make_user("analis", Role.ANALYST)
    assert client_for(analyst).get("/imports/registry/").status_code == 403
    assert upload(client_for(analyst), HEADER + GOOD).status_code == 403  # type: ignore[attr-defined]
    assert not Household.objects.exists()


def test_a_batch_of_another_user_is_not_found(national_admin: User, klaten_officer: User,
                                              kupang_officer: User) -> None:
    upload(client_for(klaten_officer), HEADER + GOOD)
    batch = ImportBatch.objects.get()
    assert client_for(kupang_officer).get(f"/imports/{batch.pk}/").status_code == 404
    assert client_for(kupang_officer).get(f"/imports/{batch.pk}/rejects.csv").status_code == 404
    assert client_for(national_admin).get(f"/imports/{batch.pk}/").status_code == 200


def test_a_regional_officer_cannot_import_households_outside_her_regency(klaten_officer: User) -> None:
    kupang = "5301040101250009,53.01.04.2003,Otan," + WELFARE
    upload(client_for(klaten_officer), HEADER + GOOD + kupang)
    batch = ImportBatch.objects.get()
    assert (batch.inserted, batch.rejected) == (1, 1)
    assert not Household.objects.filter(village__code__startswith="53.").exists()
    assert "di luar wilayah Anda 33.10" in Path(batch.rejects_path).read_text()
