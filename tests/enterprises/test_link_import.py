"""Memberships and jobs files through the shared pipeline (target kumkm-people): every bad input
named by row and field, all-or-nothing writes nothing, accept-valid loads the rest with a rejects
file, the same file twice changes nothing, and an officer links nobody outside her region."""

import datetime
import io
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.enterprises import services
from entas.enterprises.models import Job, Membership
from entas.ingest import targets
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from tests.enterprises.factories import KUPANG_VILLAGE, TODAY, cooperative, enterprise, person

pytestmark = pytest.mark.django_db
D = datetime.date
SITI, BUDI = "3310014105850001", "3310014105850002"  # made by person("33100101018500x")
MEMBERS = "registration_number,nik,joined,left,simpanan_pokok,simpanan_wajib\n"
JOBS = "nib,nik,start,end,jabatan\n"


@pytest.fixture
def places() -> None:
    person("3310010101850001", name="Siti Aminah")
    person("3310010101850002", name="Budi Santoso")
    cooperative()  # registration number 3310010001
    enterprise()  # NIB 1234567890123


def write(tmp_path: Path, header: str, *rows: str) -> Path:
    path = tmp_path / "links.csv"
    path.write_text(header + "".join(rows))
    return path


def run(path: Path, mode: str = ImportBatch.Mode.ALL_OR_NOTHING, actor: User | None = None) -> ImportBatch:
    return import_file(actor, "kumkm-people", path, mode=mode, extract_date=TODAY)


def refused(tmp_path: Path, header: str, *rows: str) -> str:
    """All-or-nothing: the file fails, nothing is written, the message names the bad row."""
    batch = run(write(tmp_path, header, *rows))
    assert batch.status == ImportBatch.Status.FAILED, batch.details
    assert not Membership.objects.exists() and not Job.objects.exists()
    return batch.error_message


def test_a_memberships_file_links_people_to_the_cooperative(tmp_path: Path, places: None) -> None:
    batch = run(write(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,,50000,\"120.000\"\n",
                      f"3310010001,{BUDI},2024-02-01,2025-03-01,50000,0\n"))
    assert (batch.status, batch.kind, batch.inserted) == (ImportBatch.Status.DONE, "memberships", 2)
    siti = Membership.objects.get(person__nik=SITI)
    assert (siti.joined, siti.left, siti.share_principal, siti.share_mandatory) == (D(2025, 1, 5), None, 50_000,
                                                                                      120_000)
    assert Membership.objects.get(person__nik=BUDI).left == D(2025, 3, 1)
    assert AuditEntry.objects.filter(action="import.done", details__target="kumkm-people").exists()


def test_a_jobs_file_links_people_to_the_enterprise(tmp_path: Path, places: None) -> None:
    batch = run(write(tmp_path, JOBS, f"1234567890123,{SITI},2024-06-01,,penjual\n",
                      f"1234567890123,{BUDI},2023-01-01,2024-01-01,\n"))
    assert (batch.status, batch.kind, batch.inserted) == (ImportBatch.Status.DONE, "jobs", 2)
    job = Job.objects.get(person__nik=SITI)
    assert (job.start, job.end, job.position) == (D(2024, 6, 1), None, "penjual")
    assert Job.objects.get(person__nik=BUDI).position == ""


def test_the_import_command_takes_jobs_files(tmp_path: Path, places: None) -> None:
    assert set(targets.get("kumkm-people").kinds) == {"memberships", "jobs", "auto"}
    path = write(tmp_path, JOBS, f"1234567890123,{SITI},2024-06-01,,\n")
    call_command("import_data", "kumkm-people", str(path), "--kind", "jobs", "--no-progress", stdout=io.StringIO())
    assert list(Job.objects.values_list("person__nik", flat=True)) == [SITI]


def test_it_rejects_a_nik_that_is_not_16_digits(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, MEMBERS, f"3310010001,{SITI[:15]},2025-01-05,,,\n")
    assert "row 2: nik: 15 digits, expected 16" in message


def test_it_rejects_a_date_that_is_not_a_date(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, JOBS, f"1234567890123,{SITI},2024-02-30,,\n")
    assert "row 2: start: 30 Feb 2024 is not a date" in message


def test_it_rejects_leaving_before_joining(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,2025-01-05,,\n")
    assert "row 2: left_on: 2025-01-05 is not after joined 2025-01-05" in message


def test_it_rejects_a_job_ending_before_it_starts(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, JOBS, f"1234567890123,{SITI},2024-06-01,2024-01-01,\n")
    assert "row 2: end_on: 2024-01-01 is not after start 2024-06-01" in message


def test_it_rejects_a_person_who_is_not_in_the_registry_and_has_no_name(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,,,\n",
                      "3310010001,3310014105850009,2025-01-05,,,\n")
    assert ("row 3: nik: no person in the registry has this NIK, and the row gives no name to recognise the person by"
            in message)


def test_it_rejects_an_unknown_cooperative(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, MEMBERS, f"3310019999,{SITI},2025-01-05,,,\n")
    assert "row 2: registration_number: no cooperative is registered with this number" in message


def test_it_rejects_an_unknown_enterprise(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, JOBS, f"1234567890999,{SITI},2024-06-01,,\n")
    assert "row 2: nib: no enterprise is registered with this number" in message


def test_it_rejects_a_nib_with_12_digits(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, JOBS, f"123456789012,{SITI},2024-06-01,,\n")
    assert "row 2: nib: 12 digits, expected 13" in message


def test_it_rejects_a_member_joining_twice_in_one_file(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, MEMBERS, f"3310010001,{SITI},2024-01-01,,,\n",
                      f"3310010001,{SITI},2025-01-05,,,\n")
    assert f"row 2: nik: {SITI} is in this cooperative twice at the same time in this file (also row 3)" in message


def test_periods_one_after_the_other_are_not_twice(tmp_path: Path, places: None) -> None:
    batch = run(write(tmp_path, MEMBERS, f"3310010001,{SITI},2023-01-01,2024-01-01,,\n",
                      f"3310010001,{SITI},2024-01-01,,,\n"))
    assert (batch.status, batch.inserted) == (ImportBatch.Status.DONE, 2)


def test_it_rejects_a_member_who_is_already_a_member(tmp_path: Path, places: None) -> None:
    from entas.enterprises.models import Cooperative
    from entas.registry.models import Person

    services.join_cooperative(None, Cooperative.objects.get(), Person.objects.get(nik=SITI), joined=D(2024, 1, 1))
    batch = run(write(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,,,\n"))
    assert batch.status == ImportBatch.Status.FAILED and Membership.objects.count() == 1
    assert "row 2: nik: already in this cooperative for a period that overlaps this one" in batch.error_message


def test_it_rejects_a_second_job_at_the_same_enterprise_at_the_same_time(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, JOBS, f"1234567890123,{SITI},2024-06-01,,\n",
                      f"1234567890123,{SITI},2023-06-01,2024-07-01,\n")
    assert "is in this enterprise twice at the same time in this file (also row 3)" in message


def test_accept_valid_loads_the_good_rows_and_returns_the_rejects(tmp_path: Path, places: None) -> None:
    batch = run(write(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,,,\n", f"3310010001,{BUDI},2025-13-01,,,\n"),
                mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.status, batch.inserted, batch.rejected) == (ImportBatch.Status.DONE, 1, 1)
    rejects = pl.read_csv(batch.rejects_path, infer_schema=False)
    assert rejects["_row"].to_list() == ["3"] and rejects["joined"][0] == "2025-13-01"
    assert rejects["_reasons"][0].startswith("joined: ")


def test_the_same_file_again_changes_nothing_and_a_leave_date_updates(tmp_path: Path, places: None) -> None:
    path = write(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,,50000,0\n")
    run(path)
    again = run(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    left = run(write(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,2025-06-30,50000,0\n"))
    assert (left.inserted, left.updated) == (0, 1)
    assert Membership.objects.get().left == D(2025, 6, 30)


def test_an_officer_cannot_link_people_to_a_cooperative_outside_her_region(tmp_path: Path, places: None,
                                                                          klaten_officer: User) -> None:
    person("5301040101850001", KUPANG_VILLAGE, name="Maria Bria")
    cooperative("KDMP Kupang", KUPANG_VILLAGE, registration_number="5301040001")
    rows = (f"3310010001,{SITI},2025-01-05,,,\n", "5301040001,5301044105850001,2025-01-05,,,\n")
    batch = run(write(tmp_path, MEMBERS, *rows), mode=ImportBatch.Mode.ACCEPT_VALID, actor=klaten_officer)
    assert (batch.status, batch.inserted, batch.rejected) == (ImportBatch.Status.DONE, 1, 1)
    assert not Membership.objects.filter(cooperative__village__code__startswith="53.").exists()
    assert "registration_number: the cooperative lies outside your region 33.10" in Path(
        batch.rejects_path).read_text()


def test_an_officer_cannot_link_a_person_from_outside_her_region(tmp_path: Path, places: None,
                                                                 klaten_officer: User) -> None:
    person("5301040101850001", KUPANG_VILLAGE, name="Maria Bria")
    batch = run(write(tmp_path, JOBS, "1234567890123,5301044105850001,2024-06-01,,\n"), actor=klaten_officer)
    assert batch.status == ImportBatch.Status.FAILED and not Job.objects.exists()
    assert "row 2: nik: this person is registered outside your region" in batch.error_message


def test_an_unknown_kind_of_file_is_named(tmp_path: Path, places: None) -> None:
    batch = run(write(tmp_path, "nik,foo\n", f"{SITI},x\n"))
    assert batch.status == ImportBatch.Status.FAILED
    assert "cannot tell which kind of file this is (memberships / jobs)" in batch.error_message


def test_a_memberships_file_can_be_uploaded_through_the_browser(places: None, national_admin: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from tests.conftest import client_for

    data = {"file": SimpleUploadedFile("anggota.csv", (MEMBERS + f"3310010001,{SITI},2025-01-05,,,\n").encode()),
            "kind": "auto", "mode": "all-or-nothing", "source": "KUMKM", "extract_date": "2025-07-31"}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the queued task runs inline under test
        response = client_for(national_admin).post("/imports/kumkm-people/", data)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and (batch.target, batch.kind, batch.status) == (
        "kumkm-people", "memberships", ImportBatch.Status.DONE)
    assert list(Membership.objects.values_list("person__nik", flat=True)) == [SITI]


# --- files without the optional end column (issue 12, item 8) ----------------------------------------


def test_a_memberships_file_without_the_left_column_imports_open_memberships(tmp_path: Path, places: None) -> None:
    batch = run(write(tmp_path, "registration_number,nik,joined,simpanan_pokok\n",
                      f"3310010001,{SITI},2025-01-05,50000\n", f"3310010001,{BUDI},2024-02-01,\n"))
    assert (batch.status, batch.inserted) == (ImportBatch.Status.DONE, 2), batch.error_message
    assert set(Membership.objects.values_list("person__nik", "left")) == {(SITI, None), (BUDI, None)}


def test_a_jobs_file_without_the_end_column_imports_open_jobs(tmp_path: Path, places: None) -> None:
    batch = run(write(tmp_path, "nib,nik,start\n", f"1234567890123,{SITI},2024-06-01\n"))
    assert (batch.status, batch.inserted) == (ImportBatch.Status.DONE, 1), batch.error_message
    assert (Job.objects.get().end, Job.objects.get().position) == (None, "")


def test_without_an_end_column_two_periods_of_one_person_overlap(tmp_path: Path, places: None) -> None:
    message = refused(tmp_path, "nib,nik,start\n", f"1234567890123,{SITI},2024-06-01\n",
                      f"1234567890123,{SITI},2023-01-01\n")
    assert "row 2: nik: 3310014105850001 is in this enterprise twice at the same time in this file (also row 3)" \
        in message


def test_without_a_left_column_a_stored_leave_date_is_kept(tmp_path: Path, places: None) -> None:
    from entas.enterprises.models import Cooperative
    from entas.registry.models import Person

    siti, coop = Person.objects.get(nik=SITI), Cooperative.objects.get()
    services.join_cooperative(None, coop, siti, joined=D(2023, 1, 1))
    services.leave_cooperative(None, Membership.objects.get(), left=D(2024, 1, 1))
    services.join_cooperative(None, coop, siti, joined=D(2024, 6, 1))
    # The first, closed membership sent again without the column: neither reopened nor an overlap.
    batch = run(write(tmp_path, "registration_number,nik,joined,simpanan_pokok\n", f"3310010001,{SITI},2023-01-01,0\n"))
    assert batch.status == ImportBatch.Status.DONE, batch.error_message
    assert list(Membership.objects.order_by("joined").values_list("joined", "left")) == [
        (D(2023, 1, 1), D(2024, 1, 1)), (D(2024, 6, 1), None)]
