"""The monitoring dashboard at national scale (PostgreSQL), against the running server:

  pages     p50/p95 over --requests requests of the national dashboard and of a province page
            (logged in as a national administrator), served by `entas serve` (gunicorn) reading the
            rollups, vs computing the same numbers (every indicator for the period and the trend
            years, the chosen indicator per child region) straight from the base tables
  import    100,000 new households through the real import (ingest.services.import_file), then the
            incremental rollup update it triggers: the update alone and the total

  .venv/bin/python bench/bench_dashboard.py --people 200000          # a quick run
  .venv/bin/python bench/bench_dashboard.py --people 10000000        # the issue's size

Data is made with set-based SQL (generate_series): ~3.3 people per household spread over all
83,762 villages, enrolments of desil-1 households with graduations, relapses, assessments and
loans, enterprises, cooperatives with members, jobs; secondary indexes of the two big tables are
dropped during the load and rebuilt after it. The database `dashboard_bench` on
TEST_POSTGRES_URL's server is dropped and created.
"""

import argparse
import datetime
import http.cookiejar
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness
from bench.harness import OUT, ROOT, BenchDatabase, make_facilitators
from entas.ingest.staging import one, run

BENCH = BenchDatabase("dashboard_bench", "dashboard-bench.sqlite3")
DAY = datetime.date(2025, 7, 31)
PASSWORD = "bench-Dashboard-2025"
PROVINCE = "33"  # Jawa Tengah: the province page, and where the imported households live
PERIOD = "2025"
INDICATORS = [  # code, computation, unit
    ("kk-ekstrem", "extreme_poor_households", "KK"), ("kk-terdaftar", "households_enrolled", "KK"),
    ("kk-lulus", "graduated", "KK"), ("kk-bertahan", "sustained", "KK"),
    ("anggota-koperasi", "cooperative_members_desil_1_2", "orang"), ("kerja", "jobs_for_poor_people", "orang"),
    ("pinjaman", "loans_disbursed_count", "pinjaman"), ("pinjaman-rp", "loans_disbursed_rupiah", "Rp"),
    ("usaha-nib", "enterprises_formal", "usaha"), ("kambuh", "relapse_rate", "%"),
    ("pendapatan", "income_change_mean", "Rp"), ("pendamping", "facilitators_on_target", "%"),
]


def timed(label: str, work: Callable[[], Any]) -> tuple[float, Any]:
    return harness.timed(label, work, width=60, digits=9)


# --- data --------------------------------------------------------------------------------------


def make_registry(people: int) -> int:
    households = max(1, int(people / 3.3))
    run("CREATE TEMP TABLE bench_village AS SELECT (ROW_NUMBER() OVER (ORDER BY code) - 1)::int AS i, code "
        "FROM regions_region WHERE level = 4")
    run("CREATE UNIQUE INDEX ON bench_village (i)")
    villages = int(one("SELECT COUNT(*) FROM bench_village")[0])
    from entas.ingest.upsert import indexes_built_after

    # Indexes built once after the load, as a first national import does it.
    rebuilds = ExitStack()
    for table in ("registry_household", "registry_person"):
        rebuilds.enter_context(indexes_built_after(table))
    timed(f"{households:,} households (INSERT … SELECT generate_series)", lambda: run(f"""
        INSERT INTO registry_household (kk_number, village_id, decile, decile_source, decile_date, extreme_poor,
                                        per_capita_income, address)
        SELECT lpad(g::text, 16, '0'), v.code, 1 + (g * 7919) % 10, 'DTSEN', DATE '{DAY}',
               (g * 7919) % 10 = 0 AND g % 3 = 0, 300000 + (g * 31) % 700000, 'Dusun ' || (g % 20)
        FROM generate_series(1::bigint, {households}) AS g JOIN bench_village v ON v.i = (g * 104729) % {villages}"""))
    timed(f"{people:,} people", lambda: run(f"""
        INSERT INTO registry_person (nik, household_id, full_name, sex, birth_date, relationship)
        SELECT lpad(g::text, 16, '0'), 1 + (g - 1) % {households}, 'Warga ' || g,
               CASE WHEN g % 2 = 0 THEN 'P' ELSE 'L' END, DATE '1960-01-01' + (g % 20000)::int,
               CASE WHEN g <= {households} THEN 'head' ELSE 'child' END
        FROM generate_series(1::bigint, {people}) AS g"""))
    timed("rebuild the indexes and constraints of both tables", rebuilds.close)
    return households


def make_programmes() -> None:
    from entas.graduation import bulk
    from entas.programmes import services
    from entas.regions.models import Region

    agency = make_facilitators(60, yearly_target=3)
    prog = services.create_programme(None, name="Graduasi KPM", lead_agency=agency, start=datetime.date(2025, 1, 1),
                                     end=datetime.date(2027, 12, 31), decile_max=1, priority_locations_only=False)
    provinces = list(Region.objects.filter(level=1).values_list("code", flat=True))
    _, result = timed("enrolment of desil-1 households (bulk, with assignment)", lambda: bulk.enrol_in_bulk(
        None, prog, region_codes=provinces, on=datetime.date(2025, 2, 1)))
    print(f"    {result.enrolled:,} enrolled")

    def pathway() -> None:
        # A third graduated in 2025 (dates spread over the year), a tenth of those relapsed later.
        run("""UPDATE graduation_enrolment SET status = 'graduated',
               graduated_on = DATE '2025-01-15' + (id % 330)::int WHERE id % 3 = 0""")
        run("""INSERT INTO graduation_statuschange (enrolment_id, from_status, to_status, action, "on", note)
               SELECT id, 'ready', 'graduated', 'graduate', graduated_on, '' FROM graduation_enrolment
               WHERE id % 3 = 0""")
        run("""INSERT INTO graduation_statuschange (enrolment_id, from_status, to_status, action, "on", note)
               SELECT id, 'graduated', 'active', 'relapse', graduated_on + 20, '' FROM graduation_enrolment
               WHERE id % 30 = 0""")
        run("UPDATE graduation_enrolment SET status = 'active', graduated_on = NULL, relapses = 1 WHERE id % 30 = 0")
        run("UPDATE graduation_enrolment SET status = 'sustained' WHERE id % 3 = 0 AND id % 7 = 0 AND id % 30 <> 0")
        run("""INSERT INTO graduation_assessment (enrolment_id, date, per_capita_income, food_shortage)
               SELECT id, DATE '2025-02-10', 250000 + (id * 37) % 200000, TRUE FROM graduation_enrolment""")
        run("""INSERT INTO graduation_assessment (enrolment_id, date, per_capita_income, food_shortage)
               SELECT id, DATE '2025-09-10', 300000 + (id * 53) % 500000, FALSE FROM graduation_enrolment
               WHERE id % 2 = 0""")
        run("""INSERT INTO graduation_loan (enrolment_id, scheme, lender, amount, applied_on, status, status_on)
               SELECT id, 'kur_mikro', 'BRI', 1000000 * (1 + id % 20), DATE '2025-03-01' + (id % 250)::int,
                      CASE WHEN id % 4 = 0 THEN 'applied' ELSE 'disbursed' END, DATE '2025-03-01' + (id % 250)::int
               FROM graduation_enrolment WHERE id % 3 = 1""")

    timed("graduations, relapses, assessments, loans", pathway)


def make_enterprises(people: int) -> None:
    villages = int(one("SELECT COUNT(*) FROM bench_village")[0])
    enterprises, cooperatives = max(1, people // 20), max(1, people // 200)

    def load() -> None:
        run(f"""INSERT INTO enterprises_enterprise (name, nib, owner_nik, village_id, kbli_code, kbli_version,
                                                    kbli_section, status)
                SELECT 'Usaha ' || g, CASE WHEN g % 2 = 0 THEN lpad(g::text, 13, '0') END,
                       lpad(g::text, 16, '0'), v.code, '10792', '2020', 'C', 'active'
                FROM generate_series(1::bigint, {enterprises}) AS g JOIN bench_village v
                  ON v.i = (g * 15485863::bigint) % {villages}""")
        run(f"""INSERT INTO enterprises_cooperative (name, type, village_id, status)
                SELECT 'Koperasi ' || g, 'producer', v.code, 'active'
                FROM generate_series(1::bigint, {cooperatives}) AS g
                JOIN bench_village v ON v.i = (g * 7907) % {villages}""")
        # Members and workers: every 20th / 50th person, chosen so that the heads among them are in
        # desil 1-2 (decile = 1 + h * 7919 mod 10) and the poor-member indicators have something to count.
        run(f"""INSERT INTO enterprises_membership (cooperative_id, person_id, joined, share_principal,
                                                    share_mandatory)
                SELECT 1 + g % {cooperatives}, g, DATE '2024-06-01' + (g % 500)::int, 100000, 0
                FROM generate_series(10::bigint, {people}, 20) AS g""")
        run(f"""INSERT INTO enterprises_job (enterprise_id, person_id, position, start)
                SELECT 1 + g % {enterprises}, g, 'pekerja', DATE '2024-09-01' + (g % 600)::int
                FROM generate_series(9::bigint, {people}, 50) AS g""")

    timed(f"{enterprises:,} enterprises, {cooperatives:,} cooperatives, members, jobs", load)


def build(people: int) -> None:
    print(f"data for {people:,} people (PostgreSQL, set-based)")
    started = time.perf_counter()
    BENCH.fresh("postgres")
    setup_django()
    from django.db import transaction

    with transaction.atomic():
        make_registry(people)
    make_programmes()
    with transaction.atomic():
        make_enterprises(people)
    timed("ANALYZE", lambda: run("ANALYZE"))
    print(f"  {'data built in':<60} {time.perf_counter() - started:9.2f} s")


def setup_django() -> None:
    for name, value in BENCH.environment("postgres").items():
        os.environ[name] = value
    os.environ["TASK_BACKEND"] = "immediate"  # the import's rollup update runs here, where it is timed
    import django

    django.setup()


def define_indicators() -> None:
    from entas.monitoring import services

    for year in (2025, 2026):
        services.open_year(None, year)
    for code, computation, unit in INDICATORS:
        services.create_indicator(None, code=code, name_id=code, name_en=code, unit=unit, computation=computation)


# --- the same numbers, from the base tables ----------------------------------------------------


def direct(scope: str | None, period_label: str) -> dict[str, Any]:
    """What the dashboard shows for `scope`, computed from the base tables: every indicator for each
    year of the trend (the chosen period among them), and the first indicator per child region."""
    from django.db.models.functions import Substr

    from entas.core.scoping import region_q
    from entas.monitoring.computations import REGISTRY, Computation
    from entas.monitoring.models import Indicator, Period
    from entas.regions.queries import CODE_LENGTH

    indicators = list(Indicator.objects.order_by("code"))
    numbers: dict[str, Any] = {}

    def total(computation: Computation, period: Period) -> Decimal | None:
        rows = computation.rows(period).filter(region_q(scope, computation.place))
        if not computation.is_ratio:
            return Decimal(rows.aggregate(v=computation.value)["v"] or 0)
        found = rows.aggregate(v=computation.value, d=computation.denominator)
        if not found["d"]:
            return None
        return (Decimal(found["v"] or 0) * computation.scale / Decimal(found["d"])).quantize(Decimal("0.01"))

    for period in Period.objects.filter(quarter__isnull=True):
        for indicator in indicators:
            numbers[f"{indicator.code}@{period}"] = total(REGISTRY[indicator.computation], period)
    child_level = 1 if scope is None else len(scope.split(".")) + 1
    first = REGISTRY[indicators[0].computation]
    chosen = Period.objects.get(year=int(period_label), quarter=None)
    children = (first.rows(chosen).filter(region_q(scope, first.place)).order_by()
                .values(child=Substr(first.place, 1, CODE_LENGTH[child_level])).annotate(v=first.value))
    numbers["children"] = {row["child"]: row["v"] for row in children}
    return numbers


def from_rollups(scope: str | None) -> dict[str, Any]:
    """The same numbers as `direct`, read from the rollups the way the dashboard reads them."""
    from django.db.models import Sum
    from django.db.models.functions import Substr

    from entas.core.scoping import region_q
    from entas.monitoring import rollups
    from entas.monitoring.models import Indicator, Period, Rollup
    from entas.regions.queries import CODE_LENGTH

    indicators = list(Indicator.objects.order_by("code"))
    numbers: dict[str, Any] = {}
    for period in Period.objects.filter(quarter__isnull=True):
        sums = rollups.totals(scope, 0, period)
        for indicator in indicators:
            default = None if rollups.is_ratio(indicator) else Decimal(0)
            numbers[f"{indicator.code}@{period}"] = sums.get((indicator.code, ""), default)
    child_level = 1 if scope is None else len(scope.split(".")) + 1
    chosen = Period.objects.get(year=int(PERIOD), quarter=None)
    children = (Rollup.objects.filter(region_q(scope, "village_id"), indicator=indicators[0], period=chosen)
                .annotate(child=Substr("village_id", 1, CODE_LENGTH[child_level])).values("child")
                .annotate(v=Sum("value")).values_list("child", "v"))
    numbers["children"] = {child: value for child, value in children}
    return numbers


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**BENCH.environment("postgres"), "TASK_BACKEND": "immediate"}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "entas"), "serve", "--bind", f"127.0.0.1:{port}",
                               "--no-task-worker", "--workers", "2", "--threads", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def logged_in(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                   "csrfmiddlewaretoken": token.group(1)}).encode()
    request = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": f"{base}/login/"})
    opener.open(request).read()
    if not any(cookie.name == "sessionid" for cookie in jar):
        raise SystemExit("login failed")
    return opener


def latencies(opener: urllib.request.OpenerDirector, url: str, n: int) -> list[float]:
    for _ in range(3):  # warm-up: connections, caches
        opener.open(url).read()
    seconds = []
    for _ in range(n):
        start = time.perf_counter()
        response = opener.open(url)
        response.read()
        seconds.append(time.perf_counter() - start)
        assert response.status == 200
    return seconds


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank


def bench_pages(report: dict[str, Any], requests: int, direct_repeats: int) -> None:
    from entas.accounts import services as accounts
    from entas.accounts.roles import Role

    accounts.create_user(None, username="bench", password=PASSWORD, role=Role.NATIONAL_ADMIN, agency=None)
    port = free_port()
    server = start_server(port)
    try:
        base = f"http://127.0.0.1:{port}"
        opener = logged_in(base, "bench")
        print(f"pages: {requests} requests each, server `entas serve` on port {port} (2 workers)")
        for name, scope, path in (("national", None, "/dashboard/"), ("province", PROVINCE, f"/dashboard/{PROVINCE}/")):
            page = latencies(opener, f"{base}{path}?period={PERIOD}", requests)
            base_times = []
            for _ in range(direct_repeats):
                start = time.perf_counter()
                numbers = direct(scope, PERIOD)
                base_times.append(time.perf_counter() - start)
            expected = from_rollups(scope)
            differ = [k for k in numbers if expected.get(k) != numbers[k]]
            report[name] = {"page_p50_ms": round(statistics.median(page) * 1000, 1),
                            "page_p95_ms": round(p95(page) * 1000, 1),
                            "base_p50_ms": round(statistics.median(base_times) * 1000, 1),
                            "base_p95_ms": round(p95(base_times) * 1000, 1), "base_repeats": direct_repeats,
                            "numbers_checked": len(numbers) - 1 + len(numbers["children"]),
                            "numbers_differing": differ}
            print(f"  {name:<9} page p50 {report[name]['page_p50_ms']:8.1f} ms  p95 {report[name]['page_p95_ms']:8.1f}"
                  f" ms | base tables p50 {report[name]['base_p50_ms']:9.1f} ms  p95 "
                  f"{report[name]['base_p95_ms']:9.1f} ms ({direct_repeats} runs) | "
                  f"{report[name]['numbers_checked']} numbers checked, {len(differ)} differ", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- the import --------------------------------------------------------------------------------


def bench_import(report: dict[str, Any], households: int) -> None:
    from django.db.models import Count

    from entas.core import events
    from entas.ingest.models import ImportBatch
    from entas.ingest.services import import_file
    from entas.monitoring import receivers, rollups
    from entas.monitoring.models import RefreshRequest
    from entas.registry.models import Household

    folder = OUT / f"dashboard-import-{households}"
    people = int(households * 3.82)  # the generator's household size
    if not (folder / "households.csv").exists():
        BENCH.manage("postgres", "synth", "--people", str(people), "--regions", PROVINCE, "--seed", "7",
                     "--out", str(folder))
    rows = sum(1 for _ in (folder / "households.csv").open()) - 1
    print(f"import of {rows:,} new households ({folder / 'households.csv'}) through the real pipeline")
    update: dict[str, Any] = {}
    # Time monitoring's part of the import's event (the request and its recompute after delivery).
    events._handlers.remove(receivers.on_events)

    def timed_receiver(delivered: Any) -> None:
        start = time.perf_counter()
        receivers.on_events(delivered)
        update["seconds"] = time.perf_counter() - start
        update["villages"] = sum(len(event.places) for event in delivered)

    events.subscribe(timed_receiver)
    before = Household.objects.count()
    start = time.perf_counter()
    batch = import_file(None, "registry", folder / "households.csv", kind="households")
    total = time.perf_counter() - start
    if batch.status != ImportBatch.Status.DONE:
        raise SystemExit(f"import failed: {batch.error_message}")
    waiting = RefreshRequest.objects.count()
    national = rollups.totals(None, 0, _year())
    counted = Household.objects.filter(extreme_poor=True).aggregate(n=Count("pk"))["n"]
    report["import"] = {"households_in_file": rows, "inserted": batch.inserted, "households_before": before,
                        "villages_touched": update.get("villages"), "rollup_update_s": round(update["seconds"], 2),
                        "import_without_update_s": round(total - update["seconds"], 2), "total_s": round(total, 2),
                        "requests_left_waiting": waiting,
                        "extreme_poor_rollup_equals_base": national[("kk-ekstrem", "")] == counted}
    r = report["import"]
    print(f"  inserted {batch.inserted:,} households in {r['villages_touched']:,} villages")
    print(f"  {'import (pipeline, merge)':<60} {r['import_without_update_s']:9.2f} s")
    print(f"  {'incremental rollup update (those villages only)':<60} {r['rollup_update_s']:9.2f} s")
    print(f"  {'total':<60} {r['total_s']:9.2f} s")
    print(f"  requests left waiting: {waiting}; extreme-poor rollup = base count: "
          f"{r['extreme_poor_rollup_equals_base']}")


def _year() -> Any:
    from entas.monitoring.models import Period

    return Period.objects.get(year=int(PERIOD), quarter=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--direct-repeats", type=int, default=5,
                        help="runs of the base-table computation (each is slow at scale)")
    parser.add_argument("--import-households", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"people": args.people, "started": datetime.datetime.now().isoformat()}
    build(args.people)
    from django.db import connection

    report["households"] = int(one("SELECT COUNT(*) FROM registry_household")[0])
    report["load_average"] = os.getloadavg()
    define_indicators()
    from entas.monitoring import rollups

    print("rollups")
    report["full_refresh_s"], written = timed("full refresh (every indicator, village and period)", rollups.refresh)
    print(f"    {written:,} rollup rows")
    connection.close()
    bench_pages(report, args.requests, args.direct_repeats)
    bench_import(report, args.import_households)
    report["load_average_end"] = os.getloadavg()
    summary(report)
    path = OUT / f"dashboard-{args.people}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    print(f"written {path}")


def summary(report: dict[str, Any]) -> None:
    print()
    print(f"{'measure':<44} {'ours':>12} {'base tables':>13} {'ratio':>8} {'target':>10}")
    for name in ("national", "province"):
        r = report[name]
        print(f"{name + ' page p95':<44} {r['page_p95_ms']:>9.1f} ms {r['base_p95_ms']:>10.1f} ms "
              f"{r['base_p95_ms'] / r['page_p95_ms']:>7.1f}x {'< 300 ms':>10}")
    i = report["import"]
    print(f"{'rollup update after the import':<44} {i['rollup_update_s']:>10.2f} s {'':>13} {'':>8} {'< 10 s':>10}")
    print(f"{'import + rollup update':<44} {i['total_s']:>10.2f} s")


if __name__ == "__main__":
    main()
