"""Spreadsheets (XLSX, XLS, ODS) through fastexcel/calamine: the first sheet, every cell as text.

calamine reads a whole sheet into memory; a sheet holds at most 1,048,576 rows, which bounds it,
and a zip archive (XLSX, ODS) is checked first (entas.ingest.archive) so that a small file cannot
inflate to gigabytes. Dates typed as dates arrive as `YYYY-MM-DD 00:00:00`, dates typed as plain
numbers as Excel serial numbers: the date type of the schema accepts both.

Besides the text, a column `cK__number` says which cells of column cK the spreadsheet stored as
numbers (only for columns that have any): the text of a number does not show that a 16-digit NIK
lost its last digit, the cell's type does (FieldType.number_problem).
"""

from pathlib import Path

import fastexcel
import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.archive import check_archive
from entas.ingest.errors import ImportFileError
from entas.ingest.reading import EMPTY, FrameTable, column_names, empty_rows_note

ZIP_MAGIC = b"PK\x03\x04"
NUMBER_TEXT = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
# Spreadsheets keep 15 significant digits: a 16-digit NIK or No. KK typed as a number comes back
# with its last digit changed, and nothing in the text shows it.
LONGEST_EXACT = 15
UNREADABLE = Message(gettext_noop("%(file)s: not a readable spreadsheet (%(error)s)"))
LONG_NUMBERS = Message(gettext_noop("column %(column)s: holds numbers of 16 or more digits, of which a spreadsheet "
                                    "keeps only 15, so the last digits may have changed; format the column as Text and "
                                    "enter the numbers again"))


def open_sheet(path: Path, chunk_rows: int) -> FrameTable:
    with path.open("rb") as handle:
        if handle.read(4) == ZIP_MAGIC:
            check_archive(path)
    sheet, numbers = _load(path)
    if sheet.height == 0 or sheet.width == 0:
        raise ImportFileError(EMPTY(file=path.name))
    names = column_names(sheet.width)
    sheet = sheet.rename(dict(zip(sheet.columns, names, strict=True)))
    # Rows that are empty in every column are formatting leftovers or stray lines, not data.
    empty = pl.all_horizontal(pl.col(names).is_null() | (pl.col(names).str.strip_chars() == ""))
    sheet = sheet.with_columns(pl.int_range(1, sheet.height + 1, dtype=pl.Int64).alias("_row"), empty.alias("_empty"),
                               *_number_flags(sheet, numbers, names))
    filled = sheet.filter(~pl.col("_empty"))["_row"]
    if filled.is_empty():
        raise ImportFileError(EMPTY(file=path.name))
    first, last = int(filled.min()), int(filled.max())  # type: ignore[arg-type]
    header = [str(value or "").strip() for value in sheet.row(first - 1)[: len(names)]]
    body = sheet.slice(first, last - first)
    skipped = body.filter(pl.col("_empty"))["_row"].to_list()
    data = body.filter(~pl.col("_empty")).drop("_empty").with_columns(pl.lit(None, pl.String).alias("_shape"))
    warnings = _long_numbers(data, header) + ([empty_rows_note(skipped, len(skipped))] if skipped else [])
    return FrameTable(header, data, chunk_rows, warnings=warnings)


def _load(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The first sheet as text, from row 1 of the sheet (so that row numbers are the sheet's
    even above a header lower down), and loaded as booleans, which marks the cells stored as
    numbers: fastexcel turns numbers (and booleans) into booleans but text into null, even text of
    digits, while a float load would read such text as a number too."""
    try:
        reader = fastexcel.read_excel(str(path))
        text = reader.load_sheet(0, header_row=None, skip_rows=0, dtypes="string").to_polars()
        numbers = reader.load_sheet(0, header_row=None, skip_rows=0, dtypes="boolean").to_polars()
    except Exception as exc:  # calamine raises its own exception types for every kind of bad file
        raise ImportFileError(UNREADABLE(file=path.name, error=exc)) from None
    return text, numbers


def _number_flags(text: pl.DataFrame, numbers: pl.DataFrame, names: list[str]) -> list[pl.Series]:
    """`cK__number` for the columns that hold numbers: true where the cell is a number (a boolean
    cell, TRUE, also loads as a boolean: its text tells it apart)."""
    flags = []
    for name, column in zip(names, numbers.iter_columns(), strict=False):
        if column.null_count() < column.len():
            looks = text[name].str.contains(NUMBER_TEXT).fill_null(False)
            flags.append((column.is_not_null() & looks).alias(f"{name}__number"))
    return flags


def _long_numbers(data: pl.DataFrame, header: list[str]) -> list[str]:
    """A note per column that holds numbers of 16 or more digits, for the batch as a whole; the
    fields that need exact digits (NIK, No. KK) also refuse each such row."""
    found = []
    for index, name in enumerate(column_names(len(header))):
        if f"{name}__number" not in data.columns:
            continue
        text = data[name].filter(data[f"{name}__number"])
        if (text.str.replace(r"\..*$", "").str.len_chars() > LONGEST_EXACT).any():
            found.append(LONG_NUMBERS(column=header[index] or name))
    return found
