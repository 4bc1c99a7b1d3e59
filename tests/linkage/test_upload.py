"""Agency files: the two steps of the page (file, then which column is which) and every bad input
the issue names, each refused or said with the rows concerned, nothing half-written."""

from pathlib import Path

import pytest

from entas.core.models import AuditEntry
from entas.linkage import uploads
from entas.linkage.models import AgencyRecord, AgencyUpload
from tests.conftest import english_client

pytestmark = pytest.mark.django_db

HEADER = "id,nama,nik,tgl_lahir,jenis_kelamin,alamat,kode_desa\n"
ROWS = ("A1,Siti Aminah,3310014105850001,01-05-1985,P,Dusun Krajan RT 001,33.10.01.2001\n"
        "A2,Joko Susilo,3310011206800002,12-06-1980,L,Dusun Krajan RT 002,3310012002\n")
MAPPING = {"record_id": "id", "name": "nama", "nik": "nik", "birth_date": "tgl_lahir", "sex": "jenis_kelamin",
           "address": "alamat", "village_code": "kode_desa"}


def keep(officer: object, path: Path, mapping: dict[str, str] | None = None) -> AgencyUpload:
    return uploads.keep_file(officer, path, mapping=MAPPING if mapping is None else mapping,  # type: ignore[arg-type]
                             name="Uji", file_name=path.name)


def write(tmp_path: Path, text: str, name: str = "mitra.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_the_headers_are_recognised() -> None:
    assert uploads.guess_mapping(["ID", "Nama Lengkap", "NIK", "No. KK", "Tanggal Lahir", "JK", "Alamat",
                                  "Kode Wilayah"]) == {
        "record_id": "ID", "name": "Nama Lengkap", "nik": "NIK", "kk_number": "No. KK", "birth_date": "Tanggal Lahir",
        "sex": "JK", "address": "Alamat", "village_code": "Kode Wilayah"}


def test_a_file_is_kept_as_given_with_its_regions(tmp_path: Path, klaten_officer: object) -> None:
    upload = keep(klaten_officer, write(tmp_path, HEADER + ROWS))
    records = list(AgencyRecord.objects.filter(upload=upload).order_by("row"))
    assert [(r.row, r.record_key, r.nik, r.village_code, r.region) for r in records] == [
        (2, "A1", "3310014105850001", "33.10.01.2001", "33.10.01.2001"),
        (3, "A2", "3310011206800002", "3310012002", "33.10.01.2002")]
    assert upload.region == "33.10" and upload.rows == 2 and not upload.warnings
    assert AuditEntry.objects.filter(action="agency_file.uploaded", object_id=str(upload.pk)).exists()


def test_it_refuses_a_source_without_a_name_column(tmp_path: Path, klaten_officer: object, english: None) -> None:
    path = write(tmp_path, "id,nik\nA1,3310014105850001\n")
    with pytest.raises(uploads.UploadRefused, match="no name column"):
        keep(klaten_officer, path, {"record_id": "id", "nik": "nik"})
    assert not AgencyUpload.objects.exists()


def test_it_refuses_a_file_with_zero_rows(tmp_path: Path, klaten_officer: object, english: None) -> None:
    with pytest.raises(uploads.UploadRefused, match="no rows"):
        keep(klaten_officer, write(tmp_path, HEADER))
    assert not AgencyUpload.objects.exists()


def test_every_nik_blank_is_allowed_but_said(tmp_path: Path, klaten_officer: object) -> None:
    text = HEADER + "A1,Siti Aminah,,01-05-1985,P,Krajan,33.10.01.2001\nA2,Joko Susilo,-,,L,Krajan,33.10.01.2002\n"
    upload = keep(klaten_officer, write(tmp_path, text))
    assert upload.rows == 2 and upload.warnings == {"all_nik_blank": True}
    page = english_client(klaten_officer).get(f"/linkage/files/{upload.pk}/")  # type: ignore[arg-type]
    assert "Every NIK is blank" in page.content.decode()


def test_it_refuses_duplicate_record_ids_naming_their_rows(tmp_path: Path, klaten_officer: object,
                                                           english: None) -> None:
    text = HEADER + ROWS + "A1,Sri Wahyuni,,,P,,33.10.01.2001\n"
    with pytest.raises(uploads.UploadRefused) as refusal:
        keep(klaten_officer, write(tmp_path, text))
    assert "A1 in rows 2, 4" in str(refusal.value)
    assert not AgencyUpload.objects.exists() and not AgencyRecord.objects.exists()


def test_it_refuses_rows_without_a_name(tmp_path: Path, klaten_officer: object, english: None) -> None:
    with pytest.raises(uploads.UploadRefused, match="Row 3 has no name"):
        keep(klaten_officer, write(tmp_path, HEADER + "A1,Siti,,,P,,\nA2,,,,L,,\n"))


def test_unknown_region_codes_are_kept_but_flagged(tmp_path: Path, klaten_officer: object) -> None:
    text = HEADER + ROWS + "A3,Sri Wahyuni,,,P,,99.99.99.9999\nA4,Budi,,,L,,53.01.04.2003\n"
    upload = keep(klaten_officer, write(tmp_path, text))
    record = AgencyRecord.objects.get(upload=upload, record_key="A3")
    assert record.village_code == "99.99.99.9999" and record.region is None
    assert upload.warnings["unknown_region"] == 1 and upload.warnings["unknown_region_rows"] == [4]
    assert upload.warnings["outside_scope"] == 1  # Kupang, outside the Klaten officer's region


def test_a_windows_1252_file_is_read(tmp_path: Path, klaten_officer: object) -> None:
    name = "Siti Aminah Ba\u2019alwi"  # the right quote Excel types, byte 0x92 in Windows-1252
    text = HEADER + f"A1,{name},,01-05-1985,P,Jl. Kenari No. 5 \u2013 Krajan,33.10.01.2001\n"
    upload = keep(klaten_officer, write(tmp_path, text, encoding="cp1252"))
    assert AgencyRecord.objects.get(upload=upload).name == name


def test_the_page_takes_a_file_then_its_columns(tmp_path: Path, klaten_officer: object) -> None:
    client = english_client(klaten_officer)  # type: ignore[arg-type]
    with write(tmp_path, "ID,Nama Lengkap,NIK,Tanggal Lahir\nx1,Siti Aminah,3310014105850001,01-05-1985\n"
               ).open("rb") as handle:
        answer = client.post("/linkage/upload/", {"title": "Dinas Sosial 2025", "file": handle})
    assert answer.status_code == 302
    mapping_page = client.get(answer["Location"])
    body = mapping_page.content.decode()
    assert 'value="Nama Lengkap" selected' in body and 'value="NIK" selected' in body
    done = client.post(answer["Location"], {"title": "Dinas Sosial 2025", "record_id": "ID",
                                            "name": "Nama Lengkap", "nik": "NIK", "birth_date": "Tanggal Lahir"})
    upload = AgencyUpload.objects.get()
    assert done["Location"] == f"/linkage/files/{upload.pk}/" and upload.name == "Dinas Sosial 2025"
    assert upload.mapping == {"record_id": "ID", "name": "Nama Lengkap", "nik": "NIK", "birth_date": "Tanggal Lahir"}
    # The stored file is gone, and the address of the second step with it.
    assert client.get(answer["Location"]).status_code == 404


def test_the_page_says_what_is_wrong_and_keeps_nothing(tmp_path: Path, klaten_officer: object) -> None:
    client = english_client(klaten_officer)  # type: ignore[arg-type]
    with write(tmp_path, "id,nama\n1,Siti\n1,Joko\n").open("rb") as handle:
        answer = client.post("/linkage/upload/", {"title": "Ganda", "file": handle})
    page = client.post(answer["Location"], {"title": "Ganda", "record_id": "id", "name": "nama"})
    assert page.status_code == 200 and "1 in rows 2, 3" in page.content.decode()
    assert not AgencyUpload.objects.exists()


def test_another_session_cannot_map_an_upload(tmp_path: Path, klaten_officer: object, national_admin: object) -> None:
    client = english_client(klaten_officer)  # type: ignore[arg-type]
    with write(tmp_path, HEADER + ROWS).open("rb") as handle:
        answer = client.post("/linkage/upload/", {"title": "Uji", "file": handle})
    assert english_client(national_admin).get(answer["Location"]).status_code == 404  # type: ignore[arg-type]
