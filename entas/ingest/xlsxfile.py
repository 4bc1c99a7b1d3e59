"""Spreadsheets (XLSX, XLS, ODS) through fastexcel/calamine: the first sheet, every cell as text.

calamine reads a whole sheet into memory; a sheet holds at most 1,048,576 rows, which bounds it.
Dates typed as dates arrive as `YYYY-MM-DD 00:00:00`, dates typed as plain numbers as Excel serial
numbers: the date type of the schema accepts both.
"""

from pathlib import Path

import fastexcel
import polars as pl

from entas.ingest.errors import ImportFileError
from entas.ingest.reading import FrameTable, column_names


def open_sheet(path: Path, chunk_rows: int) -> FrameTable:
    try:
        reader = fastexcel.read_excel(str(path))
        sheet = reader.load_sheet(0, header_row=None, dtypes="string").to_polars()
    except Exception as exc:  # calamine raises its own exception types for every kind of bad file
        raise ImportFileError(f"{path.name}: not a readable spreadsheet ({exc})") from None
    if sheet.height == 0 or sheet.width == 0:
        raise ImportFileError(f"{path.name}: the file is empty (row 1 should be the header)")
    names = column_names(sheet.width)
    sheet = sheet.rename(dict(zip(sheet.columns, names, strict=True)))
    header = [str(value or "").strip() for value in sheet.row(0)]
    data = sheet.slice(1).with_columns(
        pl.int_range(2, sheet.height + 1, dtype=pl.Int64).alias("_row"),
        pl.lit(None, pl.String).alias("_shape"),
    )
    # Rows that are empty in every column are formatting leftovers, not data.
    data = data.filter(~pl.all_horizontal(pl.col(names).is_null() | (pl.col(names).str.strip_chars() == "")))
    return FrameTable(header, data, chunk_rows, warnings=_long_numbers(reader, header))


# Spreadsheets keep 15 significant digits: a 16-digit NIK or No. KK typed as a number comes back
# with its last digit changed, and nothing in the text shows it.
LONGEST_EXACT = 10**15
SAMPLE_ROWS = 1000


def _long_numbers(reader: fastexcel.ExcelReader, header: list[str]) -> list[str]:
    """A warning per column that holds numbers of 16 or more digits (told from the first rows)."""
    try:
        sample = reader.load_sheet(0, header_row=None, skip_rows=1, n_rows=SAMPLE_ROWS).to_polars()
    except Exception:  # the text load above succeeded; a failing sample only loses the warning
        return []
    found = []
    for index, (name, column) in enumerate(zip(header, sample.iter_columns(), strict=False)):
        if column.dtype.is_numeric() and (column.abs() >= LONGEST_EXACT).any():
            found.append(f"column {name or column_names(index + 1)[-1]}: holds numbers of 16 or more digits, of "
                         "which a spreadsheet keeps only 15, so the last digits may have changed; format the "
                         "column as Text and enter the numbers again")
    return found
