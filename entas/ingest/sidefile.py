"""SQLite: the staging table in a file of its own, filled through the ADBC SQLite driver.

Python's sqlite3 module makes a Python object of every value and binds them one by one, a large
share of an import; the ADBC driver binds a chunk's Arrow columns in C (docs/architecture.md,
Departures). It writes through a connection of its own, so the table lives in a private file that
the import's connection attaches once loading is done (`Staging.finish_loading`). SQLite cannot
attach inside a transaction: there (a caller's atomic block, the tests) the table stays TEMP,
filled with executemany.
"""

import contextlib
import shutil
import tempfile
from pathlib import Path

import adbc_driver_sqlite
import polars as pl
from adbc_driver_manager import (
    INGEST_OPTION_MODE,
    INGEST_OPTION_MODE_APPEND,
    INGEST_OPTION_TARGET_TABLE,
    AdbcConnection,
    AdbcDatabase,
    AdbcStatement,
)
from django.db import connection

from entas.ingest import housekeeping


def usable() -> bool:
    """Whether the import's connection can attach a file now."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


class SideFile:
    def __init__(self, table: str, body: str) -> None:
        """Create `table` with column definitions `body` in a new private file."""
        self.table = table
        # Named after this process, so a crash's leftovers are found (ingest.housekeeping).
        self.folder = Path(tempfile.mkdtemp(prefix=housekeeping.staging_prefix(), dir=housekeeping.staging_dir()))
        self.path = self.folder / "staging.sqlite3"
        self.database: AdbcDatabase | None = adbc_driver_sqlite.connect(str(self.path))
        self.connection: AdbcConnection | None = AdbcConnection(self.database)
        # Nothing here outlives the import: no journal, no waiting for the disk.
        for sql in ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", f"CREATE TABLE {table} ({body})"):
            self._execute(sql)

    def _execute(self, sql: str) -> None:
        assert self.connection is not None
        statement = AdbcStatement(self.connection)
        try:
            statement.set_sql_query(sql)
            statement.execute_query()  # PRAGMA journal_mode answers with a row: a query, not an update
        finally:
            statement.close()

    def append(self, frame: pl.DataFrame) -> None:
        assert self.connection is not None, "loading is over: the file is closed"
        statement = AdbcStatement(self.connection)
        try:
            statement.set_options(**{INGEST_OPTION_TARGET_TABLE: self.table,
                                     INGEST_OPTION_MODE: INGEST_OPTION_MODE_APPEND})
            statement.bind_stream(frame.__arrow_c_stream__())
            statement.execute_update()
        finally:
            statement.close()

    def close(self) -> None:
        """Loading is over: the driver lets go of the file, which the import's connection attaches."""
        for handle in (self.connection, self.database):
            if handle is not None:
                with contextlib.suppress(Exception):
                    handle.close()
        self.connection = self.database = None

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)
