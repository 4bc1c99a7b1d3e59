"""CSV files read in chunks of whole records, so a file of any size needs the memory of one chunk.

Encoding: UTF-8 (with or without BOM); a file that is not valid UTF-8 is read as Windows-1252
(Latin-1 with the Windows extras), with a warning. Delimiter: whichever of , ; tab | occurs most
in the header line. Polars parses each chunk; a chunk Polars refuses (a line with too many
fields, an unclosed quote) is parsed again line by line so the message can name the line.
Polars pads a short line with empty fields, so the fields of every line are counted on the
bytes (NumPy, quote-aware): a truncated line or another delimiter is caught, not silently padded.
A line whose every field is empty (a blank line, a stray line of delimiters) is no data: skipped.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.errors import ImportFileError
from entas.ingest.reading import EMPTY, NO_DATA, SHOWN_EMPTY_ROWS, Chunk, column_names, empty_rows_note

DELIMITERS = (",", ";", "\t", "|")
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HEAD_BYTES = 1 << 20
# A record longer than this many chunks means a quote that never closes, or a file whose line ends
# were lost, not a long address.
MAX_CHUNKS_PER_RECORD = 4
NOT_UTF8 = Message(gettext_noop("the file is not UTF-8; it was read as Windows-1252 (Latin-1): check names with "
                                "accents"))()
UTF16 = Message(gettext_noop("%(file)s: the file is UTF-16; save it as CSV UTF-8"))
CR_ONLY = Message(gettext_noop("%(file)s: its lines end in a carriage return only (CR, the old Mac format), which "
                               "Entas cannot read; save it as CSV UTF-8"))
NO_LINE_END = Message(gettext_noop("%(file)s: row 1 (the header) has no line end in the first MiB"))
NOT_CLOSED = Message(gettext_noop("row %(row)s: a quoted field is not closed (an unbalanced \")"))
TOO_LONG = Message(gettext_noop("row %(row)s: the line is longer than %(limit)s bytes without a line end; a row "
                                "cannot be that long: is this a CSV file with one row per line (were the line ends "
                                "lost)?"))
TOO_LONG_QUOTED = Message(gettext_noop("row %(row)s: the line is longer than %(limit)s bytes without a line end, and "
                                       "a quoted field in it is not closed; a row cannot be that long: is this a CSV "
                                       "file with one row per line (were the line ends lost)?"))
TRUNCATED = Message(gettext_noop("a quoted field is not closed (truncated?)"))
FIELD_COUNT = Message(gettext_noop("%(count)s of %(width)s fields (truncated, or another delimiter?)"))


@dataclass
class CsvTable:
    path: Path
    header: list[str]
    delimiter: str
    data_start: int
    chunk_bytes: int
    size: int
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path, chunk_bytes: int) -> "CsvTable":
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        start = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
        if head[:2] in UTF16_BOMS:
            raise ImportFileError(UTF16(file=path.name))
        if not head[start:].strip():
            raise ImportFileError(EMPTY(file=path.name))
        end = head.find(b"\n", start)
        if end < 0 and b"\r" in head[start:].rstrip(b"\r"):
            raise ImportFileError(CR_ONLY(file=path.name))
        if end < 0 and len(head) == HEAD_BYTES:
            raise ImportFileError(NO_LINE_END(file=path.name))
        end = len(head) if end < 0 else end
        table = cls(path, [], ",", end + 1, chunk_bytes, path.stat().st_size)
        line = table.decode(head[start:end].rstrip(b"\r")).decode("utf-8")
        table.delimiter = sniff_delimiter(line)
        table.header = [name.strip() for name in next(csv.reader([line], delimiter=table.delimiter))]
        if len(head) < HEAD_BYTES and not head[end + 1:].strip():
            raise ImportFileError(NO_DATA(file=path.name))
        return table

    def decode(self, data: bytes) -> bytes:
        """UTF-8 bytes for Polars: valid UTF-8 passes unchanged, anything else is transcoded."""
        if data.isascii():
            return data
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            pass
        if NOT_UTF8 not in self.warnings:
            self.warnings.append(NOT_UTF8)
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined: plain Latin-1 maps every byte
            text = data.decode("latin-1")
        return text.encode("utf-8")

    def chunks(self) -> Iterator[Chunk]:
        names = column_names(len(self.header))
        row, position = 2, self.data_start
        empty = EmptyRows()
        with self.path.open("rb") as handle:
            handle.seek(self.data_start)
            try:
                for block in records(handle, self.chunk_bytes):
                    position += len(block)
                    frame = self.parse(self.decode(block), names)
                    frame = frame.with_columns(pl.int_range(row, row + frame.height, dtype=pl.Int64).alias("_row"))
                    row += frame.height
                    frame, blank = shaped(frame, len(names))
                    empty.add(blank, frame.get_column("_row"))
                    yield Chunk(frame, position)
            except UnclosedQuote:
                raise ImportFileError(NOT_CLOSED(row=row)) from None
            except LongLine as exc:
                limit = MAX_CHUNKS_PER_RECORD * self.chunk_bytes
                message = TOO_LONG_QUOTED if exc.quoted else TOO_LONG
                raise ImportFileError(message(row=row, limit=f"{limit:,}")) from None
        if empty.count and (note := empty.note()) not in self.warnings:
            self.warnings.append(note)

    def parse(self, data: bytes, names: list[str]) -> pl.DataFrame:
        """The chunk's rows as strings plus `_fields`, the number of fields of each line
        (UNCLOSED for a quote that never closes)."""
        try:
            frame = pl.read_csv(
                data, has_header=False, schema=dict.fromkeys(names, pl.String), separator=self.delimiter,
                empty_string_is_null=False, raise_if_empty=False,
            )
        except pl.exceptions.PolarsError:
            return parse_line_by_line(data.decode("utf-8"), names, self.delimiter)
        fields = field_counts(data, self.delimiter)
        if len(fields) != frame.height:  # quoting Polars read differently: let the csv module decide
            return parse_line_by_line(data.decode("utf-8"), names, self.delimiter)
        return frame.with_columns(pl.Series("_fields", fields, dtype=pl.Int32))


UNCLOSED = -1


def field_counts(data: bytes, delimiter: str) -> "np.ndarray[tuple[int], np.dtype[np.int64]]":
    """The number of fields of each record (line) of `data`, on the bytes, vectorised."""
    text = np.frombuffer(data, dtype=np.uint8)
    newline, separator = text == ord("\n"), text == ord(delimiter)
    if b'"' in data:
        # Inside quotes neither delimiters nor newlines count; only the parity of the quotes
        # seen so far matters, so an 8-bit running sum (wrapping) is enough.
        outside = (np.cumsum(text == ord('"'), dtype=np.uint8) & 1) == 0
        newline &= outside
        separator &= outside
    ends = np.flatnonzero(newline)
    if data and not data.endswith(b"\n"):
        ends = np.append(ends, len(data))
    # Delimiters before each line end, one binary search per line (not per delimiter).
    before = np.searchsorted(np.flatnonzero(separator), ends)
    return np.diff(before, prepend=0) + 1


def shaped(frame: pl.DataFrame, width: int) -> tuple[pl.DataFrame, pl.Series]:
    """(the lines that are not empty, the row numbers of those that are); `_shape` says what is
    wrong with a line that is not `width` fields. A line of more fields than the header is never
    taken for empty: the fields beyond the header were not kept."""
    fields = pl.col("_fields")
    cells = column_names(width)
    blank = fields.is_between(1, width) & pl.all_horizontal(pl.col(cells).fill_null("").str.strip_chars() == "")
    shape = (
        pl.when(fields == UNCLOSED).then(TRUNCATED.expr())
        .when(fields != width).then(FIELD_COUNT.expr(count=fields, width=pl.lit(str(width))))
    )
    frame = frame.with_columns(blank.alias("_blank"))
    kept = frame.filter(~pl.col("_blank")).with_columns(shape.alias("_shape")).drop("_fields", "_blank")
    return kept, frame.filter(pl.col("_blank")).get_column("_row")


@dataclass
class EmptyRows:
    """The empty rows between data rows. Empty rows after the last data row (blank lines at the
    end of a file) are not worth a note: they are only counted once a data row follows them."""

    count: int = 0
    first: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)  # the first few rows since the last data row
    pending_count: int = 0

    def add(self, blank: pl.Series, data: pl.Series) -> None:
        last = data.max()
        if last is None:
            self._wait(blank)
            return
        self._confirm(self.pending, self.pending_count)
        before = blank.filter(blank < last)
        self._confirm(before.head(SHOWN_EMPTY_ROWS).to_list(), before.len())
        self.pending, self.pending_count = [], 0
        self._wait(blank.filter(blank > last))

    def _wait(self, blank: pl.Series) -> None:
        self.pending += blank.head(SHOWN_EMPTY_ROWS).to_list()
        del self.pending[SHOWN_EMPTY_ROWS:]
        self.pending_count += blank.len()

    def _confirm(self, rows: list[int], count: int) -> None:
        self.first += rows
        del self.first[SHOWN_EMPTY_ROWS:]
        self.count += count

    def note(self) -> str:
        return empty_rows_note(self.first, self.count)


def sniff_delimiter(header_line: str) -> str:
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])


class UnclosedQuote(Exception):
    """A quote open for longer than any field could be: the rest of the file is one "record"."""


class LongLine(Exception):
    """No line end for longer than any record could be."""

    def __init__(self, quoted: bool) -> None:
        super().__init__()
        self.quoted = quoted  # a quote is open at the end of what was read


def records(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """Blocks of about `size` bytes that end at a record boundary (a newline outside quotes)."""
    carry = b""
    while block := handle.read(size):
        buffer = carry + block if carry else block
        cut = last_record_end(buffer)
        if cut == 0:
            if len(buffer) > MAX_CHUNKS_PER_RECORD * size:
                # With a line end in it, the record only goes on because a quote is open.
                if b"\n" in buffer:
                    raise UnclosedQuote
                raise LongLine(quoted=buffer.count(b'"') % 2 == 1)
            carry = buffer
            continue
        yield buffer[:cut]
        carry = buffer[cut:]
    if carry.strip():
        yield carry


def last_record_end(buffer: bytes) -> int:
    """Index just after the last newline that is not inside a quoted field; 0 if none.

    Chunks start at record boundaries, so a newline is outside quotes when an even number of
    quote characters precedes it (an escaped quote "" counts twice and keeps the parity).
    """
    end = buffer.rfind(b"\n")
    quotes = buffer.count(b'"', 0, end) if end >= 0 else 0
    while end >= 0:
        if quotes % 2 == 0:
            return end + 1
        previous = buffer.rfind(b"\n", 0, end)
        quotes -= buffer.count(b'"', max(previous, 0), end)
        end = previous
    return 0


def parse_line_by_line(text: str, names: list[str], delimiter: str) -> pl.DataFrame:
    width = len(names)
    rows: list[list[str | None]] = []
    fields: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record in reader:
            rows.append([*record[:width], *([None] * (width - len(record)))])
            fields.append(max(len(record), 1))
    except csv.Error:
        rows.append([None] * width)
        fields.append(UNCLOSED)
    frame = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")
    return frame.with_columns(pl.Series("_fields", fields, dtype=pl.Int32))
