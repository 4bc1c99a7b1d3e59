"""The rejects file: every rejected row as it was in the file, plus `_row` and `_reasons`.

Reasons live in the database (staging, in English), the original text in the file; a second pass over the
file merges them chunk by chunk on the row number, so memory stays that of one chunk. UTF-8 with
a BOM, so Excel shows accented names right when the user opens it; reasons in the language of the
batch (the uploader's). People open it in Excel, so a
cell that Excel would run as a formula (`=HYPERLINK(...)`) is written as text, as every export
does (entas.core.cells). Its size is capped (settings IMPORT_REJECTS_MAX_ROWS and
IMPORT_REJECTS_MAX_BYTES): a file of millions of bad rows gives the first ones and a last line
saying how many more were left out; fixing those first shows what else is wrong.
"""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl
from django.conf import settings
from django.utils.translation import gettext_noop

from entas.core.cells import FORMULA_START, safe_cell
from entas.core.messages import Message, translate
from entas.core.numbers import count
from entas.ingest.reading import Table
from entas.ingest.staging import Staging

BOM = b"\xef\xbb\xbf"
MAX_ROWS = 100_000
MAX_BYTES = 100 << 20
CAPPED = Message(gettext_noop("The rejects file holds the first %(rows)s rejected rows only; %(left_out)s more were "
                              "rejected and not written to it."))


@dataclass(frozen=True)
class Written:
    rows: int  # rejected rows written to the file
    left_out: int  # rejected rows not written: the file reached its cap

    @property
    def note(self) -> str:
        """For the batch's message and notes; empty when every rejected row was written."""
        if not self.left_out:
            return ""
        return CAPPED.shown(rows=count(self.rows), left_out=count(self.left_out))


def row_cap() -> int:
    return int(getattr(settings, "IMPORT_REJECTS_MAX_ROWS", MAX_ROWS))


def rejects_path(batch_id: int) -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"batch-{batch_id}-rejects.csv"


def unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(header):
        name = name or f"column_{index + 1}"
        names.append(name if name not in names else f"{name}_{index + 1}")
    return names


def safe_text(column: pl.Expr) -> pl.Expr:
    """`entas.core.cells.safe_cell` for a whole column of text at once: an apostrophe before text
    that a spreadsheet would run as a formula."""
    starts = pl.any_horizontal(column.str.starts_with(prefix) for prefix in FORMULA_START)
    return pl.when(starts).then(pl.lit("'") + column).otherwise(column)


def write_rejects(table: Table, staging: Staging, path: Path) -> Written:
    names = [str(safe_cell(name)) for name in unique_names(table.header)]
    columns = [f"c{i}" for i in range(len(names))]
    max_rows = row_cap()
    max_bytes = int(getattr(settings, "IMPORT_REJECTS_MAX_BYTES", MAX_BYTES))
    written = size = 0
    with path.open("wb") as out:
        size += _write(out, BOM + _csv(pl.DataFrame(schema=[*names, "_row", "_reasons"]), header=True))
        for chunk in table.chunks():
            if written >= max_rows:
                break
            rows = chunk.frame.get_column("_row")
            if rows.is_empty():
                continue
            found = staging.rejected(int(rows.min()), int(rows.max()), limit=max_rows - written)  # type: ignore[arg-type]
            if not found:
                continue
            found = [(row, translate(reasons)) for row, reasons in found]
            reasons = pl.DataFrame(found, schema={"_row": pl.Int64, "_reasons": pl.String}, orient="row")
            picked = chunk.frame.select(*columns, "_row").join(reasons, on="_row", how="inner")
            picked = picked.with_columns(safe_text(pl.col(c)).alias(c) for c in [*columns, "_reasons"])
            data, fitted = _fitting(picked.rename(dict(zip(columns, names, strict=True))), max_bytes - size)
            size += _write(out, data)
            written += fitted
            if fitted < picked.height:
                break
        left_out = staging.rejected_rows - written
        if left_out:
            _write(out, _csv(pl.DataFrame([[Written(written, left_out).note]]), header=False))
    return Written(written, left_out)


def _csv(frame: pl.DataFrame, *, header: bool) -> bytes:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=header)
    return buffer.getvalue()


def _fitting(rows: pl.DataFrame, room: int) -> tuple[bytes, int]:
    """(CSV of as many of `rows` as fit in `room` bytes, how many). Bisected: only the chunk that
    reaches the cap is written more than once."""
    data = _csv(rows, header=False)
    if len(data) <= room:
        return data, rows.height
    low, high = 0, rows.height  # low rows fit, high rows do not
    while high - low > 1:
        middle = (low + high) // 2
        if len(_csv(rows.head(middle), header=False)) <= room:
            low = middle
        else:
            high = middle
    return _csv(rows.head(low), header=False), low


def _write(out: BinaryIO, data: bytes) -> int:
    out.write(data)
    return len(data)
