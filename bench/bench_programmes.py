"""Programmes at national scale, set-based against a per-object loop in the same run:

  ranking      priority score of all 514 regencies and all 7,000-odd districts (3 grouped queries each)
               vs one query set per place (timed on 50, extrapolated)
  enrolment    bulk enrolment of the desil-1 households (~100,000 of 1 M) with facilitator assignment
               vs enrol_household() one by one (timed on a sample, extrapolated)
  evaluation   graduation criteria on the latest assessment of every enrolment vs evaluate_one()
               per enrolment (timed on a sample, extrapolated)

  .venv/bin/python bench/bench_programmes.py --db postgres --households 1000000
  .venv/bin/python bench/bench_programmes.py --db sqlite --households 200000

Data is made with SQL (households, enterprises, cooperatives spread over all 83,762 villages; one
facilitator per district). Databases: a fresh bench/out/bench-programmes.sqlite3 or the PostgreSQL
database `programmes_bench` (dropped and created) on BENCH_POSTGRES_SERVER.
"""

import argparse
import datetime
import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")
sys.path.insert(0, str(ROOT))
from bench.harness import make_facilitators, timed  # noqa: E402  (needs ROOT on the path)

DAY = datetime.date(2025, 7, 31)


def setup(db: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["ENTAS_DATA_DIR"] = str(OUT / "data")
    os.environ["DJANGO_SETTINGS_MODULE"] = "entas.settings"
    if db == "sqlite":
        path = OUT / "bench-programmes.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_SERVER.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS programmes_bench")
            conn.execute("CREATE DATABASE programmes_bench")
        os.environ["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + "/programmes_bench"
    import django

    django.setup()
    from django.core.management import call_command

    from entas.regions.loader import load_regions

    call_command("migrate", verbosity=0)
    load_regions(progress=lambda _: None)


def series(n: int) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"SELECT generate_series(1::bigint, {n}) AS g"
    return f"SELECT value AS g FROM generate_series(1, {n})" if _has_series() else (
        f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) SELECT g FROM s")


def _has_series() -> bool:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM generate_series(1, 1)")
        return True
    except Exception:
        return False


def make_data(households: int) -> None:
    from django.db import connection, transaction

    pad = "lpad(g::text, {w}, '0')" if connection.vendor == "postgresql" else "printf('%0{w}d', g)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_village (i INTEGER PRIMARY KEY, code VARCHAR(13))")
        cursor.execute("INSERT INTO bench_village SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code "
                       "FROM regions_region WHERE level = 4")
        cursor.execute("SELECT COUNT(*) FROM bench_village")
        villages = cursor.fetchone()[0]
        cursor.execute(f"""
            INSERT INTO registry_household (kk_number, village_id, decile, extreme_poor, per_capita_income)
            SELECT {pad.format(w=16)}, v.code, 1 + (g * 7919) % 10, (g * 7919) % 10 < 1 AND g % 3 = 0,
                   300000 + (g * 31) % 700000
            FROM ({series(households)}) s JOIN bench_village v ON v.i = (g * 104729) % {villages}""")
        cursor.execute(f"""
            INSERT INTO enterprises_enterprise (name, nib, village_id, kbli_code, kbli_version, kbli_section, status)
            SELECT 'Usaha ' || g, {pad.format(w=13)}, v.code, '10792', '2020',
                   substr('ACGIN', CAST(1 + g % 5 AS INTEGER), 1), 'active'
            FROM ({series(households // 10)}) s JOIN bench_village v ON v.i = (g * 15485863) % {villages}""")
        cursor.execute(f"""
            INSERT INTO enterprises_cooperative (name, type, village_id, status)
            SELECT 'Koperasi ' || g, 'producer', v.code, 'active'
            FROM ({series(households // 50)}) s JOIN bench_village v ON v.i = (g * 7907) % {villages}""")
        cursor.execute("DROP TABLE bench_village")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def bench_ranking(report: dict[str, Any]) -> None:
    from django.db.models import Count, Q

    from entas.enterprises.models import Cooperative, Enterprise
    from entas.programmes import priority
    from entas.regions.models import Region
    from entas.registry.models import Household

    def per_place(codes: list[str]) -> None:
        for code in codes:
            Household.objects.filter(village__pk__startswith=code + ".").aggregate(
                n=Count("id"), x=Count("id", filter=Q(extreme_poor=True)), d=Count("id", filter=Q(decile__lte=2)))
            Enterprise.objects.filter(village__pk__startswith=code + ".", status="active").aggregate(
                n=Count("id"), s=Count("kbli_section", distinct=True))
            Cooperative.objects.filter(village__pk__startswith=code + ".", status="active").count()

    for level, depth, noun in (("regency", 2, "regencies"), ("district", 3, "districts")):
        print(f"ranking of all {noun}")
        total = Region.objects.filter(level=depth).count()
        ranking = partial(priority.rank, priority.DEFAULT_WEIGHTS, level)
        seconds, ranked = timed("set-based (3 grouped queries)", ranking)
        assert len(ranked) == total
        report[f"ranking_{level}_set_based_s"] = seconds
        sample = list(Region.objects.filter(level=depth).values_list("code", flat=True)[:50])
        seconds, _ = timed(f"per {level} (50 {noun}, 3 queries each)", partial(per_place, sample))
        report[f"ranking_{level}_loop_s_extrapolated"] = seconds * total / 50
        print(f"  {f'  → extrapolated to {total:,} {noun}':<52} {seconds * total / 50:8.2f} s")


def bench_enrolment(report: dict[str, Any], agency: Any) -> Any:
    from entas.graduation import services as graduation
    from entas.graduation.models import Enrolment
    from entas.programmes import services
    from entas.registry.models import Household

    print("enrolment of desil-1 households with facilitator assignment")
    prog = services.create_programme(None, name="Bench", lead_agency=agency, start=DAY, end=DAY.replace(year=2028),
                                     decile_max=1, priority_locations_only=False)
    provinces = sorted({code[:2] for code in Household.objects.values_list("village_id", flat=True)[:5000]})
    seconds, result = timed("set-based (staged, windowed assignment, one INSERT)", lambda: graduation.enrol_in_bulk(
        None, prog, region_codes=provinces, on=DAY))
    report.update(enrol_set_based_s=seconds, enrolled=result.enrolled, assigned=result.assigned)
    print(f"  enrolled {result.enrolled:,}, assigned {result.assigned:,}, unassigned {result.unassigned:,}")
    loop_prog = services.create_programme(None, name="Bench loop", lead_agency=agency, start=DAY,
                                          end=DAY.replace(year=2028), decile_max=1, priority_locations_only=False)
    sample = list(Household.objects.filter(decile=1)[:1000])

    def loop() -> None:
        for home in sample:
            graduation.enrol_household(None, loop_prog, home, on=DAY)

    seconds, _ = timed("per household, enrol_household() (1,000, no assignment)", loop)
    report["enrol_loop_s_extrapolated"] = seconds * result.enrolled / len(sample)
    print(f"  {'  → extrapolated to the same number':<52} {report['enrol_loop_s_extrapolated']:8.2f} s")
    Enrolment.objects.filter(programme=loop_prog).delete()
    return prog


def make_assessments(prog: Any) -> Any:
    from django.db import connection

    from entas.graduation import rules

    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO graduation_assessment (enrolment_id, date, per_capita_income, business_months, savings,
                                               cooperative_member, school_age_children, children_in_school,
                                               food_shortage)
            SELECT id, '{DAY.isoformat()}', 400000 + (id * 37) % 500000, id % 12, (id * 13) % 3 * 100000,
                   id % 4 = 0, id % 3, CASE WHEN id % 5 = 0 THEN 0 ELSE id % 3 END, id % 7 = 0
            FROM graduation_enrolment WHERE programme_id = {int(prog.pk)}""")
    for province in {code[:2] for code in prog.enrolments.values_list("village_id", flat=True)[:20000]}:
        rules.set_poverty_line(None, province_code=province, valid_from=datetime.date(2025, 3, 1), amount=609_160)
    return rules.create_rule_set(None, prog, [
        {"code": "income_above_line", "essential": True}, {"code": "no_food_shortage", "essential": True},
        {"code": "business_running", "essential": True, "applies_when": "has_business"},
        {"code": "children_in_school", "essential": False, "applies_when": "has_school_age_children"},
        {"code": "savings", "essential": False}, {"code": "cooperative_member", "essential": False},
    ])


def bench_evaluation(report: dict[str, Any], prog: Any) -> None:
    from entas.graduation.criteria import definition
    from entas.graduation.evaluate import evaluate, evaluate_one

    print("graduation criteria on the latest assessment")
    rules = make_assessments(prog)
    enrolments = prog.enrolments.all()
    # One definition drives both evaluators (the SQL and the Python one the offline app mirrors).
    rules_data = definition(rules)
    seconds, outcomes = timed("set-based (one query)", lambda: evaluate(rules_data, enrolments))
    met = sum(o.essentials_met for o in outcomes)
    report.update(evaluate_set_based_s=seconds, evaluated=len(outcomes), essentials_met=met)
    print(f"  evaluated {len(outcomes):,}, essential criteria met by {met:,}")
    sample = list(enrolments.order_by("id")[:1000])
    seconds, loop = timed("per enrolment, evaluate_one() (1,000)",
                          lambda: [evaluate_one(rules_data, e) for e in sample])
    by_id = {o.enrolment_id: o for o in outcomes}
    assert all(by_id[o.enrolment_id] == o for o in loop if o is not None), "set-based and loop disagree"
    report["evaluate_loop_s_extrapolated"] = seconds * len(outcomes) / len(sample)
    print(f"  {'  → extrapolated to all (results agree on the sample)':<52} "
          f"{report['evaluate_loop_s_extrapolated']:8.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--capacity", type=int, default=20, help="families per facilitator (one per district)")
    args = parser.parse_args()
    setup(args.db)
    report: dict[str, Any] = {"db": args.db, "households": args.households}
    print(f"{args.db}, {args.households:,} households")
    report["make_data_s"], _ = timed("synthetic data (SQL)", lambda: make_data(args.households))
    agency = make_facilitators(args.capacity)
    bench_ranking(report)
    prog = bench_enrolment(report, agency)
    bench_evaluation(report, prog)
    out = OUT / f"results-programmes-{args.db}-{args.households}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
