"""The impact analysis at national scale on PostgreSQL: 1 M enrolled and 3 M eligible comparison
households with 8 quarterly extracts each (32 M history rows), a planted +8 % income effect, the
whole analysis (read, propensity score, matching, the Sun-Abraham regression) timed by stage, side
by side with the household-level regression it replaces (same estimator on household rows, timed on
a sample of villages and extrapolated).

  .venv/bin/python bench/bench_impact.py                      # 1 M + 3 M, 8 extracts
  .venv/bin/python bench/bench_impact.py --reuse              # analysis only, on the data of a former run
  .venv/bin/python bench/bench_impact.py --enrolled 100000 --comparison 300000

Database: `impact_bench` on BENCH_POSTGRES_SERVER (dropped and created unless --reuse).
"""

import argparse
import datetime
import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")
sys.path.insert(0, str(ROOT))

EXTRACTS = [datetime.date(2024, 3, 31) + datetime.timedelta(days=round(91.3125 * k)) for k in range(8)]
PER_VILLAGE = 200
EFFECT = math.log(1.08)


def setup(reuse: bool) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["ENTAS_DATA_DIR"] = str(OUT / "data")
    os.environ["DJANGO_SETTINGS_MODULE"] = "entas.settings"
    if not reuse:
        import psycopg

        with psycopg.connect(PG_SERVER.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS impact_bench")
            conn.execute("CREATE DATABASE impact_bench")
    os.environ["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + "/impact_bench"
    import django

    django.setup()
    if not reuse:
        from django.core.management import call_command

        from entas.regions.loader import load_regions

        call_command("migrate", verbosity=0)
        load_regions(progress=lambda _: None)


def step(label: str, sql: str) -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql)
    print(f"  {label:<44} {time.monotonic() - started:7.1f} s", flush=True)


def make_data(enrolled: int, comparison: int) -> int:
    """Households spread over whole regencies (PER_VILLAGE each), one in four enrolled in one of five
    quarterly cohorts; incomes: household effect + village shock per extract + trend + noise, and
    the planted effect from the first extract after enrolment. Returns the programme's id."""
    from entas.accounts.services import create_agency
    from entas.programmes.services import create_programme
    from entas.registry.history import year_partition

    total = enrolled + comparison
    agency = create_agency(None, code="bench", name="Bench", kind="ministry")
    programme = create_programme(None, name="Bench impact", lead_agency=agency, start=datetime.date(2024, 1, 1),
                                 end=datetime.date(2027, 12, 31), budget=0, priority_locations_only=False)
    villages = math.ceil(total / PER_VILLAGE)
    print(f"data: {total:,} households in {villages:,} villages, {len(EXTRACTS)} extracts", flush=True)
    normal = "sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())"  # Box-Muller
    # A household's own draws, the same in every extract: uniforms from hashes of its id.
    uniform = "((hashint8(h.id * {k} + {j}) & 2147483647)::float8 + 1) / 2147483650"

    def own_normal(k: int) -> str:
        return (f"sqrt(-2 * ln({uniform.format(k=k, j=1)})) * cos(2 * pi() * {uniform.format(k=k, j=2)})")

    step("villages", f"""CREATE TABLE bench_village AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code,
        {normal} * 0.05 AS s0, {normal} * 0.05 AS s1, {normal} * 0.05 AS s2, {normal} * 0.05 AS s3,
        {normal} * 0.05 AS s4, {normal} * 0.05 AS s5, {normal} * 0.05 AS s6, {normal} * 0.05 AS s7
        FROM regions_region WHERE level = 4 ORDER BY code LIMIT {villages}""")
    step("households", f"""INSERT INTO registry_household (kk_number, village_id, decile, extreme_poor)
        SELECT '33' || lpad(g::text, 14, '0'), v.code, 1 + g % 2, false FROM generate_series(0, {total - 1}) AS g
        JOIN bench_village AS v ON v.n = g / {PER_VILLAGE}""")
    # One in four enrolled, cohorts 2..6: enrolled 10 to 70 days after the extract before.
    step("enrolments", f"""INSERT INTO graduation_enrolment (programme_id, household_id, village_id, status,
        enrolled_on, cohort, relapses, exit_reason, contact_consent, contact_phone, version)
        SELECT {programme.pk}, h.id, h.village_id, 'enrolled', d.day, to_char(d.day, 'YYYY') || '-Q' ||
        to_char(d.day, 'Q'), 0, '', false, '', 1
        FROM registry_household AS h
        CROSS JOIN LATERAL (SELECT ('{EXTRACTS[0]}'::date + ((1 + h.id % 5) * 91.3125)::int
                                    + (10 + (h.id / 4) % 60)::int) AS day) AS d
        WHERE h.id % 4 = 0 AND h.id / 4 < {enrolled}""")
    for year in sorted({d.year for d in EXTRACTS}):
        year_partition(year)
    shocks = ", ".join(f"v.s{k}" for k in range(len(EXTRACTS)))
    step("welfare history (8 extracts)", f"""INSERT INTO registry_welfarerecord (household_id, date, decile,
        per_capita_income, assets_score, housing_score)
        SELECT h.id, x.day, 1 + ({uniform.format(k=3, j=3)} < 0.5)::int,
               round(exp(13.0 + {own_normal(5)} * 0.5 - 0.1 * (e.enrolled_on IS NOT NULL)::int + 0.01 * x.k
                         + (ARRAY[{shocks}])[x.k + 1] + {normal} * 0.1
                         + CASE WHEN e.enrolled_on IS NOT NULL AND x.day > e.enrolled_on THEN {EFFECT} ELSE 0 END)),
               floor({uniform.format(k=7, j=4)} * 6)::int, floor({uniform.format(k=11, j=5)} * 8)::int
        FROM registry_household AS h
        JOIN bench_village AS v ON v.code = h.village_id
        LEFT JOIN graduation_enrolment AS e ON e.household_id = h.id
        CROSS JOIN (SELECT k - 1 AS k, day FROM unnest(ARRAY[{", ".join(f"'{d}'::date" for d in EXTRACTS)}])
                    WITH ORDINALITY AS t(day, k)) AS x""")
    step("analyze", "ANALYZE")
    return programme.pk


def household_level(panel_frame: "pd.DataFrame", sample_villages: int) -> tuple[float, float, int]:
    """The same estimator on household rows (each household its own cell) for a sample of villages."""
    from entas.impact.analysis import cells
    from entas.impact.event_study import fit

    sample = panel_frame[panel_frame["village"].isin(sorted(panel_frame["village"].unique())[:sample_villages])]
    ys = [c for c in sample.columns if c.startswith("t") and c[1:].isdigit()]
    started = time.monotonic()
    village_fit = fit(cells(sample, ys))
    cell_seconds = time.monotonic() - started
    households = sample.assign(village=sample["village"] + ":" + sample["id"].astype(str))
    started = time.monotonic()
    unit_cells = cells(households, ys)
    unit_cells["village"] = unit_cells["village"].str.split(":").str[0]
    household_fit = fit(unit_cells)
    seconds = time.monotonic() - started
    assert abs(household_fit.overall.estimate - village_fit.overall.estimate) < 1e-8
    return seconds, cell_seconds, len(sample)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrolled", type=int, default=1_000_000)
    parser.add_argument("--comparison", type=int, default=3_000_000)
    parser.add_argument("--reuse", action="store_true", help="analyse the data of a former run")
    parser.add_argument("--sample-villages", type=int, default=200)
    options = parser.parse_args()
    setup(options.reuse)
    from django.db import connection

    from entas.impact.analysis import analyse
    from entas.impact.outcomes import OUTCOMES
    from entas.impact.panel import read_panel
    from entas.programmes.models import Programme

    if not options.reuse:
        started = time.monotonic()
        make_data(options.enrolled, options.comparison)
        print(f"  {'data made in':<44} {time.monotonic() - started:7.1f} s")
    programme = Programme.objects.get(name="Bench impact")
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT sum(pg_total_relation_size(relid)) FROM "
                       "pg_partition_tree('registry_welfarerecord')), (SELECT count(*) FROM registry_welfarerecord)")
        size, rows = cursor.fetchone()
    print(f"history: {rows:,} rows, {size / 2**30:.2f} GiB")

    print("analysis (income, whole country):", flush=True)
    total = time.monotonic()
    started = time.monotonic()
    panel = read_panel(programme, OUTCOMES["income"], None)
    read_seconds = time.monotonic() - started
    print(f"  {'read the panel (one grouped query, COPY)':<44} {read_seconds:7.1f} s  ({len(panel.households):,} "
          "households)", flush=True)
    keep: dict = {}
    started = time.monotonic()
    result = analyse(panel, OUTCOMES["income"], enrolled_in_scope=options.enrolled, regency_names={}, keep=keep)
    analyse_seconds = time.monotonic() - started
    whole = time.monotonic() - total
    print(f"  {'matching + cells + regression':<44} {analyse_seconds:7.1f} s")
    print(f"  {'whole analysis':<44} {whole:7.1f} s  (target 300 s)")
    estimate = result["estimate"]
    print(f"  effect: {estimate['shown']:.2f} % (95 % CI {estimate['shown_low']:.2f} to {estimate['shown_high']:.2f});"
          f" planted 8.00 %; pre-trend p = {result['pre_trend']['p_value']:.3f}; cells {result['fit']['cells']:,}, "
          f"villages {result['fit']['clusters']:,}")

    print(f"side by side on {options.sample_villages} villages:", flush=True)
    seconds, cell_seconds, sampled = household_level(keep["frame"], options.sample_villages)
    scale = len(keep["frame"]) / sampled
    print(f"  household rows: {seconds:.2f} s; village cells: {cell_seconds:.2f} s; ratio {seconds / cell_seconds:.1f}x"
          f" (same estimate); household rows for all {len(keep['frame']):,} households, extrapolated linearly: "
          f"{seconds * scale:.0f} s")


if __name__ == "__main__":
    main()
