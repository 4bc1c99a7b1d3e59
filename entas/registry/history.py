"""The welfare history an import writes: one WelfareRecord per household named by the staged rows,
at the extract's date, set-based, in the import's transaction. A re-import of the same extract
replaces that date's values; other dates are never touched. The values are the file's own (a column
the file leaves empty, or lacks, is NULL in the history, not the household's older value).

PostgreSQL: the table is partitioned by year (migration 0009); `year_partition` makes the year's
partition before the rows go in. The first load of an extract date is one INSERT … SELECT; a reload
finds which keys are new first, then UPDATEs the changed rows and INSERTs the new ones, as
ingest.upsert does for the other tables. SQLite: one INSERT … ON CONFLICT DO UPDATE … WHERE distinct.
"""

from datetime import date

from django.db import connection

from entas.ingest.staging import Staging, date_param, one, run
from entas.ingest.upsert import Counts, locked_for_merge
from entas.registry.models import Household, WelfareRecord
from entas.registry.welfare import ASSETS_COLUMN, HOUSING_COLUMNS, assets_score_sql, housing_score_sql

TABLE = WelfareRecord._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"
HOUSEHOLD = Household._meta.db_table
VALUES = ("decile", "per_capita_income", "assets_score", "housing_score")
COLUMNS = ("household_id", "date", *VALUES, "batch_id")
STAGED = "ingest_welfare_staged"


def partition_name(year: int) -> str:
    return f"{TABLE}_y{int(year):04d}"


def year_partition(year: int) -> str:
    """PostgreSQL: the partition of `year`, made now when missing (rows of that year that went to
    the default partition move into it). Inside the caller's transaction: attaching locks the
    parent table against other imports' attaches, not against readers."""
    name = partition_name(year)
    if one("SELECT to_regclass(%s) IS NOT NULL", [name])[0]:
        return name
    start, end = date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat()
    within = f"date >= '{start}' AND date < '{end}'"
    run(f'CREATE TABLE "{name}" (LIKE "{TABLE}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    # The check lets ATTACH skip its scan of the new table; dropped after, as the bound says the same.
    run(f'ALTER TABLE "{name}" ADD CONSTRAINT "{name}_bound" CHECK ({within})')
    moved = run(f'INSERT INTO "{name}" SELECT * FROM "{DEFAULT_PARTITION}" WHERE {within}')
    if moved:
        run(f'DELETE FROM "{DEFAULT_PARTITION}" WHERE {within}')
    run(f"ALTER TABLE \"{TABLE}\" ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{start}') TO ('{end}')")
    run(f'ALTER TABLE "{name}" DROP CONSTRAINT "{name}_bound"')
    return name


def values_sql(present: set[str]) -> dict[str, str]:
    """The history columns as SQL over the staged row `s`; NULL for what the file lacks."""
    return {
        "decile": "s.decile" if "decile" in present else "NULL",
        "per_capita_income": "s.per_capita_income" if "per_capita_income" in present else "NULL",
        "assets_score": assets_score_sql("s") if ASSETS_COLUMN in present else "NULL",
        # The score needs all its columns (welfare.housing_score): without one of them, unknown.
        "housing_score": housing_score_sql("s") if present.issuperset(HOUSING_COLUMNS) else "NULL",
    }


def merge_welfare(extract_date: str, batch_id: int, present: set[str], where: str) -> Counts:
    """Write the history of the households the staged rows matching `where` name (already merged
    into the household table), at `extract_date` (ISO)."""
    when = date.fromisoformat(extract_date)
    if connection.vendor == "postgresql":
        year_partition(when.year)
    locked_for_merge(TABLE)
    exprs = {"household_id": "h.id", "date": date_param(), **values_sql(present), "batch_id": str(int(batch_id))}
    select = (f"SELECT {', '.join(f'{e} AS {c}' for c, e in exprs.items())} "
              f"FROM {Staging.name} AS s JOIN {HOUSEHOLD} AS h ON h.kk_number = s.kk_number WHERE {where}")
    params: list[object] = [extract_date]
    names = ", ".join(COLUMNS)
    if connection.vendor != "postgresql":
        return _sqlite(select, params, extract_date)
    # The BRIN index on the date answers this from a few pages.
    if not one(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE date = {date_param()})", [extract_date])[0]:
        return Counts(run(f"INSERT INTO {TABLE} ({names}) {select}", params), 0)
    run(f"DROP TABLE IF EXISTS {STAGED}")
    try:
        # New keys found before anything is written (ingest.upsert, NEW_KEYS: why).
        # The date as a constant, not x.date: the planner then reads the one partition that holds it.
        run(f"CREATE TEMP TABLE {STAGED} AS SELECT x.*, NOT EXISTS (SELECT 1 FROM {TABLE} AS t "
            f"WHERE t.household_id = x.household_id AND t.date = {date_param()}) AS new FROM ({select}) AS x",
            [*params, extract_date])
        run(f"ANALYZE {STAGED}")
        changed = " OR ".join(f"t.{c} IS DISTINCT FROM x.{c}" for c in VALUES)
        updated = run(f"UPDATE {TABLE} AS t SET {', '.join(f'{c} = x.{c}' for c in (*VALUES, 'batch_id'))} "
                      f"FROM {STAGED} AS x WHERE NOT x.new AND t.household_id = x.household_id "
                      f"AND t.date = {date_param()} AND ({changed})", [extract_date])
        inserted = run(f"INSERT INTO {TABLE} ({names}) SELECT {names} FROM {STAGED} WHERE new")
        return Counts(inserted, updated)
    finally:
        run(f"DROP TABLE IF EXISTS {STAGED}")


def _sqlite(select: str, params: list[object], extract_date: str) -> Counts:
    before = _rows_at(extract_date)
    changed = " OR ".join(f"t.{c} IS NOT excluded.{c}" for c in VALUES)
    assignments = ", ".join(f"{c} = excluded.{c}" for c in (*VALUES, "batch_id"))
    # "WHERE true" keeps SQLite from reading ON CONFLICT as the ON of a join.
    written = run(f"INSERT INTO {TABLE} AS t ({', '.join(COLUMNS)}) SELECT * FROM ({select}) WHERE true "
                  f"ON CONFLICT (household_id, date) DO UPDATE SET {assignments} WHERE {changed}", params)
    inserted = _rows_at(extract_date) - before
    return Counts(inserted, written - inserted)


def _rows_at(extract_date: str) -> int:
    return int(one(f"SELECT COUNT(*) FROM {TABLE} WHERE date = {date_param()}", [extract_date])[0])
