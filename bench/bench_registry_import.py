"""Registry people import, side by side in one run on the same file:

  ours         entas import (full validation, staging, cross-row checks, upsert, current membership)
  bulk_create  Django ORM bulk_create of the same rows, no validation
  raw          PostgreSQL COPY / SQLite executemany of the same rows straight into the person
               table, no validation, no staging

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
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import OUT, ROOT, BenchDatabase, measure, print_results, raw_insert, run_in_child

BENCH = BenchDatabase("entas_bench", "bench.sqlite3")
PERSON_COLUMNS = ["nik", "household_id", "full_name", "sex", "birth_date", "birth_place", "relationship",
                  "education", "occupation", "disability", "marital_status"]
CHUNK_ROWS = 200_000


def synth_files(db: str, people: int) -> Path:
    folder = OUT / f"synth-{people}"
    if not (folder / "people.csv").exists():
        BENCH.manage(db, "synth", "--people", str(people), "--out", str(folder))
    return folder


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
    from entas.ingest.services import import_file

    batch = import_file(None, "registry", file, kind="households" if "households" in file.name else "people")
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
    return raw_insert("registry_person", PERSON_COLUMNS, people_batches(file))


def run_child(path: str, file: Path) -> None:
    import django

    django.setup()
    if path != "households":
        empty_people()
    run = {"households": run_ours, "ours": run_ours, "bulk_create": run_bulk_create, "raw": run_raw}[path]
    measure(path, run, file)


# --- the report ---------------------------------------------------------------------------------------


def report(db: str, people: int, file: Path, results: list[dict[str, Any]], load: list[float]) -> None:
    print(f"\nRegistry import benchmark: {db}, {people:,} people, {file.stat().st_size / 1e6:,.0f} MB people.csv, "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print_results(results, not_compared=("households",))
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
    results = [run_in_child(BENCH, args.db, __file__, "households", folder / "households.csv")]
    for path in args.paths.split(","):
        print(f"running {path} ...", file=sys.stderr)
        results.append(run_in_child(BENCH, args.db, __file__, path, folder / "people.csv"))
    report(args.db, args.people, folder / "people.csv", results, load)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
