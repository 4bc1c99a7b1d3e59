"""Target files for the import tests: XLSX written the way a spreadsheet holds them, or CSV."""

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from entas.core import sheets
from entas.monitoring.target_import import COLUMNS


def xlsx(rows: Sequence[Sequence[Any]], header: Sequence[str] = COLUMNS) -> bytes:
    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("Targets")
    sheets.write_row(book, sheet, 0, list(header))
    for index, row in enumerate(rows, start=1):
        sheets.write_row(book, sheet, index, list(row))
    book.close()
    return buffer.getvalue()


def write(tmp_path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = COLUMNS) -> Path:
    path = tmp_path / "targets.xlsx"
    path.write_bytes(xlsx(rows, header))
    return path
