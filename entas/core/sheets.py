"""Writing XLSX rows so that no cell becomes a formula or a link.

xlsxwriter's `write()` guesses a cell's type from its value: "=HYPERLINK(…)" becomes a live formula
and "http://…" a hyperlink. Every export writes through `write_row` here, which picks the type from
the Python value instead: text is always a string cell, numbers numbers, dates dates. A text that a
spreadsheet would take for a formula once somebody edits the cell (see `cells.FORMULA_START`) also
gets the quote-prefix style, Excel's own "this is text" mark, so the value stays exactly as typed.
"""

import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

from entas.core.cells import FORMULA_START

DATE_FORMAT = "yyyy-mm-dd"
# Belt and braces: even a stray `write()` then stores text as text.
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                "default_date_format": DATE_FORMAT, "remove_timezone": True}


def workbook(target: Any, **options: Any) -> Any:
    """An xlsxwriter Workbook that never turns text into formulas, links or numbers."""
    book = xlsxwriter.Workbook(target, {**SAFE_OPTIONS, **options})
    book.entas_quoted = book.add_format({"quote_prefix": True})
    return book


def write_row(book: Any, sheet: Any, row: int, values: Any) -> None:
    for column, value in enumerate(values):
        write_cell(book, sheet, row, column, value)


def write_cell(book: Any, sheet: Any, row: int, column: int, value: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(row, column, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value))
    elif isinstance(value, datetime.date):  # datetime.datetime is a date too
        sheet.write_datetime(row, column, value)
    else:
        text = str(value)
        quoted = book.entas_quoted if text.startswith(FORMULA_START) else None
        sheet.write_string(row, column, text, quoted)
