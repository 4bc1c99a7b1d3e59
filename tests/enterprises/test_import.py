"""KUMKM files through the shared import pipeline: every bad input named by row and field,
all-or-nothing writes nothing, accept-valid loads the rest and returns a rejects file, and a
second import of the same file changes nothing."""

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.enterprises.importer import ENTERPRISE
from entas.enterprises.models import Cooperative, Enterprise, Job
from entas.ingest import upsert
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.ingest.staging import rows
from entas.ingest.staging import run as run_sql
from tests.enterprises.factories import TODAY, cooperative, person
from tests.ingest.samples import indexes, statements_of

pytestmark = pytest.mark.django_db
HEADER = "nib,name,owner_nik,owner_name,village_code,kbli_code,kbli_version,capital,annual_sales,workers,founded\n"
GOOD = ("1234567890123,Keripik Tempe Bu Siti,3310014105850001,Siti Aminah,33.10.01.2001,10792,2020,"
        "50000000,300000000,3,2019-05-01\n")
GOOD2 = ("1234567890124,Warung Makan Pak Budi,3310010505800002,Budi,33.10.01.2002,56102,2020,"
         "20000000,150000000,2,2021-01-10\n")


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "umkm.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(rows))
    return path


def run(path: Path, mode: str = ImportBatch.Mode.ALL_OR_NOTHING, kind: str = "auto") -> ImportBatch:
    return import_file(None, "kumkm", path, kind=kind, mode=mode, extract_date=TODAY)


def rejected(tmp_path: Path, bad: str) -> str:
    """Import GOOD then `bad` all-or-nothing: it must fail, write nothing, and say why."""
    batch = run(write(tmp_path, GOOD, bad))
    assert batch.status == ImportBatch.Status.FAILED
    assert not Enterprise.objects.exists()
    assert "row 3: " in batch.error_message
    return batch.error_message


def test_a_good_file_is_imported_with_owner_section_and_scale(tmp_path: Path) -> None:
    siti = person("3310010101850001")  # NIK 3310014105850001
    batch = run(write(tmp_path, GOOD, GOOD2))
    assert (batch.status, batch.kind, batch.inserted) == (ImportBatch.Status.DONE, "enterprises", 2)
    made = Enterprise.objects.get(nib="1234567890123")
    assert (made.owner, made.kbli_section, made.scale, made.status) == (siti, "C", "micro", "active")
    assert Enterprise.objects.get(nib="1234567890124").owner is None  # NIK kept, not in the registry
    assert batch.details["owners_in_registry"] == {"linked": 1}
    assert AuditEntry.objects.filter(action="import.done", details__target="kumkm").exists()


def test_it_rejects_a_nib_with_12_digits(tmp_path: Path) -> None:
    message = rejected(tmp_path, GOOD2.replace("1234567890124", "123456789012"))
    assert "nib: 12 digits, expected 13" in message


def test_it_rejects_an_unknown_kbli_code(tmp_path: Path) -> None:
    message = rejected(tmp_path, GOOD2.replace(",56102,", ",99999,"))
    assert "kbli_code: '99999' is not a KBLI 2020 code in Entas's list" in message


def test_it_rejects_a_kbli_2025_code_labelled_as_2020(tmp_path: Path) -> None:
    message = rejected(tmp_path, GOOD2.replace(",56102,", ",18113,"))
    assert "kbli_code: '18113' is a KBLI 2025 code, not KBLI 2020" in message


def test_it_rejects_negative_capital(tmp_path: Path) -> None:
    message = rejected(tmp_path, GOOD2.replace(",20000000,", ",-20000000,"))
    assert "capital: -20000000 is below 0: an amount cannot be negative" in message


@pytest.mark.parametrize("sales", ["2 M", "Rp 1.500.000"])
def test_it_rejects_sales_given_as_text(tmp_path: Path, sales: str) -> None:
    message = rejected(tmp_path, GOOD2.replace(",150000000,", f",{sales},"))
    assert f"annual_sales: '{sales}' is text, not an amount" in message


def test_it_accepts_thousands_separators(tmp_path: Path) -> None:
    run(write(tmp_path, GOOD.replace(",300000000,", ',"300.000.000",')))
    assert Enterprise.objects.get().annual_sales == 300_000_000


def test_it_rejects_an_unknown_village(tmp_path: Path) -> None:
    message = rejected(tmp_path, GOOD2.replace("33.10.01.2002", "33.10.01.9999"))
    assert "village_code: '33.10.01.9999' is not a village in the Kemendagri 2025 list" in message


def test_it_rejects_a_duplicate_nib(tmp_path: Path) -> None:
    batch = run(write(tmp_path, GOOD, GOOD2.replace("1234567890124", "1234567890123")))
    assert batch.status == ImportBatch.Status.FAILED and not Enterprise.objects.exists()
    assert "nib: appears 2 times in this file (rows 2 and 3)" in batch.error_message


def test_accept_valid_loads_the_good_rows_and_returns_the_rejects(tmp_path: Path) -> None:
    bad = GOOD2.replace("1234567890124", "123456789012").replace(",56102,", ",18113,")
    batch = run(write(tmp_path, GOOD, bad), mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.status, batch.inserted, batch.rejected) == (ImportBatch.Status.DONE, 1, 1)
    rejects = pl.read_csv(batch.rejects_path, infer_schema=False)
    assert rejects["_row"].to_list() == ["3"]
    reasons = rejects["_reasons"][0]
    assert "nib: 12 digits" in reasons and "kbli_code: '18113' is a KBLI 2025 code" in reasons
    assert rejects["nib"][0] == "123456789012"  # the row as it was in the file


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    informal = ",Jamu Gendong Mbok Sri,3310015505800001,Sri,33.10.01.2001,10799,2020,1000000,,1,\n"
    path = write(tmp_path, GOOD, informal, GOOD2)
    first = run(path)  # into the empty table: formal and informal ones in one insert
    assert (first.inserted, Enterprise.objects.filter(nib__isnull=True).count()) == (3, 1)
    before = list(Enterprise.objects.order_by("id").values())
    again = run(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert [{**row, "batch_id": None} for row in Enterprise.objects.order_by("id").values()] == [
        {**row, "batch_id": None} for row in before]
    changed = run(write(tmp_path, GOOD.replace(",3,", ",4,"), GOOD2, informal.replace(",1,", ",2,")))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 2, 1)


def test_informal_enterprises_are_keyed_by_owner_village_and_name(tmp_path: Path) -> None:
    informal = ",Jamu Gendong Mbok Sri,3310015505800001,Sri,33.10.01.2001,10799,2020,1000000,,1,\n"
    no_owner = ",Tanpa Pemilik,,,33.10.01.2001,10799,2020,1000000,,1,\n"
    batch = run(write(tmp_path, informal, no_owner), mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.inserted, batch.rejected) == (1, 1)
    assert Enterprise.objects.get().nib is None
    assert run(write(tmp_path, informal)).unchanged == 1


def test_an_informal_enterprise_twice_is_a_duplicate_but_a_registered_namesake_is_not(tmp_path: Path) -> None:
    informal = ",Jamu Gendong Mbok Sri,3310015505800001,Sri,33.10.01.2001,10799,2020,1000000,,1,\n"
    registered = "1234567890125" + informal
    batch = run(write(tmp_path, informal, registered, informal), mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.inserted, batch.rejected) == (1, 2)
    rejects = pl.read_csv(batch.rejects_path, infer_schema=False)
    assert rejects["_row"].to_list() == ["2", "4"]
    assert set(rejects["_reasons"]) == {"name: appears 2 times in this file (rows 2 and 4)"}
    assert Enterprise.objects.get().nib == "1234567890125"


def indexes_and_references(table: str) -> list[tuple[Any, ...]]:
    """The indexes of `table` and the foreign keys of other tables to it."""
    return [*indexes(table), *rows(
        "SELECT conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = %s::regclass ORDER BY 1, 2", [table])]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index rebuilds are a PostgreSQL path")
def test_a_large_file_builds_the_indexes_once_for_both_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upsert, "REBUILD_MIN_ROWS", 0)
    informal = ",Jamu Gendong Mbok Sri,3310015505800001,Sri,33.10.01.2001,10799,2020,1000000,,1,\n"
    run(write(tmp_path, informal))
    job = Job.objects.create(enterprise=Enterprise.objects.get(), person=person("3310010000000001"), start=TODAY)
    before = indexes_and_references(ENTERPRISE)
    other = informal.replace("Jamu Gendong", "Jamu Sehat")
    batches: list[ImportBatch] = []
    done = statements_of(lambda: batches.append(run(write(tmp_path, GOOD, informal.replace(",1,", ",2,"), GOOD2,
                                                           other))))
    assert (batches[0].status, batches[0].inserted, batches[0].updated) == (ImportBatch.Status.DONE, 3, 1)
    # One job refers to the enterprises, fewer than the 3 inserted: the primary key is built anew
    # too, and the jobs' foreign key dropped and added again, once.
    assert [sql for sql in done if "DROP CONSTRAINT" in sql and "pkey" in sql]
    added = [sql for sql in done if "ADD CONSTRAINT" in sql and "FOREIGN KEY" in sql]
    assert len([sql for sql in added if "enterprises_job" in sql]) == 1
    assert indexes_and_references(ENTERPRISE) == before
    assert Enterprise.objects.get(name="Jamu Gendong Mbok Sri").workers == 2
    assert Enterprise.objects.get(nib="1234567890124").kbli_section == "I"
    assert Job.objects.get().enterprise_id == job.enterprise_id
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(enterprise_id=10**9, person=job.person, start=TODAY)
        run_sql("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index rebuilds are a PostgreSQL path")
def test_the_primary_key_stays_when_more_rows_refer_to_it_than_are_inserted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upsert, "REBUILD_MIN_ROWS", 0)
    run(write(tmp_path, GOOD))
    for worker in range(1, 4):
        Job.objects.create(enterprise=Enterprise.objects.get(), person=person(f"331001000000{worker:04d}"), start=TODAY)
    before = indexes_and_references(ENTERPRISE)
    done = statements_of(lambda: run(write(tmp_path, GOOD2)))
    assert [sql for sql in done if "DROP INDEX" in sql or "DROP CONSTRAINT" in sql]
    assert not [sql for sql in done if "pkey" in sql or "FOREIGN KEY" in sql]
    assert indexes_and_references(ENTERPRISE) == before


def test_a_declared_scale_that_disagrees_is_a_warning(tmp_path: Path) -> None:
    header = HEADER.replace("founded\n", "founded,skala_usaha\n")
    batch = run(write(tmp_path, GOOD.replace("\n", ",kecil\n"), header=header))
    assert batch.status == ImportBatch.Status.DONE and batch.warnings == 1
    assert "make it micro" in batch.details["warnings"][0]["examples"][0]


COOP_HEADER = "registration_number,name,type,village_code,legal_entity_number\n"


def test_cooperatives_import_with_one_merah_putih_per_village(tmp_path: Path) -> None:
    cooperative(village="33.10.01.2003", registration_number="3310010099")
    rows = (
        "3310010001,KDMP Sukamaju,Koperasi Desa Merah Putih,33.10.01.2001,AHU-0001\n"
        "3310010002,KDMP Sukamaju Dua,merah_putih,33.10.01.2001,AHU-0002\n"
        "3310010003,KSP Makmur,simpan pinjam,33.10.01.2001,AHU-0003\n"
        "3310010004,KDMP Lain,kdmp,33.10.01.2003,AHU-0004\n"
    )
    batch = run(write(tmp_path, rows, header=COOP_HEADER, name="koperasi.csv"), mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.kind, batch.inserted, batch.rejected) == ("cooperatives", 1, 3)
    reasons = pl.read_csv(batch.rejects_path, infer_schema=False)["_reasons"].to_list()
    assert "more than one Koperasi Desa/Kelurahan Merah Putih for this village" in reasons[0]
    assert "already has a Koperasi Desa/Kelurahan Merah Putih" in reasons[2]
    assert Cooperative.objects.get(registration_number="3310010003").type == "savings_loan"


def test_an_unknown_kind_of_file_is_named(tmp_path: Path) -> None:
    batch = run(write(tmp_path, "x,y\n", header="foo,bar\n"))
    assert batch.status == ImportBatch.Status.FAILED
    assert "cannot tell which kind of file this is (enterprises / cooperatives)" in batch.error_message


def test_a_kumkm_file_can_be_uploaded_through_the_browser(national_admin: object) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from tests.conftest import client_for

    client = client_for(national_admin)  # type: ignore[arg-type]
    data = {"file": SimpleUploadedFile("umkm.csv", (HEADER + GOOD).encode()), "kind": "auto",
            "mode": "all-or-nothing", "source": "KUMKM", "extract_date": "2025-07-31"}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the queued task runs inline under test
        response = client.post("/imports/kumkm/", data)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and (batch.target, batch.status) == ("kumkm", ImportBatch.Status.DONE)
    assert Enterprise.objects.get().nib == "1234567890123"


def test_an_officer_cannot_import_enterprises_outside_her_regency(tmp_path: Path, klaten_officer: User) -> None:
    kupang = GOOD2.replace("33.10.01.2002", "53.01.04.2003")
    path = write(tmp_path, GOOD, kupang)
    batch = import_file(klaten_officer, "kumkm", path, kind="auto", mode=ImportBatch.Mode.ACCEPT_VALID,
                        extract_date=TODAY)
    assert (batch.status, batch.inserted, batch.rejected) == (ImportBatch.Status.DONE, 1, 1)
    assert not Enterprise.objects.filter(village__code__startswith="53.").exists()
    assert "village_code: outside your region 33.10" in Path(batch.rejects_path).read_text()
