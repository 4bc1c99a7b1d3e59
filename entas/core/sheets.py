"""Writing XLSX rows so that no cell becomes a formula or a link.

xlsxwriter's `write()` guesses a cell's type from its value: "=HYPERLINK(…)" becomes a live formula
and "http://…" a hyperlink. Every export writes through `write_row` here, which picks the type from
the Python value instead: text is always a string cell, numbers numbers, dates dates. A text that a
spreadsheet would take for a formula once somebody edits the cell (see `cells.FORMULA_START`) also
gets the quote-prefix style, Excel's own "this is text" mark, so the value stays exactly as typed.

A caller that knows what a column holds names its kind (`kinds`, the names of `core.numbers.KINDS`
plus "share", "date" and "long_date"): the cell then gets a number format ("#,##0", '"Rp"#,##0', …),
which the reader's Excel shows with its own separators, and a number that reaches such a column as a
string ("2889.00") is still written as a number. Text in an undeclared column stays text: a NIK or a
No. KK is digits that must never become a number.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import xlsxwriter
from django.utils import translation

from entas.core.cells import FORMULA_START

DATE_FORMAT = "yyyy-mm-dd"
# Excel number formats by kind. "percent" is a value already in percent (37.5) under a "%" header;
# "share" a fraction (0.375) that Excel shows as 37.5%.
FORMATS = {
    "count": "#,##0", "rupiah": '"Rp"#,##0', "decimal": "#,##0.0", "percent": "0.0", "share": "0.0%",
    "whole": "#,##0", "fraction": "#,##0.0#", "date": DATE_FORMAT,
}
NUMERIC = frozenset({"count", "rupiah", "decimal", "percent", "share", "number"})
# The month written out in the workbook's language whatever the reader's Excel speaks: [$-421] is
# Indonesian, [$-409] English (US).
LONG_DATE = {"id": "[$-421]d mmmm yyyy", "en": "[$-409]d mmmm yyyy"}
# Belt and braces: even a stray `write()` then stores text as text.
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                "default_date_format": DATE_FORMAT, "remove_timezone": True}


def workbook(target: Any, **options: Any) -> Any:
    """An xlsxwriter Workbook that never turns text into formulas, links or numbers."""
    book = xlsxwriter.Workbook(target, {**SAFE_OPTIONS, **options})
    book.entas_quoted = book.add_format({"quote_prefix": True})
    book.entas_formats = {}
    return book


def cell_format(book: Any, kind: str | None, value: Any = None) -> Any:
    """The workbook's format for a cell of `kind` (one format object per number format)."""
    if kind is None:
        return None
    if kind == "number":  # whole numbers without decimals, others with one or two
        kind = "whole" if isinstance(value, int) or (isinstance(value, Decimal | float)
                                                     and value == int(value)) else "fraction"
    if kind == "long_date":
        pattern: str | None = LONG_DATE.get((translation.get_language() or "id")[:2], LONG_DATE["id"])
    else:
        pattern = FORMATS.get(kind)
    if pattern is None:
        return None
    if pattern not in book.entas_formats:
        book.entas_formats[pattern] = book.add_format({"num_format": pattern})
    return book.entas_formats[pattern]


def write_row(book: Any, sheet: Any, row: int, values: Any, kinds: Sequence[str | None] | None = None) -> None:
    """One row; `kinds[i]` (None: by the value alone) says what column i holds."""
    for column, value in enumerate(values):
        kind = kinds[column] if kinds is not None and column < len(kinds) else None
        write_cell(book, sheet, row, column, value, kind)


def _as_number(value: str) -> Decimal | None:
    try:
        found = Decimal(value.strip())
    except InvalidOperation:
        return None
    return found if found.is_finite() else None


def write_cell(book: Any, sheet: Any, row: int, column: int, value: Any, kind: str | None = None) -> None:
    if isinstance(value, str) and kind in NUMERIC and _as_number(value) is not None:
        value = _as_number(value)  # a number that travelled as text, in a column declared numeric
    if value is None or value == "":
        sheet.write_blank(row, column, None, cell_format(book, kind))
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value), cell_format(book, kind, value))
    elif isinstance(value, datetime.date):  # datetime.datetime is a date too
        sheet.write_datetime(row, column, value, cell_format(book, kind if kind in ("date", "long_date") else None))
    else:
        text = str(value)
        quoted = book.entas_quoted if text.startswith(FORMULA_START) else None
        sheet.write_string(row, column, text, quoted)
