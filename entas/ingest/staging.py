"""The staging table of one import, and the set-based SQL run on it.

Every row of the file lands in a private staging table, valid or not, with `_row` and `_reasons`:
on PostgreSQL a TEMP table filled by COPY; on SQLite a file of the import's own filled through the
ADBC driver (`entas.ingest.sidefile`), or, inside a transaction, a TEMP table and executemany.
Checks that need other rows (the same key twice, a reference to nothing) are single UPDATE
statements on that table, so memory stays that of one chunk however large the file. Merging into
the target tables is `entas.ingest.upsert`.
"""

import contextlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest import sidefile
from entas.ingest.sidefile import SideFile

SQL_TYPES = {
    "postgresql": {"text": "text", "integer": "integer", "bigint": "bigint", "date": "date", "boolean": "boolean"},
    "sqlite": {"text": "TEXT", "integer": "INTEGER", "bigint": "INTEGER", "date": "TEXT", "boolean": "INTEGER"},
}


def run(sql: str, params: Sequence[Any] | None = None) -> int:
    """Execute one statement; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def one(sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone() or ())


def rows(sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


# SQLite's default page cache (2 MB) makes every index insert of a big merge a disk read.
SQLITE_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_session() -> Iterator[None]:
    """Connection settings for one bulk import, restored afterwards. Memory stays bounded: the
    cache is a fixed size whatever the file."""
    if connection.vendor == "postgresql":
        with _postgresql_session():
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    before = [one(f"PRAGMA {db}.cache_size")[0] for db in ("main", "temp")]
    for db in ("main", "temp"):
        run(f"PRAGMA {db}.cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        for db, size in zip(("main", "temp"), before, strict=True):
            run(f"PRAGMA {db}.cache_size = {int(size)}")


# The staging table is a TEMP table, kept in the session's own buffers (8 MB by default): a
# million staged rows would otherwise be written out and read back at every check.
POSTGRESQL_TEMP_BUFFERS = "512MB"
# Per sort or hash of one statement. At the default 4 MB, joining a million staged people to their
# households spills to disk in batches (bench/README.md).
POSTGRESQL_WORK_MEM = "256MB"


@contextmanager
def _postgresql_session() -> Iterator[None]:
    run(f"SET work_mem = '{POSTGRESQL_WORK_MEM}'")
    # Settable only before the session's first temporary table; a session that had one keeps its size.
    try:
        with transaction.atomic():
            run(f"SET temp_buffers = '{POSTGRESQL_TEMP_BUFFERS}'")
    except DatabaseError:
        pass
    try:
        yield
    finally:
        for setting in ("work_mem", "temp_buffers"):
            with contextlib.suppress(DatabaseError):
                run(f"RESET {setting}")


def date_param() -> str:
    """A %s placeholder for an ISO date: typed on PostgreSQL (a bare literal in a subquery is
    text there), plain on SQLite (which stores dates as ISO text; CAST AS date would give 2025)."""
    return "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"


def quote(text: str) -> str:
    """A SQL string literal for text written in our own code (messages), never for user data."""
    return "'" + text.replace("'", "''") + "'"


def append_reason(message_sql: str) -> str:
    return f"_reasons = CASE WHEN _reasons IS NULL THEN {message_sql} ELSE _reasons || '; ' || {message_sql} END"


# SQLite: the name the staging table's own file is attached under.
SIDE_SCHEMA = "ingest_side"
# PostgreSQL: a row's key (its columns joined by a unit separator) as 64 bits, for finding repeats.
KEY_HASH = "hashtextextended({}, 0)"

# (repeats differ in the `apart` column, exactly two rows) -> message of mark_duplicates
REPEATS = {
    (1, True): Message(gettext_noop("in more than one %(what)s in this file (rows %(first)s and %(last)s)"),
                       words=("what",)),
    (1, False): Message(gettext_noop("in more than one %(what)s in this file (rows %(first)s to %(last)s)"),
                        words=("what",)),
    (0, True): Message(gettext_noop("appears %(count)s times in this file (rows %(first)s and %(last)s)")),
    (0, False): Message(gettext_noop("appears %(count)s times in this file (rows %(first)s to %(last)s)")),
}


class Staging:
    name = "ingest_staging"
    rejects = "ingest_rejects"
    repeated = "ingest_repeated_keys"

    def __init__(self, columns: dict[str, str]) -> None:
        """`columns`: field name -> generic SQL type of entas.ingest.types."""
        self.vendor = connection.vendor
        self.columns = {"_row": "bigint", "_reasons": "text", **columns}
        self.loaded = 0  # rows staged (set by the pipeline)
        self.rejected_rows = 0  # rows with reasons (set by collect_rejects)
        self.villages: set[str] = set()  # named by rows that passed the row checks (set by the pipeline)
        self.side: SideFile | None = None  # SQLite outside a transaction: the table's own file

    def create(self) -> None:
        self.drop()
        types = SQL_TYPES[self.vendor]
        body = ", ".join(f"{name} {types[kind]}" for name, kind in self.columns.items())
        if sidefile.usable():
            self.side = SideFile(self.name, body)
        else:
            run(f"CREATE TEMP TABLE {self.name} ({body})")

    def finish_loading(self, rows: int) -> None:
        """All `rows` are staged: the checks and the merge can begin."""
        self.loaded = rows
        if self.side is not None:
            self.side.close()
            # Once attached, the staging table's unqualified name finds it there.
            run(f"ATTACH DATABASE %s AS {SIDE_SCHEMA}", [str(self.side.path)])
            # A failed import throws the file away: the checks need no journal for it.
            run(f"PRAGMA {SIDE_SCHEMA}.journal_mode = OFF")
            run(f"PRAGMA {SIDE_SCHEMA}.cache_size = -{SQLITE_CACHE_KIB}")

    def drop(self) -> None:
        if self.side is not None:
            if one("SELECT COUNT(*) FROM pragma_database_list WHERE name = %s", [SIDE_SCHEMA])[0]:
                run(f"DETACH DATABASE {SIDE_SCHEMA}")
            self.side.remove()
            self.side = None
        for table in (self.name, self.rejects, self.repeated):
            run(f"DROP TABLE IF EXISTS {table}")

    def encode(self, frame: pl.DataFrame) -> bytes | pl.DataFrame:
        """A checked chunk as `load` takes it, made without touching the connection, so the
        reading thread can do it while the previous chunk loads: CSV for PostgreSQL's COPY; for
        SQLite the frame with dates as ISO text and flags as 0/1, as SQLite stores them."""
        frame = frame.select(list(self.columns))
        if self.vendor != "postgresql":
            return frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"), pl.col(pl.Boolean).cast(pl.Int8),
                                      pl.col(pl.Null).cast(pl.String))
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False, null_value="", date_format="%Y-%m-%d")
        return buffer.getvalue()

    def load(self, encoded: bytes | pl.DataFrame) -> None:
        names = ", ".join(self.columns)
        if isinstance(encoded, bytes):
            with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {self.name} ({names}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(encoded)
            return
        if self.side is not None:
            self.side.append(encoded)
            return
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.name} ({names}) VALUES ({marks})", encoded.rows())

    def analyze(self) -> None:
        # Temp tables are never analysed by autovacuum; without statistics the planner guesses
        # a few hundred rows and picks nested loops for millions.
        if self.vendor == "postgresql":
            # A sample of 3,000 rows instead of 30,000 is plenty for what the planner needs here
            # (row counts, null shares, distinct keys) and a fraction of the cost (bench/README.md).
            run("SET LOCAL default_statistics_target = 10")
            run(f"ANALYZE {self.name}")
            run("SET LOCAL default_statistics_target TO DEFAULT")

    def mark_duplicates(self, key: Sequence[str], field: str, *, optional: Sequence[str] = (),
                        apart: str | None = None, apart_label: str = "", among: str = "") -> int:
        """Reject every row whose `key` occurs more than once. `optional` key columns may be
        empty (compared as ''). With `apart`, repeats that differ in that column get their own
        message, e.g. the same NIK in more than one household. `among`: only the rows where
        this predicate holds are compared (e.g. the enterprises without NIB)."""
        exprs = [f"COALESCE({c}, '')" if c in optional else c for c in key]
        target = [f"COALESCE({self.name}.{c}, '')" if c in optional else f"{self.name}.{c}" for c in key]
        conditions = [f"{c} IS NOT NULL" for c in key if c not in optional] + ([f"({among})"] if among else [])
        present = " AND ".join(conditions) or "TRUE"
        keys = ", ".join(f"{e} AS k{i}" for i, e in enumerate(exprs))
        run(f"DROP TABLE IF EXISTS {self.repeated}")
        if self.vendor == "postgresql":
            repeated = self._repeated_hashes(exprs, present)
        else:
            # First the repeated keys alone: the narrowest grouping of every row, and usually empty.
            run(f"CREATE TEMP TABLE {self.repeated} AS SELECT {keys} FROM {self.name} WHERE {present} "
                f"GROUP BY {', '.join(exprs)} HAVING COUNT(*) > 1")
            found = one(f"SELECT EXISTS (SELECT 1 FROM {self.repeated})")[0]
            repeated = " AND ".join(f"r.k{i} = {e}" for i, e in enumerate(exprs)) if found else ""
        if not repeated:
            return 0
        # MIN <> MAX rather than COUNT(DISTINCT): it keeps the grouping a hash aggregate, no sort.
        spread = f"CASE WHEN MIN({apart}) <> MAX({apart}) THEN 1 ELSE 0 END" if apart else "0"
        rows = {"first": "d.first_row", "last": "d.last_row", "count": "d.n", "what": quote(apart_label)}
        message = quote(field + ": ") + " || CASE " + " ".join(
            f"WHEN d.spread = {differs} AND d.n {'=' if two else '>'} 2 THEN {template.sql(**rows)}"
            for (differs, two), template in REPEATS.items()) + " END"
        groups = (
            f"SELECT {keys}, COUNT(*) AS n, MIN(_row) AS first_row, MAX(_row) AS last_row, {spread} AS spread "
            f"FROM {self.name} WHERE {present} AND EXISTS (SELECT 1 FROM {self.repeated} AS r WHERE {repeated}) "
            f"GROUP BY {', '.join(exprs)} HAVING COUNT(*) > 1"
        )
        match = " AND ".join([f"{t} = d.k{i}" for i, t in enumerate(target)] + ([f"({among})"] if among else []))
        return run(f"UPDATE {self.name} SET {append_reason(message)} FROM ({groups}) AS d WHERE {match}")

    def _repeated_hashes(self, exprs: list[str], present: str) -> str:
        """PostgreSQL: the 64-bit hashes of the keys that occur more than once go to the repeated
        table; the condition matching a row to them, or '' when no key repeats (the usual case).
        Sorting eight-byte hashes beats grouping the keys themselves, whose hash aggregate spills to
        disk on millions of keys (docs/architecture.md, Departures). A hash shared by different keys
        only makes those rows candidates; the caller groups them by key."""
        hashed = KEY_HASH.format(" || chr(31) || ".join(f"{e}::text" for e in exprs))
        total, distinct = one(f"SELECT COUNT(*), COUNT(DISTINCT {hashed}) FROM {self.name} WHERE {present}")
        if total == distinct:
            return ""
        run("SET LOCAL enable_hashagg = off")  # sorted: the hash aggregate is the slow way above
        run(f"CREATE TEMP TABLE {self.repeated} AS SELECT {hashed} AS k0 FROM {self.name} WHERE {present} "
            "GROUP BY 1 HAVING COUNT(*) > 1")
        run("SET LOCAL enable_hashagg TO DEFAULT")
        run(f"ANALYZE {self.repeated}")
        return f"r.k0 = {hashed}"

    def mark_missing(self, column: str, table: str, target_column: str, message: str) -> int:
        """Reject rows whose `column` names no row of `table` (e.g. a person's household)."""
        return run(
            f"UPDATE {self.name} SET {append_reason(quote(message))} WHERE {column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {table} AS t WHERE t.{target_column} = {self.name}.{column})"
        )

    def mark_outside(self, column: str, scope: str, message: str, *, via: tuple[str, str, str] | None = None) -> int:
        """Reject rows that lie outside the region `scope` (an importer's own region): by the dotted
        region code in `column`, or, with `via` = (table, key column, region column), by the region
        of the row of `table` that `column` names (e.g. the household of a person); `table` may be
        a parenthesised subquery when the region lies further away."""
        inside = "{0} = %s OR {0} LIKE %s"
        if via is None:
            where = f"{column} IS NOT NULL AND NOT ({inside.format(column)})"
        else:
            table, key, region = via
            where = (f"EXISTS (SELECT 1 FROM {table} AS t WHERE t.{key} = {self.name}.{column} "
                     f"AND NOT ({inside.format('t.' + region)}))")
        return run(f"UPDATE {self.name} SET {append_reason(quote(message))} WHERE {where}", [scope, scope + ".%"])

    def collect_rejects(self) -> int:
        """Copy the rejected rows aside, indexed by row, for the rejects file and the messages."""
        run(f"DROP TABLE IF EXISTS {self.rejects}")
        run(f"CREATE TEMP TABLE {self.rejects} AS SELECT _row, _reasons FROM {self.name} WHERE _reasons IS NOT NULL")
        run(f"CREATE INDEX {self.rejects}_row ON {self.rejects} (_row)")
        self.rejected_rows = int(one(f"SELECT COUNT(*) FROM {self.rejects}")[0])
        return self.rejected_rows

    @property
    def valid(self) -> int:
        """Rows without reasons, once collect_rejects has run: counted, not scanned again."""
        return self.loaded - self.rejected_rows

    def rejected(self, first_row: int, last_row: int, limit: int | None = None) -> list[tuple[int, str]]:
        sql = f"SELECT _row, _reasons FROM {self.rejects} WHERE _row BETWEEN %s AND %s ORDER BY _row"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [(int(r), str(m)) for r, m in rows(sql, [first_row, last_row])]
