"""Spreadsheet files that are zip archives (XLSX, ODS), checked before calamine opens them.

calamine inflates a whole sheet and builds a dense grid from its first to its last cell, so a file
of a few kilobytes can ask for more memory than the machine has and abort the process, with no
exception to catch (issue 12). So the archive is read here first, in memory bounded by one read
buffer: the sizes each part declares (IMPORT_XLSX_MAX_RATIO, IMPORT_XLSX_MAX_BYTES), every part
inflated and counted, and the grid of the sheet's cells (IMPORT_XLSX_MAX_CELLS). The checks cost
less than one load of the sheet by calamine (bench/README.md).
"""

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.errors import ImportFileError

DAMAGED = Message(gettext_noop("%(file)s: the spreadsheet file is damaged or incomplete (cut off while copying or "
                               "uploading?), it cannot be opened; save or export it again"))
PART_INFLATES = Message(gettext_noop("%(file)s: its part %(part)s inflates to %(inflated)s bytes, more than %(ratio)s "
                                     "times the file's %(size)s bytes or %(most)s bytes; such a file (a 'zip bomb', or "
                                     "a sheet of mostly empty cells) is not read. Copy the data into a new sheet, or "
                                     "save it as CSV UTF-8"))
PARTS_INFLATE = Message(gettext_noop("%(file)s: its parts together inflate to %(inflated)s bytes, more than %(ratio)s "
                                     "times the file's %(size)s bytes or %(most)s bytes; such a file (a 'zip bomb', or "
                                     "a sheet of mostly empty cells) is not read. Copy the data into a new sheet, or "
                                     "save it as CSV UTF-8"))
COMPRESSION = Message(gettext_noop("%(file)s: its part %(part)s is compressed in a way Entas cannot read; save the "
                                   "file again from Excel or LibreOffice, or as CSV UTF-8"))
BEYOND = Message(gettext_noop("%(file)s: a cell of %(part)s lies beyond the last row or column a spreadsheet can "
                              "have; save the data as a new file or as CSV UTF-8"))
SPAN = Message(gettext_noop("%(file)s: the cells of %(part)s span %(rows)s rows by %(columns)s columns, more than the "
                            "%(most)s cells a spreadsheet may have here (values far below or to the right of the "
                            "data?); delete the rows and columns after the data, or save it as CSV UTF-8"))

MAX_RATIO = 100  # a part may inflate to this many times the file's size (deflate reaches ~1,000)
MAX_BYTES = 2 << 30  # 2 GB: no part, nor all parts together, inflates to more
# calamine's peak memory grows with the cells of the grid; this many (a full sheet of 1,048,576 rows
# by 19 columns) keeps a load near the MAX_BYTES budget (the measurement: bench/README.md).
MAX_CELLS = 20_000_000
READ_BYTES = 8 << 20
MAX_DIGITS, MAX_LETTERS = 7, 3  # row 1,048,576 and column XFD: the last a spreadsheet has

# Cell references, found from their attribute ` r="B12"` (row tags carry digits only). Patterns
# that start with that literal run at memory speed; one that walks every tag is several times slower.
# A reference with more letters or more digits than any seen so far: one scan of a piece.
FARTHER = rb' r="(?=[A-Z]{%d,}[0-9]|[A-Z]+[0-9]{%d,}")([A-Z]+)([0-9]+)"'
REFERENCE = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"([^>]*)>')
UNREFERENCED = rb'(?:[>/]| (?!r="))'
PREFIX = re.compile(rb"<([\w.-]+:)?sheetData\b")
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
# ODS keeps all sheets in content.xml, and repeats a row or cell with an attribute: a file of a
# kilobyte whose row of repeated cells is itself repeated makes calamine build a grid of gigabytes.
ODS_CONTENT = "content.xml"
ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])([^>]*)>|</table:table-row>")
ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="([0-9]+)"')


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_archive(path: Path) -> None:
    """Raise ImportFileError unless the zip archive at `path` is whole and inflates within limits."""
    size = path.stat().st_size
    allowed = min(limit("IMPORT_XLSX_MAX_RATIO", MAX_RATIO) * size, limit("IMPORT_XLSX_MAX_BYTES", MAX_BYTES))
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_declared(path.name, parts, size, allowed)
            for part in parts:
                _check_part(path.name, archive, part)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(DAMAGED(file=path.name)) from None


def _check_declared(name: str, parts: list[zipfile.ZipInfo], size: int, allowed: int) -> None:
    largest = max(parts, key=lambda part: part.file_size, default=None)
    total = sum(part.file_size for part in parts)
    if largest is not None and largest.file_size > allowed:
        raise ImportFileError(_too_big(PART_INFLATES, name, largest.file_size, size, part=largest.filename))
    if total > allowed:
        raise ImportFileError(_too_big(PARTS_INFLATE, name, total, size))


def _too_big(message: Message, name: str, inflated: int, size: int, part: str = "") -> str:
    ratio, most = limit("IMPORT_XLSX_MAX_RATIO", MAX_RATIO), limit("IMPORT_XLSX_MAX_BYTES", MAX_BYTES)
    return message(file=name, part=part, inflated=f"{inflated:,}", ratio=ratio, size=f"{size:,}", most=f"{most:,}")


def _check_part(name: str, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Inflate the part once, in pieces. calamine trusts the data, not the sizes the directory
    declares; zipfile stops at the declared size and checks the CRC, so an archive that understates
    its sizes is refused as damaged. A sheet's cells are scanned for its grid on the way."""
    if part.is_dir():
        return
    try:
        handle = archive.open(part)
    except NotImplementedError:  # a compression method Python cannot inflate (Excel uses deflate)
        raise ImportFileError(COMPRESSION(file=name, part=part.filename)) from None
    with handle:
        if SHEET_PART.match(part.filename):
            _check_grid(name, part.filename, _pieces(handle), lambda: _reopened(archive, part))
        elif part.filename == ODS_CONTENT:
            grid = OdsGrid()
            for data in _pieces(handle):
                grid.add(data)
            _check_size(name, part.filename, grid.rows, grid.columns)
        else:
            for _ in _pieces(handle):
                pass


def _reopened(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(part) as handle:
        yield from _pieces(handle)


def _pieces(handle: IO[bytes]) -> Iterator[bytes]:
    """The part's bytes in pieces that end after a '>', so that no tag is cut in two."""
    tail = b""
    while block := handle.read(READ_BYTES):
        data = tail + block
        cut = data.rfind(b">") + 1
        yield data[:cut]
        tail = data[cut:]
    if tail:
        yield tail


@dataclass
class Grid:
    """What a sheet's cells tell of the grid calamine builds from them, counted cheaply: the most
    digits and letters a cell reference has bound the grid; only when that bound is too large are
    the references read one by one (`exact`)."""

    prefix: bytes | None = None  # the XML namespace prefix of the sheet's tags, e.g. b"x:"
    digits: int = 0
    letters: int = 0
    unnumbered_rows: int = 0  # row tags without r="": each comes after the one before
    unreferenced: int = 0  # most cells without r="" in one row: each comes after the one before
    open_row: int = 0  # such cells of the row the last piece ended in

    def add(self, data: bytes) -> None:
        if self.prefix is None and (found := PREFIX.search(data)):
            self.prefix = found.group(1) or b""
        while found := re.search(FARTHER % (self.letters + 1, self.digits + 1), data):
            self.letters = max(self.letters, len(found.group(1)))
            self.digits = max(self.digits, len(found.group(2)))
        row, cell = b"<" + (self.prefix or b"") + b"row", b"<" + (self.prefix or b"") + b"c"
        # Tags without a reference first are rare (Excel writes r="" first): then counted exactly.
        if re.search(re.escape(row) + UNREFERENCED, data):
            self.unnumbered_rows += data.count(row) - data.count(row + b' r="')
        if re.search(re.escape(cell) + UNREFERENCED, data):
            self._count_unreferenced(data, row, cell)

    def _count_unreferenced(self, data: bytes, row: bytes, cell: bytes) -> None:
        """Counted row by row. A reference that is not the first attribute counts as none,
        which only widens the bound."""
        count = self.open_row
        for index, text in enumerate(data.split(row)):
            cells = text.count(cell + b" ") + text.count(cell + b">") + text.count(cell + b"/")
            count = (count if index == 0 else 0) + cells - text.count(cell + b' r="')
            self.unreferenced = max(self.unreferenced, count)
        self.open_row = count

    def bounds(self) -> tuple[int, int]:
        """(rows, columns) of the grid at most."""
        return 10**self.digits - 1 + self.unnumbered_rows, (26 ** (self.letters + 1) - 26) // 25 + self.unreferenced

    @staticmethod
    def exact(pieces: Iterator[bytes]) -> tuple[int, int]:
        """(last row, last column) of the cells with a value (calamine skips cells without one:
        formatting only, `<c r="K9" s="1"/>`)."""
        rows = columns = 0
        for data in pieces:
            for letters, digits, rest in REFERENCE.findall(data):
                if not rest.endswith(b"/"):
                    rows, columns = max(rows, int(digits)), max(columns, column_number(letters))
        return rows, columns


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _check_grid(name: str, part: str, pieces: Iterator[bytes], again: Callable[[], Iterator[bytes]]) -> None:
    grid = Grid()
    for data in pieces:  # read to the end first: a damaged part (bad CRC) is named as such
        grid.add(data)
    if grid.digits > MAX_DIGITS or grid.letters > MAX_LETTERS:
        raise ImportFileError(BEYOND(file=name, part=part))
    rows, columns = grid.bounds()
    most = limit("IMPORT_XLSX_MAX_CELLS", MAX_CELLS)
    if rows * columns <= most:
        return
    last_row, last_column = Grid.exact(again())
    _check_size(name, part, last_row + grid.unnumbered_rows, last_column + grid.unreferenced)


def _check_size(name: str, part: str, rows: int, columns: int) -> None:
    most = limit("IMPORT_XLSX_MAX_CELLS", MAX_CELLS)
    if rows * columns > most:
        raise ImportFileError(SPAN(file=name, part=part, rows=f"{rows:,}", columns=f"{columns:,}", most=f"{most:,}"))


@dataclass
class OdsGrid:
    """The grid calamine builds from an ODS content.xml: up to the last row and column that hold a
    value (LibreOffice repeats empty rows to the end of the sheet; those do not count). Read tag by
    tag in Python: slower than the XLSX scan, and ODS files are rare here."""

    rows: int = 0  # last row with a value, in any sheet
    columns: int = 0  # last column with a value, in any row of any sheet
    row: int = 0  # rows of the sheet before the current one
    repeat: int = 1  # times the current row repeats
    column: int = 0  # cells before the current one in the current row
    last: int = 0  # last column with a value in the current row

    def add(self, data: bytes) -> None:
        for tag, attributes in ODS_TAG.findall(data):
            if tag == b"table":
                self.row = 0
            elif tag == b"table-row":
                found = ROWS_REPEATED.search(attributes)
                self.repeat, self.column, self.last = int(found.group(1)) if found else 1, 0, 0
            elif tag:
                found = COLUMNS_REPEATED.search(attributes)
                self.column += int(found.group(1)) if found else 1
                if b"office:value-type=" in attributes:
                    self.last = self.column
            else:
                if self.last:
                    self.rows, self.columns = max(self.rows, self.row + self.repeat), max(self.columns, self.last)
                self.row += self.repeat
