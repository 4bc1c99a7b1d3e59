"""One set-based merge from the staging table into a target table, by a natural key.

New keys are inserted, rows that are DISTINCT FROM the staged ones updated, identical rows not
written, so importing a file twice changes nothing. Each engine gets its fastest form (the
timings: docs/architecture.md, Departures, and bench/README.md): PostgreSQL finds the new keys first
(a TEMP table), then runs UPDATE ... FROM and INSERT ... SELECT, avoiding ON CONFLICT's speculative
insertion per row; SQLite runs one INSERT ... ON CONFLICT DO UPDATE ... WHERE distinct. A merge that
grows its table by a third or more builds the indexes again after the insert (`rebuilt_indexes`).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import connection

from entas.ingest.models import ImportBatch
from entas.ingest.staging import Staging, one, rows, run

BATCH = ImportBatch._meta.db_table

REBUILD_MIN_ROWS = 100_000
# Build anew when the insert adds at least 1/REBUILD_SHARE of the stored rows: from there a sorted
# build of the whole index beats random insertions of that many keys (bench/README.md).
REBUILD_SHARE = 3


@dataclass(frozen=True)
class Upsert:
    table: str
    key: tuple[str, ...]  # target columns of a unique constraint; never null in the source
    columns: dict[str, str]  # target column -> SQL expression over `source`, key columns included
    source: str  # FROM ... WHERE ... over the staging table (and joins)
    batch_id: int  # written to `stamp` with every insert and update
    params: Sequence[Any] = ()  # for the %s in `columns` (in order), then in `source`
    stamp: str = "batch_id"
    within: str = ""  # predicate on target rows when `key` is unique only among them (partial index)
    # ISO extract date of this batch: a stored row last written by a batch of a LATER extract is
    # left as it is, so loading an old extract after a newer one does not turn the clock back.
    extract_date: str = ""
    # Written when a row is inserted, never by an update (e.g. since when a person belongs to their
    # household); the %s in these come after those of `columns` in `params`.
    on_insert: dict[str, str] = field(default_factory=dict)

    @property
    def compared(self) -> list[str]:
        return [c for c in self.columns if c not in self.key]

    @property
    def names(self) -> list[str]:
        return [*self.columns, *self.on_insert, self.stamp]

    def select(self) -> str:
        written = {**self.columns, **self.on_insert}
        exprs = [f"{expr} AS {col}" for col, expr in written.items()] + [f"{int(self.batch_id)} AS {self.stamp}"]
        return f"SELECT {', '.join(exprs)} {self.source}"

    def matches(self, target: str, staged: str) -> str:
        found = [f"{target}.{k} = {staged}.{k}" for k in self.key]
        return " AND ".join(found + ([f"{target}.{self.within}"] if self.within else []))

    def differs(self, staged: str) -> str:
        changed = " OR ".join(f"t.{c} IS DISTINCT FROM {staged}.{c}" for c in self.compared) or "FALSE"
        return f"({changed}) AND NOT ({self.newer_stored()})" if self.extract_date else changed

    def newer_stored(self) -> str:
        """Target row `t` was last written by a batch of a later extract than this one."""
        date.fromisoformat(self.extract_date)  # our own ISO date: safe to write as a literal
        return (f"EXISTS (SELECT 1 FROM {BATCH} AS b WHERE b.id = t.{self.stamp} "
                f"AND b.extract_date > '{self.extract_date}')")

    def new_keys(self, name: str) -> str:
        keys = ", ".join(f"s.{k}" for k in self.key)
        return (f"CREATE TEMP TABLE {name} AS SELECT {keys} FROM ({self.select()}) AS s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {self.table} AS t WHERE {self.matches('t', 's')})")

    def update(self) -> str:
        assignments = ", ".join(f"{c} = s.{c}" for c in (*self.compared, self.stamp))
        return (f"UPDATE {self.table} AS t SET {assignments} FROM ({self.select()}) AS s "
                f"WHERE {self.matches('t', 's')} AND ({self.differs('s')})")

    def kept_newer(self) -> str:
        """Count of the staged rows whose stored row comes from a later extract (left as it is)."""
        return (f"SELECT COUNT(*) FROM ({self.select()}) AS s JOIN {self.table} AS t ON {self.matches('t', 's')} "
                f"WHERE {self.newer_stored()}")

    def insert(self, new_keys: str | None = None) -> str:
        """Insert the staged rows whose keys are in `new_keys`; all of them without it."""
        match = " AND ".join(f"n.{k} = s.{k}" for k in self.key)
        only_new = f" JOIN {new_keys} AS n ON {match}" if new_keys else ""
        return (f"INSERT INTO {self.table} ({', '.join(self.names)}) SELECT {', '.join(f's.{c}' for c in self.names)} "
                f"FROM ({self.select()}) AS s{only_new}")

    def insert_or_update(self) -> str:
        assignments = ", ".join(f"{c} = excluded.{c}" for c in (*self.compared, self.stamp))
        conflict = f"({', '.join(self.key)})" + (f" WHERE {self.within}" if self.within else "")
        # "WHERE true" keeps SQLite from reading ON CONFLICT as the ON of a join.
        return (f"INSERT INTO {self.table} AS t ({', '.join(self.names)}) SELECT {', '.join(self.names)} "
                f"FROM ({self.select()}) AS s WHERE true ON CONFLICT {conflict} DO UPDATE SET {assignments} "
                f"WHERE {self.differs('excluded')}")


@dataclass(frozen=True)
class Counts:
    inserted: int
    updated: int
    # Rows with a greater id are the inserted ones: ids only grow, and nobody else writes meanwhile.
    last_old_id: int = 0
    kept_newer: int = 0  # matched rows left alone because a later extract wrote them


def updated_table(table: str) -> str:
    return f"ingest_updated_{table}"


NEW_KEYS = "ingest_new_keys"


def upsert(merge: Upsert, *, keep_updated: bool = False) -> Counts:
    """Merge; with `keep_updated`, TEMP table updated_table(merge.table) holds the ids of the
    rows this merge updated (the inserted ones are those after Counts.last_old_id)."""
    locked_for_merge(merge.table)
    last_old_id = int(one(f"SELECT COALESCE(MAX(id), 0) FROM {merge.table}")[0])
    if keep_updated:
        run(f"DROP TABLE IF EXISTS {updated_table(merge.table)}")
        run(f"CREATE TEMP TABLE {updated_table(merge.table)} (id bigint)")
    kept_newer = 0
    if merge.extract_date and _later_extract_stored(merge):
        kept_newer = int(one(merge.kept_newer(), merge.params)[0])
    else:
        # The usual case, extracts imported in date order: no per-row check needed.
        merge = replace(merge, extract_date="")
    counts = (_postgresql if connection.vendor == "postgresql" else _sqlite)(merge, keep_updated, last_old_id)
    return replace(counts, kept_newer=kept_newer)


def locked_for_merge(table: str) -> None:
    """PostgreSQL: no other writer changes `table` until this transaction ends (readers still can),
    so two imports of one table run one after the other."""
    if connection.vendor == "postgresql":
        run(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def _later_extract_stored(merge: Upsert) -> bool:
    # Any finished batch of a later extract (of whatever target): the batch table is small.
    return bool(one(f"SELECT EXISTS (SELECT 1 FROM {BATCH} WHERE extract_date > %s AND status = %s AND id <> %s)",
                    [merge.extract_date, ImportBatch.Status.DONE, merge.batch_id])[0])


def _postgresql(merge: Upsert, keep_updated: bool, last_old_id: int) -> Counts:
    if not one(f"SELECT EXISTS (SELECT 1 FROM {merge.table} WHERE {merge.within or 'TRUE'})")[0]:
        # A first load (of the rows the key is unique among): every key is new, so neither the
        # anti-join nor the update is needed. The staged rows bound the new ones (rejected rows
        # included), enough to choose a rebuild; the planner's count of them saves a scan.
        staged = _staged_rows()
        with rebuilt_indexes(merge.table, staged, 0), ids_drawn_in_blocks(merge.table):
            return Counts(run(merge.insert(), merge.params), 0, last_old_id)
    run(f"DROP TABLE IF EXISTS {NEW_KEYS}")
    # The new keys before inserting: an anti-join inside the INSERT, planned against an empty
    # table, would rescan the table the statement is growing (quadratic).
    run(merge.new_keys(NEW_KEYS), merge.params)
    run(f"ANALYZE {NEW_KEYS}")
    new_rows = int(one(f"SELECT COUNT(*) FROM {NEW_KEYS}")[0])
    try:
        if keep_updated:
            keep = f"INSERT INTO {updated_table(merge.table)} (id) SELECT id FROM changed"
            updated = run(f"WITH changed AS ({merge.update()} RETURNING t.id) {keep}", merge.params)
        else:
            updated = run(merge.update(), merge.params)
        with rebuilt_indexes(merge.table, new_rows, last_old_id), ids_drawn_in_blocks(merge.table):
            inserted = run(merge.insert(NEW_KEYS), merge.params)
        return Counts(inserted, updated, last_old_id)
    finally:
        run(f"DROP TABLE IF EXISTS {NEW_KEYS}")


def _staged_rows() -> int:
    """About the rows of the staging table: as its ANALYZE estimated them from the sampled pages
    (close for a table only appended to), or counted now when it was not analysed."""
    estimate = float(one("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Staging.name])[0])
    return int(estimate) if estimate >= 0 else int(one(f"SELECT COUNT(*) FROM {Staging.name}")[0])


def _sqlite(merge: Upsert, keep_updated: bool, last_old_id: int) -> Counts:
    changed = run(merge.insert_or_update(), merge.params)  # inserted plus updated rows
    inserted = int(one(f"SELECT COUNT(*) FROM {merge.table} WHERE id > %s", [last_old_id])[0])
    if keep_updated and changed > inserted:
        # SQLite cannot feed RETURNING into another statement: updated rows carry the stamp.
        run(f"INSERT INTO {updated_table(merge.table)} (id) SELECT id FROM {merge.table} "
            f"WHERE id <= %s AND {merge.stamp} = %s", [last_old_id, merge.batch_id])
    return Counts(inserted, changed - inserted, last_old_id)


@contextmanager
def ids_drawn_in_blocks(table: str, block: int = 1000) -> Iterator[None]:
    """PostgreSQL: around a bulk insert, the id sequence of `table` hands this session ids a block
    at a time instead of locking and changing its page for every row (docs/architecture.md,
    Departures). ALTER SEQUENCE holds other sessions' draws until commit; their inserts wait for the
    table lock anyway. Setting the cache back drops the unused rest of the block, so no id lower
    than a stored one is handed out later (that would break Counts.last_old_id)."""
    sequence = one("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
    if not sequence:
        yield
        return
    run(f"ALTER SEQUENCE {sequence} CACHE {int(block)}")
    yield
    run(f"ALTER SEQUENCE {sequence} CACHE 1")


@contextmanager
def rebuilt_indexes(table: str, new_rows: int, stored_rows: int) -> Iterator[None]:
    """Around a bulk insert of `new_rows` into `table` (holding about `stored_rows`; ids are a fair
    upper bound): on PostgreSQL, when the insert grows a table by a third or more, its indexes
    are built again afterwards (`indexes_built_after`): one sorted build instead of updating each
    index row by row in random key order. The unique ones are rebuilt too, so uniqueness is checked
    again before commit. Readers of the table wait until the import commits, so smaller merges keep
    their indexes and never block readers."""
    if connection.vendor != "postgresql" or new_rows < max(REBUILD_MIN_ROWS, stored_rows // REBUILD_SHARE):
        yield
        return
    with indexes_built_after(table, new_rows):
        yield


@contextmanager
def indexes_built_after(table: str, new_rows: int = 0) -> Iterator[None]:
    """PostgreSQL: drop the indexes of `table` and the unique constraints behind them, and build
    them again when the block ends, inside the caller's transaction, so a failure leaves them as
    they were. The primary key too, when no other table's foreign key depends on it, or when the
    tables whose foreign keys do hold fewer rows than the `new_rows` the block inserts: those keys
    are dropped with it and added again after, which checks each of their rows once (one lookup
    in the rebuilt key) instead of adding each inserted row to the key, the dearer of the two
    (docs/architecture.md, Departures)."""
    references = rows(
        "SELECT f.conrelid::regclass::text, f.conname, pg_get_constraintdef(f.oid), f.conrelid = f.confrelid "
        "FROM pg_constraint AS f WHERE f.contype = 'f' AND f.confrelid = %s::regclass ORDER BY 1, 2", [table])
    with_primary = not references or (not any(own for *_, own in references) and _fewer_rows_than(
        sorted({referencing for referencing, *_ in references}), new_rows))
    found = rows(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid), c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid "
        "LEFT JOIN pg_constraint AS c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
        "WHERE x.indrelid = %s::regclass AND (NOT x.indisprimary OR %s) "
        "ORDER BY x.indisprimary DESC, i.relname", [table, with_primary])
    if not found:  # none left to drop, e.g. inside an enclosing rebuild of the same table
        yield
        return
    dropped_references = references if with_primary else []
    if dropped_references:
        # A table with deferred checks of its own foreign keys pending cannot be altered: run them first.
        run("SET CONSTRAINTS ALL IMMEDIATE")
        for referencing, constraint, _definition, _own in dropped_references:
            run(f'ALTER TABLE {referencing} DROP CONSTRAINT "{constraint}"')
        run("SET CONSTRAINTS ALL DEFERRED")
    for index, _definition, constraint, _constraint_definition in found:
        run(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"' if constraint else f'DROP INDEX "{index}"')
    yield
    # An index cannot be built while deferred foreign-key checks of the insert are pending: run them now.
    run("SET CONSTRAINTS ALL IMMEDIATE")
    # Sorting for the builds: bounded by this setting, not by the table.
    run("SET LOCAL maintenance_work_mem = '512MB'")
    for _index, definition, constraint, constraint_definition in found:
        run(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_definition}' if constraint else definition)
    for referencing, constraint, definition, _own in dropped_references:
        run(f'ALTER TABLE {referencing} ADD CONSTRAINT "{constraint}" {definition}')
    run("SET CONSTRAINTS ALL DEFERRED")


def _fewer_rows_than(tables: list[str], limit: int) -> bool:
    """Whether `tables` together hold fewer than `limit` rows; reads at most `limit` of them."""
    held = 0
    for name in tables:
        held += int(one(f"SELECT COUNT(*) FROM (SELECT 1 FROM {name} LIMIT %s) AS x", [limit])[0])
        if held >= limit:
            return False
    return True
