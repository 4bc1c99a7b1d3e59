"""Registry people import, side by side in one run on the same file:

  ours         entas import (full validation, staging, cross-row checks, upsert, memberships)
  bulk_create  Django ORM bulk_create of the same rows, no validation
  raw          PostgreSQL COPY / SQLite executemany of the same rows straight into the person
               table, no validation, no staging, no memberships

Each path runs in its own process (so its peak RSS is its own) against the same database, after
the person and membership tables are emptied. Households are imported first (timed, reported).

  .venv/bin/python bench/bench_registry_import.py --db sqlite --people 1000000
  .venv/bin/python bench/bench_registry_import.py --db postgres --people 10000000 --paths ours,raw

Data: `entas synth` files in bench/out/synth-N (reused when present). Database: a fresh
bench/out/bench.sqlite3, or the PostgreSQL database `entas_bench` (dropped and created) on
TEST_POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432/postgres).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import OUT, ROOT, BenchDatabase

BENCH = BenchDatabase("entas_bench", "bench.sqlite3")
PERSON_COLUMNS = ["nik", "household_id", "full_name", "sex", "birth_date", "birth_place", "relationship",
                  "education", "occupation", "disability", "marital_status"]
CHUNK_ROWS = 200_000


def synth_files(db: str, people: int) -> Path:
    folder = OUT / f"synth-{people}"
    if not (folder / "people.csv").exists():
        BENCH.manage(db, "synth", "--people", str(people), "--out", str(folder))
    return folder


def child(db: str, path: str, file: Path) -> dict[str, Any]:
    """Run one path in a fresh process; its JSON report."""
    result = subprocess.run([sys.executable, __file__, "--db", db, "--child", path, "--file", str(file)],
                            env=BENCH.environment(db), check=True, capture_output=True, text=True)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# --- the paths, run inside the child ----------------------------------------------------------------


def empty_people() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE registry_person, registry_householdmembership, registry_assistancereceipt")
            cursor.execute("CHECKPOINT")
        else:
            for table in ("registry_assistancereceipt", "registry_householdmembership", "registry_person"):
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("VACUUM")


def run_ours(file: Path) -> int:
    from entas.ingest.models import ImportBatch
    from entas.registry.services import import_registry

    batch = import_registry(None, file, kind="households" if "households" in file.name else "people")
    if batch.status != ImportBatch.Status.DONE:
        raise SystemExit(f"import failed: {batch.error_message}")
    return batch.inserted + batch.updated + batch.unchanged


def people_batches(file: Path) -> Any:
    """The people file in chunks, household ids joined on: what both unvalidated paths load."""
    import polars as pl

    from entas.registry.models import Household

    homes = pl.DataFrame(list(Household.objects.values_list("kk_number", "id")), orient="row",
                         schema={"kk_number": pl.String, "household_id": pl.Int64})
    reader = pl.scan_csv(file, infer_schema=False).collect_batches(chunk_size=CHUNK_ROWS)
    for frame in reader:
        yield frame.join(homes, on="kk_number", how="inner").select(PERSON_COLUMNS)


def run_bulk_create(file: Path) -> int:
    import polars as pl
    from django.db import transaction

    from entas.registry.models import Person

    rows = 0
    with transaction.atomic():
        for frame in people_batches(file):
            frame = frame.with_columns(pl.col("birth_date").str.to_date(strict=False))
            Person.objects.bulk_create([Person(**values) for values in frame.iter_rows(named=True)], batch_size=2000)
            rows += frame.height
    return rows


def run_raw(file: Path) -> int:
    import io

    from django.db import connection, transaction

    rows = 0
    names = ", ".join(PERSON_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        for frame in people_batches(file):
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                frame.write_csv(buffer, include_header=False)
                with cursor.cursor.copy(f"COPY registry_person ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(PERSON_COLUMNS))
                cursor.executemany(f"INSERT INTO registry_person ({names}) VALUES ({marks})", frame.rows())
            rows += frame.height
    return rows


def run_child(path: str, file: Path) -> None:
    import django

    django.setup()
    if path != "households":
        empty_people()
    from entas.ingest.staging import bulk_session

    run = {"households": run_ours, "ours": run_ours, "bulk_create": run_bulk_create, "raw": run_raw}[path]
    started = time.perf_counter()
    # The same connection settings for every path (SQLite: a bigger page cache), so that the
    # comparison measures validation and staging, not tuning.
    with bulk_session():
        rows = run(file)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"path": path, "rows": rows, "seconds": round(seconds, 2), "peak_rss_mb": round(peak)}))


# --- the report ---------------------------------------------------------------------------------------


def report(db: str, people: int, file: Path, results: list[dict[str, Any]], load: list[float]) -> None:
    raw = next((r for r in results if r["path"] == "raw"), None)
    print(f"\nRegistry import benchmark: {db}, {people:,} people, {file.stat().st_size / 1e6:,.0f} MB people.csv, "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'path':<12} {'rows':>12} {'seconds':>9} {'rows/s':>10} {'vs raw':>7} {'peak RSS':>9}")
    for r in results:
        rate = r["rows"] / r["seconds"]
        ratio = f"{rate / (raw['rows'] / raw['seconds']):.0%}" if raw and r["path"] != "households" else ""
        print(f"{r['path']:<12} {r['rows']:>12,} {r['seconds']:>9.2f} {rate:>10,.0f} {ratio:>7} "
              f"{r['peak_rss_mb']:>6} MB")
    out = OUT / f"results-{db}-{people}.json"
    out.write_text(json.dumps({"db": db, "people": people, "load": [load[0], os.getloadavg()[0]], "results": results},
                              indent=1))
    print(f"(also in {out.relative_to(ROOT)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--paths", default="ours,bulk_create,raw", help="comma-separated, run in this order")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.file)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    load = [os.getloadavg()[0]]
    BENCH.fresh(args.db)
    folder = synth_files(args.db, args.people)
    results = [child(args.db, "households", folder / "households.csv")]
    for path in args.paths.split(","):
        print(f"running {path} ...", file=sys.stderr)
        results.append(child(args.db, path, folder / "people.csv"))
    report(args.db, args.people, folder / "people.csv", results, load)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
