"""Every kind of bad input named in the issue: a clear message naming row and field, and nothing
half-written (all-or-nothing: no row at all; accept-valid: exactly the valid rows, the others in
the rejects file with their reasons)."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from django.db import connection
from django.utils import translation

from entas.ingest import staging
from entas.ingest.csvfile import NOT_UTF8
from entas.ingest.models import ImportBatch
from entas.registry.models import Household, Person
from tests.ingest.samples import (
    CHILD,
    HEAD,
    HOUSEHOLD_HEADER,
    KK1,
    KK2,
    PEOPLE_HEADER,
    WIFE,
    household,
    load_households,
    nik,
    person,
    rejects,
    run,
    write,
)

pytestmark = pytest.mark.django_db
FAILED, DONE = ImportBatch.Status.FAILED, ImportBatch.Status.DONE
ACCEPT = ImportBatch.Mode.ACCEPT_VALID


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en"):
        yield


@pytest.fixture
def homes(tmp_path: Path) -> None:
    load_households(tmp_path, KK1, KK2)


def people_file(folder: Path, *rows: str) -> Path:
    return write(folder, "people.csv", [PEOPLE_HEADER, *rows])


def assert_nothing_imported(batch: ImportBatch, *fragments: str) -> None:
    assert batch.status == FAILED
    for fragment in fragments:
        assert fragment in batch.error_message
    assert not Person.objects.exists()


# --- the file as a whole ---------------------------------------------------------------------------


def test_it_rejects_an_empty_file(tmp_path: Path) -> None:
    batch = run(write(tmp_path, "people.csv", [], end=""))
    assert_nothing_imported(batch, "the file is empty (row 1 should be the header)")


def test_it_rejects_a_file_with_only_a_header(tmp_path: Path) -> None:
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER]))
    assert_nothing_imported(batch, "row 1 is a header but no data rows follow")


def test_it_reads_a_semicolon_separated_file(tmp_path: Path, homes: None) -> None:
    lines = [PEOPLE_HEADER.replace(",", ";"), person(HEAD).replace(",", ";")]
    assert run(write(tmp_path, "people.csv", lines)).status == DONE
    assert Person.objects.get().nik == HEAD


def test_it_names_the_header_when_the_delimiter_is_none_it_knows(tmp_path: Path, homes: None) -> None:
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER.replace(",", ":"), person(HEAD).replace(",", ":")]),
                kind="people")
    assert_nothing_imported(batch, "row 1 (header): missing required column nik",
                            "columns must be separated by a comma, semicolon, tab or |")


def test_it_rejects_data_rows_written_with_another_delimiter(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), person(WIFE, sex="P", born="1984-02-03").replace(",", ";")))
    assert_nothing_imported(batch, "row 3: line: 1 of 11 fields")


def test_it_reads_a_latin_1_file_with_a_warning(tmp_path: Path, homes: None) -> None:
    path = write(tmp_path, "people.csv", [PEOPLE_HEADER, person(HEAD, name="Séverine Muñoz")], encoding="latin-1")
    batch = run(path)
    assert batch.status == DONE
    assert Person.objects.get().full_name == "Séverine Muñoz"
    assert NOT_UTF8 in batch.details["notes"]
    assert batch.warnings >= 1


def test_it_reads_a_file_with_a_byte_order_mark(tmp_path: Path, homes: None) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(b"\xef\xbb\xbf" + people_file(tmp_path, person(HEAD)).read_bytes())
    assert run(path).status == DONE
    assert Person.objects.get().nik == HEAD


def test_it_rejects_a_file_missing_a_required_column(tmp_path: Path, homes: None) -> None:
    lines = [PEOPLE_HEADER.replace(",full_name", ""), person(HEAD).replace(",Budi Santoso", "")]
    batch = run(write(tmp_path, "people.csv", lines), kind="people")
    assert_nothing_imported(batch, "row 1 (header): missing required column full_name", "NAMA")


def test_it_ignores_extra_columns_and_says_so(tmp_path: Path, homes: None) -> None:
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER + ",catatan", person(HEAD) + ",pindahan"]))
    assert batch.status == DONE
    assert "row 1 (header): columns not used: catatan" in batch.details["notes"]


def test_it_rejects_a_truncated_last_line(tmp_path: Path, homes: None) -> None:
    path = write(tmp_path, "people.csv", [PEOPLE_HEADER, person(HEAD), f"{WIFE},{KK1},Siti Aminah"], end="")
    batch = run(path, mode=ACCEPT)
    assert (batch.status, batch.inserted, batch.rejected) == (DONE, 1, 1)
    assert 'Siti Aminah,,,,,,,,,3,"line: 3 of 11 fields (truncated, or another delimiter?)"' in rejects(batch)


def test_it_rejects_a_quote_left_open_by_a_truncated_file(tmp_path: Path, homes: None) -> None:
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER, person(HEAD), f'{WIFE},{KK1},"Siti Ami'], end=""))
    assert_nothing_imported(batch, "row 3: line: a quoted field is not closed")


# --- one field of one row ----------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "reason"), [
    (HEAD[:15], "15 digits, expected 16"),
    (HEAD + "7", "17 digits, expected 16"),
])
def test_it_rejects_a_nik_with_15_or_17_digits(tmp_path: Path, homes: None, number: str, reason: str) -> None:
    batch = run(people_file(tmp_path, person(number)))
    assert_nothing_imported(batch, f"row 2: nik: {reason}")


def test_it_rejects_a_nik_with_15_digits_and_loads_the_valid_rows_when_asked(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD[:15]), person(WIFE, sex="P", born="1984-02-03")), mode=ACCEPT)
    assert (batch.status, batch.inserted, batch.rejected) == (DONE, 1, 1)
    assert list(Person.objects.values_list("nik", flat=True)) == [WIFE]
    assert f'{HEAD[:15]},{KK1},Budi Santoso,L,1980-05-17,Klaten,head,sd,farmer,none,married,2,' \
           '"nik: 15 digits, expected 16"' in rejects(batch)


def test_it_rejects_a_nik_with_letters(tmp_path: Path, homes: None) -> None:
    lettered = HEAD[:10] + "O" + HEAD[11:]
    batch = run(people_file(tmp_path, person(lettered)))
    assert_nothing_imported(batch, f"row 2: nik: '{lettered}' has characters other than digits")


def test_it_rejects_a_nik_whose_sex_disagrees(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(WIFE, sex="L", born="1984-02-03")))
    assert_nothing_imported(batch, "row 2: nik: day 43 means female but sex is L")


def test_it_rejects_a_nik_with_serial_0000(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD[:12] + "0000")))
    assert_nothing_imported(batch, "row 2: nik: serial 0000 is never issued")


def test_it_warns_but_imports_a_nik_from_a_district_no_longer_listed(tmp_path: Path, homes: None) -> None:
    old = nik(date(1980, 5, 17), district="339901")
    batch = run(people_file(tmp_path, person(old)))
    assert batch.status == DONE and Person.objects.get().nik == old
    [warning] = [w for w in batch.details["warnings"] if "district" in w["examples"][0]]
    assert warning["examples"] == ["row 2: nik: district 33.99.01 of the NIK is not in the Kemendagri 2025 list"]


def test_it_rejects_an_impossible_date(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD, born="1980-02-31")))
    assert_nothing_imported(batch, "row 2: birth_date: 31 Feb 1980 is not a date")


def test_it_rejects_a_future_birth_date(tmp_path: Path, homes: None) -> None:
    future = date.today() + timedelta(days=400)
    batch = run(people_file(tmp_path, person(nik(future), born=future.isoformat())))
    assert_nothing_imported(batch, f"row 2: birth_date: {future.isoformat()} is in the future")


def test_it_rejects_an_unknown_village_code(tmp_path: Path) -> None:
    batch = run(write(tmp_path, "households.csv", [HOUSEHOLD_HEADER, household(KK1), household(KK2, "99.99.99.9999")]))
    assert batch.status == FAILED
    assert "row 3: village_code: '99.99.99.9999' is not a village in the Kemendagri 2025 list" in batch.error_message
    assert not Household.objects.exists()


def test_it_reads_an_xlsx_with_dates_as_numbers(tmp_path: Path, homes: None) -> None:
    path = tmp_path / "people.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, PEOPLE_HEADER.split(","))
    for row, (number, born) in enumerate([(HEAD, 29358), (CHILD, date(2010, 11, 30))], start=1):
        sheet.write_row(row, 0, person(number).split(","))
        sheet.write_string(row, 2, "Budi")
        if isinstance(born, date):
            sheet.write_datetime(row, 4, born, book.add_format({"num_format": "dd/mm/yyyy"}))
        else:
            sheet.write_number(row, 4, born)  # an Excel serial number with no date format: 1980-05-17
    book.close()
    batch = run(path)
    assert batch.status == DONE, batch.error_message
    assert dict(Person.objects.values_list("nik", "birth_date")) == {HEAD: date(1980, 5, 17), CHILD: date(2010, 11, 30)}


def test_it_warns_when_an_xlsx_holds_nik_as_numbers(tmp_path: Path, homes: None) -> None:
    path = tmp_path / "people.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, PEOPLE_HEADER.split(","))
    for row, number in enumerate([HEAD, CHILD], start=1):
        sheet.write_row(row, 0, person(number, born="1980-05-17").split(","))
        sheet.write_number(row, 0, int(number))  # what Excel does to a NIK typed into a General cell
    book.close()
    batch = run(path, mode=ACCEPT)
    assert any(note.startswith("column nik: holds numbers of 16 or more digits") for note in batch.details["notes"])


def test_it_does_not_warn_when_an_xlsx_holds_nik_as_text(tmp_path: Path, homes: None) -> None:
    path = tmp_path / "people.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, PEOPLE_HEADER.split(","))
    sheet.write_row(1, 0, person(HEAD).split(","))  # strings, as a Text column holds them
    book.close()
    batch = run(path)
    assert batch.status == DONE, batch.error_message
    assert not [note for note in batch.details["notes"] if "16 or more digits" in note]


# --- across rows ----------------------------------------------------------------------------------------


def test_it_rejects_the_same_nik_twice_in_one_file(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), person(CHILD, born="2010-11-30"), person(HEAD)))
    assert_nothing_imported(batch, "row 2: nik: appears 2 times in this file (rows 2 and 4)")


def test_it_rejects_the_same_nik_in_two_households(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), person(HEAD, kk_number=KK2), person(CHILD, born="2010-11-30")),
                mode=ACCEPT)
    assert (batch.inserted, batch.rejected) == (1, 2)
    assert "nik: in more than one household in this file (rows 2 and 3)" in rejects(batch)
    assert list(Person.objects.values_list("nik", flat=True)) == [CHILD]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL finds repeats by a hash of the key")
def test_keys_that_only_share_a_hash_are_not_repeats(tmp_path: Path, homes: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Every NIK has 16 characters: with the length as the hash, all rows are candidates.
    monkeypatch.setattr(staging, "KEY_HASH", "length({})")
    batch = run(people_file(tmp_path, person(HEAD), person(WIFE, sex="P", born="1984-02-03"),
                            person(CHILD, born="2010-11-30"), person(HEAD)),
                mode=ACCEPT)
    assert (batch.inserted, batch.rejected) == (2, 2)
    assert "nik: appears 2 times in this file (rows 2 and 5)" in rejects(batch)


def test_it_rejects_a_person_whose_household_is_unknown(tmp_path: Path, homes: None) -> None:
    stranger = KK1[:12] + "0099"
    batch = run(people_file(tmp_path, person(HEAD), person(CHILD, kk_number=stranger, born="2010-11-30")))
    assert_nothing_imported(batch, "row 3: kk_number: no household with this No. KK in the registry or this file")


def test_it_reports_every_problem_of_a_row_in_one_line(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD[:15], born="1980-02-31", sex="X")), mode=ACCEPT)
    line = rejects(batch).splitlines()[1]
    assert line.endswith('"nik: 15 digits, expected 16; sex: \'X\' is not one of L, P; '
                         'birth_date: 31 Feb 1980 is not a date"')
