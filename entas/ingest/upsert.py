"""One set-based merge from the staging table into a target table, by a natural key.

New keys are inserted, stored rows that ARE DISTINCT FROM the staged ones updated, identical rows
not written at all, so importing the same file twice changes nothing. Each engine gets the form
that measured fastest for a million people:

- PostgreSQL: the keys not stored yet go to a TEMP table, then UPDATE ... FROM for the changed
  rows and INSERT ... SELECT for the new keys. INSERT ... ON CONFLICT DO UPDATE was a third
  slower (speculative insertion per row). The new keys are found before inserting because an
  anti-join inside the INSERT, planned against an empty table, rescans the table the statement
  is growing: quadratic. The target is locked against other writers for the transaction, so two
  imports of one table run one after the other; readers are not blocked.
- SQLite: INSERT ... ON CONFLICT DO UPDATE ... WHERE distinct, twice as fast there as the three
  statements. SQLite has one writer at a time anyway.

Follow-up statements (memberships of the people who are new or moved, say) find the inserted rows
by id (above Counts.last_old_id: ids only grow and nobody else writes meanwhile) and the updated
ones in a TEMP table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from entas.ingest.staging import one, run


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

    @property
    def compared(self) -> list[str]:
        return [c for c in self.columns if c not in self.key]

    @property
    def names(self) -> list[str]:
        return [*self.columns, self.stamp]

    def select(self) -> str:
        exprs = [f"{expr} AS {col}" for col, expr in self.columns.items()] + [f"{int(self.batch_id)} AS {self.stamp}"]
        return f"SELECT {', '.join(exprs)} {self.source}"

    def matches(self, target: str, staged: str) -> str:
        found = [f"{target}.{k} = {staged}.{k}" for k in self.key]
        return " AND ".join(found + ([f"{target}.{self.within}"] if self.within else []))

    def differs(self, staged: str) -> str:
        return " OR ".join(f"t.{c} IS DISTINCT FROM {staged}.{c}" for c in self.compared) or "FALSE"

    def new_keys(self, name: str) -> str:
        keys = ", ".join(f"s.{k}" for k in self.key)
        return (f"CREATE TEMP TABLE {name} AS SELECT {keys} FROM ({self.select()}) AS s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {self.table} AS t WHERE {self.matches('t', 's')})")

    def update(self) -> str:
        assignments = ", ".join(f"{c} = s.{c}" for c in (*self.compared, self.stamp))
        return (f"UPDATE {self.table} AS t SET {assignments} FROM ({self.select()}) AS s "
                f"WHERE {self.matches('t', 's')} AND ({self.differs('s')})")

    def insert(self, new_keys: str) -> str:
        match = " AND ".join(f"n.{k} = s.{k}" for k in self.key)
        return (f"INSERT INTO {self.table} ({', '.join(self.names)}) SELECT {', '.join(f's.{c}' for c in self.names)} "
                f"FROM ({self.select()}) AS s JOIN {new_keys} AS n ON {match}")

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
    last_old_id: int = 0  # rows with a greater id are the inserted ones


def updated_table(table: str) -> str:
    return f"ingest_updated_{table}"


NEW_KEYS = "ingest_new_keys"


def upsert(merge: Upsert, *, keep_updated: bool = False) -> Counts:
    """Merge; with `keep_updated`, TEMP table updated_table(merge.table) holds the ids of the
    rows this merge updated (the inserted ones are those after Counts.last_old_id)."""
    if connection.vendor == "postgresql":
        run(f"LOCK TABLE {merge.table} IN SHARE ROW EXCLUSIVE MODE")
    last_old_id = int(one(f"SELECT COALESCE(MAX(id), 0) FROM {merge.table}")[0])
    if keep_updated:
        run(f"DROP TABLE IF EXISTS {updated_table(merge.table)}")
        run(f"CREATE TEMP TABLE {updated_table(merge.table)} (id bigint)")
    if connection.vendor == "postgresql":
        return _postgresql(merge, keep_updated, last_old_id)
    return _sqlite(merge, keep_updated, last_old_id)


def _postgresql(merge: Upsert, keep_updated: bool, last_old_id: int) -> Counts:
    run(f"DROP TABLE IF EXISTS {NEW_KEYS}")
    run(merge.new_keys(NEW_KEYS), merge.params)
    run(f"ANALYZE {NEW_KEYS}")
    try:
        if keep_updated:
            keep = f"INSERT INTO {updated_table(merge.table)} (id) SELECT id FROM changed"
            updated = run(f"WITH changed AS ({merge.update()} RETURNING t.id) {keep}", merge.params)
        else:
            updated = run(merge.update(), merge.params)
        return Counts(run(merge.insert(NEW_KEYS), merge.params), updated, last_old_id)
    finally:
        run(f"DROP TABLE IF EXISTS {NEW_KEYS}")


def _sqlite(merge: Upsert, keep_updated: bool, last_old_id: int) -> Counts:
    changed = run(merge.insert_or_update(), merge.params)  # inserted plus updated rows
    inserted = int(one(f"SELECT COUNT(*) FROM {merge.table} WHERE id > %s", [last_old_id])[0])
    if keep_updated and changed > inserted:
        # SQLite cannot feed RETURNING into another statement: updated rows carry the stamp.
        run(f"INSERT INTO {updated_table(merge.table)} (id) SELECT id FROM {merge.table} "
            f"WHERE id <= %s AND {merge.stamp} = %s", [last_old_id, merge.batch_id])
    return Counts(inserted, changed - inserted, last_old_id)
