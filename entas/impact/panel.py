"""What an impact analysis reads from the database: the registry's extract dates and, per
household of the programme's regencies (inside the user's scope), when it was enrolled, its values
at the first extract (the covariates of matching) and the outcome at every extract. One grouped
query over the history; on PostgreSQL its answer is streamed with COPY."""

import datetime
import io

import numpy as np
import pandas as pd
import polars as pl
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Substr

from entas.core.scoping import region_q
from entas.graduation.models import Enrolment
from entas.impact.analysis import Panel
from entas.impact.outcomes import COVARIATES, Outcome
from entas.programmes.models import Programme
from entas.regions.codes import CODE_PATTERN
from entas.registry.models import Household, WelfareRecord


def extract_dates() -> list[datetime.date]:
    return sorted(WelfareRecord.objects.order_by().values_list("date", flat=True).distinct())


def programme_enrolments(programme_id: int, scope: str | None) -> QuerySet[Enrolment]:
    """The programme's enrolments inside the region `scope` (None: the whole country)."""
    return Enrolment.objects.filter(region_q(scope, "village_id"), programme_id=programme_id)


def programme_regencies(programme: Programme, scope: str | None) -> list[str]:
    enrolments = programme_enrolments(programme.pk, scope)
    return sorted(set(enrolments.order_by().annotate(regency=Substr("village_id", 1, 5))
                      .values_list("regency", flat=True).distinct()))


def _literal(value: object) -> str:
    """Values written into the SQL text (COPY takes no parameters): only ints, dates and codes."""
    if isinstance(value, bool) or not isinstance(value, int | datetime.date | str):
        raise TypeError(f"not a literal for the panel query: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return f"'{value.isoformat()}'"
    if not CODE_PATTERN.match(value):
        raise ValueError(f"not a region code: {value!r}")
    return f"'{value}'"


def _query(programme: Programme, outcome: Outcome, dates: list[datetime.date], regencies: list[str],
           scope: str | None) -> str:
    first = _literal(dates[0])
    columns = [f"MAX(CASE WHEN w.date = {first} THEN w.{c} END) AS {c}0" for c in COVARIATES]
    columns += [f"MAX(CASE WHEN w.date = {_literal(d)} THEN w.{outcome.column} END) AS y{i}"
                for i, d in enumerate(dates)]
    region = ""
    if scope is not None:
        region = f"AND (h.village_id = {_literal(scope)} OR h.village_id LIKE {_literal(scope)[:-1]}.%')"
    household, welfare, enrolment = (Household._meta.db_table, WelfareRecord._meta.db_table,
                                     Enrolment._meta.db_table)
    return (
        f"SELECT h.id, h.village_id AS village, e.enrolled_on, {', '.join(columns)} "
        f"FROM {household} AS h "
        f"JOIN {welfare} AS w ON w.household_id = h.id AND w.date IN ({', '.join(map(_literal, dates))}) "
        f"LEFT JOIN (SELECT household_id, MIN(enrolled_on) AS enrolled_on FROM {enrolment} "
        f"WHERE programme_id = {_literal(programme.pk)} GROUP BY household_id) AS e ON e.household_id = h.id "
        f"WHERE substr(h.village_id, 1, 5) IN ({', '.join(map(_literal, regencies))}) {region} "
        f"GROUP BY h.id, h.village_id, e.enrolled_on "
        # Comparison families must have been eligible (the programme's deciles) at the first extract.
        f"HAVING e.enrolled_on IS NOT NULL "
        f"OR MAX(CASE WHEN w.date = {first} THEN w.decile END) <= {_literal(programme.decile_max)}"
    )


def _read(sql: str, names: list[str]) -> pl.DataFrame:
    schema: dict[str, type[pl.DataType]] = {name: pl.Float64 for name in names}
    schema.update({"id": pl.Int64, "village": pl.Utf8, "enrolled_on": pl.Date})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            return pl.read_csv(buffer, has_header=False, new_columns=names, schema_overrides=schema)
        cursor.execute(sql)
        # SQLite gives dates as text.
        rows = pl.DataFrame(cursor.fetchall(), schema=[(n, pl.Utf8 if n == "enrolled_on" else schema[n])
                                                      for n in names], orient="row")
        return rows.with_columns(pl.col("enrolled_on").str.to_date())


def read_panel(programme: Programme, outcome: Outcome, scope: str | None) -> Panel:
    dates = extract_dates()
    regencies = programme_regencies(programme, scope)
    names = ["id", "village", "enrolled_on", *(f"{c}0" for c in COVARIATES), *(f"y{i}" for i in range(len(dates)))]
    if not dates or not regencies:
        return Panel(dates, pd.DataFrame({n: [] for n in [*names, "regency"]}), regencies)
    frame = _read(_query(programme, outcome, dates, regencies, scope), names)
    households = pd.DataFrame({name: frame[name].to_numpy() for name in names})
    households["regency"] = households["village"].str.slice(0, 5)
    households["enrolled_on"] = pd.to_datetime(households["enrolled_on"])
    for name in names[3:]:
        households[name] = households[name].astype(np.float64)
    return Panel(dates, households, regencies)
