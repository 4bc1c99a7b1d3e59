"""XLSX cells hold numbers and dates with number formats, not text (`core.sheets`)."""

import datetime
import io
from decimal import Decimal

import openpyxl
from django.utils import translation

from entas.core import sheets


def written(values: list[object], kinds: list[str | None] | None) -> list[openpyxl.cell.Cell]:
    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("s")
    sheets.write_row(book, sheet, 0, values, kinds)
    book.close()
    buffer.seek(0)
    return list(openpyxl.load_workbook(buffer).active[1])


def test_declared_columns_get_number_formats() -> None:
    with translation.override("id"):
        cells = written([2889, Decimal("1234567"), Decimal("37.5"), Decimal("0.375"), Decimal("12.34"),
                         datetime.date(2026, 12, 4), datetime.date(2026, 12, 4)],
                        ["count", "rupiah", "percent", "share", "decimal", "long_date", None])
    assert [c.data_type for c in cells] == ["n", "n", "n", "n", "n", "d", "d"]
    assert [c.number_format for c in cells] == [
        "#,##0", '"Rp"#,##0', "0.0", "0.0%", "#,##0.0", "[$-421]d mmmm yyyy", "yyyy-mm-dd"]
    assert cells[0].value == 2889 and cells[5].value == datetime.datetime(2026, 12, 4)


def test_a_number_that_arrives_as_text_in_a_numeric_column_is_written_as_a_number() -> None:
    cells = written(["2889.00", "3310010101250001", "—"], ["count", None, "count"])
    assert cells[0].data_type == "n" and cells[0].value == 2889 and cells[0].number_format == "#,##0"
    assert cells[1].data_type == "s" and cells[1].value == "3310010101250001"  # a No. KK stays text
    assert cells[2].data_type == "s"  # not a number: left as it is


def test_a_plain_number_is_whole_or_with_decimals_as_it_comes() -> None:
    cells = written([Decimal("63.00"), Decimal("12.5")], ["number", "number"])
    assert [c.number_format for c in cells] == ["#,##0", "#,##0.0#"]


def test_the_english_workbook_writes_english_month_names() -> None:
    with translation.override("en"):
        cells = written([datetime.date(2026, 12, 4)], ["long_date"])
    assert cells[0].number_format == "[$-409]d mmmm yyyy"
