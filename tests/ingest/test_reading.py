"""Reading CSV files: encodings, delimiters, broken lines, and chunks of bounded size."""

import tracemalloc
from pathlib import Path

import polars as pl
import pytest

from entas.ingest.csvfile import NOT_UTF8, CsvTable, field_counts, last_record_end
from entas.ingest.errors import ImportFileError
from entas.ingest.reading import open_table


def table(tmp_path: Path, data: bytes, chunk_bytes: int = 1 << 20) -> CsvTable:
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    opened = open_table(path, chunk_bytes=chunk_bytes)
    assert isinstance(opened, CsvTable)
    return opened


def rows(opened: CsvTable) -> list[tuple[object, ...]]:
    return [row for chunk in opened.chunks() for row in chunk.frame.select("_row", "c0", "_shape").rows()]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_it_finds_the_delimiter_in_the_header(tmp_path: Path, delimiter: str) -> None:
    opened = table(tmp_path, f"a{delimiter}b{delimiter}c\n1{delimiter}2{delimiter}3\n".encode())
    assert (opened.delimiter, opened.header) == (delimiter, ["a", "b", "c"])


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    assert table(tmp_path, b"\xef\xbb\xbfnik,nama\n1,x\n").header == ["nik", "nama"]


def test_a_latin_1_file_is_read_as_windows_1252_with_a_warning(tmp_path: Path) -> None:
    opened = table(tmp_path, "nama,kota\nSéverine,Bogor\n".encode("latin-1"))
    assert [chunk.frame["c0"].to_list() for chunk in opened.chunks()] == [["Séverine"]]
    assert opened.warnings == [NOT_UTF8]


def test_utf_16_is_refused_with_advice(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="UTF-16; save it as CSV UTF-8"):
        table(tmp_path, "a,b\n".encode("utf-16"))


def test_short_lines_and_blank_lines_are_told_apart(tmp_path: Path) -> None:
    opened = table(tmp_path, b'a,b,c\n1,,\n\n2,x\n  \n3,"q,uoted",z\n4,"multi\nline",z\n5')
    assert rows(opened) == [
        (2, "1", None), (4, "2", "2 of 3 fields (truncated, or another delimiter?)"), (6, "3", None),
        (7, "4", None), (8, "5", "1 of 3 fields (truncated, or another delimiter?)"),
    ]


def test_a_line_with_too_many_fields_is_named(tmp_path: Path) -> None:
    opened = table(tmp_path, b"a,b\n1,2\n3,4,5\n")
    assert rows(opened) == [(2, "1", None), (3, "3", "3 of 2 fields (truncated, or another delimiter?)")]


def test_fields_are_counted_outside_quotes() -> None:
    assert field_counts(b'1,2,3\n"a,b",c\n"x\ny",z\n\nlast', ",").tolist() == [3, 2, 2, 1, 1]


def test_a_chunk_ends_only_where_no_quote_is_open() -> None:
    assert last_record_end(b'1,"a\nb"\n2,"c\nd') == len(b'1,"a\nb"\n')
    assert last_record_end(b'1,"a\nb') == 0


def test_rows_are_numbered_across_chunks_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    lines = b"".join(b'%d,"note\nwith a newline",x\n' % i for i in range(500))
    numbers = [row for row, _, shape in rows(table(tmp_path, b"id,note,z\n" + lines, chunk_bytes=256))]
    assert numbers == list(range(2, 502))


def test_a_large_file_is_read_in_chunks_of_bounded_size(tmp_path: Path) -> None:
    """The 1 GB case scaled down: 8 MB read in 64 KiB chunks, never whole (bench/ measures 1 GB)."""
    line = b"3310011705800001,3310010201200001,Budi Santoso,L,1980-05-17,Klaten,head,sd,farmer,none,married\n"
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        out.write(b"nik,kk,nama,jk,lahir,tempat,hub,pend,kerja,dis,kawin\n")
        for _ in range(80):
            out.write(line * 1000)
    opened = CsvTable.open(path, chunk_bytes=64 << 10)
    tracemalloc.start()
    sizes, total, last = [], 0, opened.data_start
    for chunk in opened.chunks():
        sizes.append(chunk.position - last)
        last, total = chunk.position, total + chunk.frame.height
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total == 80_000 and len(sizes) > 100
    assert max(sizes) <= (64 << 10) + len(line)
    assert peak < 2 << 20, f"Python held {peak:,} bytes at once for an {path.stat().st_size:,}-byte file"


def test_a_quote_that_never_closes_stops_the_import_at_its_row(tmp_path: Path) -> None:
    opened = table(tmp_path, b'a,b\n1,2\n3,"open\n' + b"x,y\n" * 2000, chunk_bytes=1024)
    with pytest.raises(ImportFileError, match=r'row 3: a quoted field is not closed'):
        rows(opened)


@pytest.mark.parametrize("line", [b"x" * 5000, b'3,"open' + b"x" * 5000, b"1,2\r" * 1500])
def test_it_names_a_line_longer_than_the_reader_takes_not_an_unbalanced_quote(tmp_path: Path, line: bytes) -> None:
    opened = table(tmp_path, b"a,b\n1,2\n" + line, chunk_bytes=1024)
    with pytest.raises(ImportFileError, match=r"^row 3: the line is longer than 4,096 bytes without a line end"):
        rows(opened)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"), (b"  \n\n", "the file is empty"), (b"a,b,c\n", "no data rows follow"),
    (b"a,b,c", "no data rows follow"),
])
def test_it_refuses_files_without_data(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        table(tmp_path, data)


def test_a_spreadsheet_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    pl.DataFrame({"nik": ["3310011705800001"], "amount": [5.0]}).write_excel(path)
    opened = open_table(path)
    assert opened.header == ["nik", "amount"]
    assert [chunk.frame.select("c0", "c1", "_row").rows() for chunk in opened.chunks()] == [
        [("3310011705800001", "5", 2)]]
