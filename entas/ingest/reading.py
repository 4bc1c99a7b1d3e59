"""Open a CSV or spreadsheet file as a header and a stream of chunks of string columns.

Every chunk is a Polars frame with one String column per header column, named `c0`, `c1`, ...
(header text can be anything), plus `_row` (the row number a spreadsheet shows: the header is
row 1) and `_shape` (why the line itself is broken, else null); spreadsheets add `cK__number`
(entas.ingest.xlsxfile). Nothing is typed or checked here. Rows empty in every column are not
data: they are skipped, and the table's warnings say how many lay between the data rows.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.errors import ImportFileError

# A chunk is read, checked and encoded while the one before it loads. 8 MB (about 80,000 people)
# loads as fast as larger chunks with a much lower peak of memory (bench/README.md).
CHUNK_BYTES = 8 << 20
CHUNK_ROWS = 50_000  # spreadsheets, whose rows are read before they are chunked

EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, ods) and OLE2 (xls)


@dataclass
class Chunk:
    frame: pl.DataFrame
    position: int  # how far into the file this chunk ends, in the unit of Table.size


class Table(Protocol):
    header: list[str]
    warnings: list[str]

    @property
    def size(self) -> int:
        """Bytes for CSV, rows for spreadsheets: the unit of Chunk.position."""

    def chunks(self) -> Iterator[Chunk]: ...


def column_names(count: int) -> list[str]:
    return [f"c{i}" for i in range(count)]


SHOWN_EMPTY_ROWS = 5
EMPTY_ROW = Message(gettext_noop("%(count)s empty row between the data skipped (row %(rows)s): every cell empty, not "
                                 "data"))
EMPTY_ROWS = Message(gettext_noop("%(count)s empty rows between the data skipped (rows %(rows)s): every cell empty, "
                                  "not data"))
NO_FILE = Message(gettext_noop("%(file)s: no such file"))
NUL_HEADER = Message(gettext_noop("%(file)s: row 1 (the header) contains NUL characters (\\x00), which are not text: "
                                  "is it UTF-16 without a byte order mark, or not a CSV or spreadsheet file at all? "
                                  "Save it as CSV UTF-8"))
NO_DATA = Message(gettext_noop("%(file)s: row 1 is a header but no data rows follow"))
EMPTY = Message(gettext_noop("%(file)s: the file is empty (row 1 should be the header)"))


def empty_rows_note(first_rows: list[int], count: int) -> str:
    """The note about the empty rows skipped; `first_rows`: some of their numbers."""
    shown = ", ".join(str(row) for row in first_rows[:SHOWN_EMPTY_ROWS])
    more = ", ..." if count > SHOWN_EMPTY_ROWS else ""
    return (EMPTY_ROW if count == 1 else EMPTY_ROWS)(count=f"{count:,}", rows=shown + more)


@dataclass
class FrameTable:
    """A table already in memory (a spreadsheet sheet), handed out in slices."""

    header: list[str]
    data: pl.DataFrame
    chunk_rows: int
    warnings: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.data.height

    def chunks(self) -> Iterator[Chunk]:
        for start in range(0, self.data.height, self.chunk_rows):
            piece = self.data.slice(start, self.chunk_rows)
            yield Chunk(piece, start + piece.height)


def open_table(path: Path, *, chunk_bytes: int = CHUNK_BYTES, chunk_rows: int = CHUNK_ROWS) -> Table:
    """The file at `path` as a Table; raises ImportFileError for what cannot be read at all."""
    from entas.ingest import csvfile, xlsxfile  # here: both import Chunk from this module

    if not path.is_file():
        raise ImportFileError(NO_FILE(file=path))
    with path.open("rb") as handle:
        magic = handle.read(4)
    spreadsheet = magic in EXCEL_MAGIC
    table: Table = xlsxfile.open_sheet(path, chunk_rows) if spreadsheet else csvfile.CsvTable.open(path, chunk_bytes)
    if any("\x00" in name for name in table.header):
        # Messages quote header names, and PostgreSQL stores no NUL in text.
        raise ImportFileError(NUL_HEADER(file=path.name))
    return table
