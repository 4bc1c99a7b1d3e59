"""Open a CSV or spreadsheet file as a header and a stream of chunks of string columns.

Every chunk is a Polars frame with one String column per header column, named `c0`, `c1`, ...
(header text can be anything), plus `_row` (the row number a spreadsheet shows: the header is
row 1) and `_shape` (why the line itself is broken, else null). Nothing is typed or checked here.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from entas.ingest.errors import ImportFileError

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


def open_table(path: Path, *, chunk_bytes: int = 32 << 20, chunk_rows: int = 200_000) -> Table:
    """The file at `path` as a Table; raises ImportFileError for what cannot be read at all."""
    from entas.ingest import csvfile, xlsxfile  # here: both import Chunk from this module

    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic in EXCEL_MAGIC:
        return xlsxfile.open_sheet(path, chunk_rows)
    return csvfile.CsvTable.open(path, chunk_bytes)
