"""KUMKM enterprises import, side by side in one run on the same file:

  ours         entas import kumkm (full validation, staging, cross-row checks, upsert, owner link,
               KBLI section and PP 7/2021 scale derived)
  bulk_create  Django ORM bulk_create of the same rows (section and scale derived in Polars, owner
               joined in Polars), no validation
  raw          PostgreSQL COPY / SQLite executemany of those same rows straight into the table

Each path runs in its own process (its peak RSS is its own) against the same database, after the
enterprise table is emptied. Owners come from a registry of --people people imported first.

  .venv/bin/python bench/bench_kumkm_import.py --db postgres --enterprises 1000000
  .venv/bin/python bench/bench_kumkm_import.py --db sqlite --enterprises 200000 --paths ours,raw

Data: bench/out/kumkm-N/enterprises.csv (reused when present). Database: bench/out/bench-kumkm.sqlite3
or the PostgreSQL database `entas_bench_kumkm` (dropped and created) on TEST_POSTGRES_URL's server.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import OUT, ROOT, BenchDatabase, measure, print_results, raw_insert, run_in_child

BENCH = BenchDatabase("entas_bench_kumkm", "bench-kumkm.sqlite3")
COLUMNS = ["nib", "name", "owner_nik", "owner_name", "owner_id", "village_id", "kbli_code", "kbli_version",
           "kbli_section", "capital", "annual_sales", "scale", "workers", "legal_form", "status", "founded"]
CHUNK_ROWS = 200_000


def prepare(db: str, people: int, enterprises: int) -> Path:
    """The registry (imported, so owners link) and the enterprises file."""
    registry = OUT / f"synth-{people}"
    if not (registry / "people.csv").exists():
        BENCH.manage(db, "synth", "--people", str(people), "--out", str(registry))
    for name in ("households.csv", "people.csv"):
        BENCH.manage(db, "import_data", "registry", str(registry / name), "--no-progress")
    folder = OUT / f"kumkm-{enterprises}"
    if not (folder / "enterprises.csv").exists():
        BENCH.manage(db, "synth_kumkm", "--from-dir", str(registry), "--enterprises", str(enterprises),
                     "--out", str(folder))
    return folder / "enterprises.csv"


# --- the paths, run inside the child ----------------------------------------------------------------


def empty_enterprises() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE enterprises_enterprise CASCADE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("DELETE FROM enterprises_enterprise")
            cursor.execute("VACUUM")


def run_ours(file: Path) -> int:
    from entas.ingest.models import ImportBatch
    from entas.ingest.services import import_file

    batch = import_file(None, "kumkm", file, kind="enterprises")
    if batch.status != ImportBatch.Status.DONE:
        raise SystemExit(f"import failed: {batch.error_message}")
    return batch.inserted + batch.updated + batch.unchanged


def batches(file: Path) -> Any:
    """The file in chunks with what the table needs that the file does not give, derived in Polars."""
    from datetime import date

    import polars as pl

    from entas.enterprises.kbli import SECTIONS
    from entas.enterprises.scale import scale_expr
    from entas.registry.models import Person

    owners = pl.DataFrame(list(Person.objects.values_list("nik", "id")), orient="row",
                          schema={"owner_nik": pl.String, "owner_id": pl.Int64})
    division = pl.col("kbli_code").str.slice(0, 2).cast(pl.Int64)
    section: Any = pl.lit(None, pl.String)
    for version, table in SECTIONS.items():
        for letter, low, high in table:
            section = pl.when((pl.col("kbli_version") == version) & division.is_between(low, high)).then(
                pl.lit(letter)).otherwise(section)
    types = {"capital": pl.Int64, "annual_sales": pl.Int64, "workers": pl.Int64}
    reader = pl.scan_csv(file, infer_schema=False).collect_batches(chunk_size=CHUNK_ROWS)
    for frame in reader:
        frame = frame.with_columns(pl.col(c).cast(t) for c, t in types.items()).with_columns(
            pl.col("founded").str.to_date(), village_id=pl.col("village_code"), kbli_section=section)
        frame = frame.with_columns(scale=scale_expr(pl.col("capital"), pl.col("annual_sales"), pl.col("founded"),
                                                    date.today()))
        yield frame.join(owners, on="owner_nik", how="left").select(COLUMNS)


def run_bulk_create(file: Path) -> int:
    from django.db import transaction

    from entas.enterprises.models import Enterprise

    rows = 0
    with transaction.atomic():
        for frame in batches(file):
            Enterprise.objects.bulk_create([Enterprise(**values) for values in frame.iter_rows(named=True)],
                                           batch_size=2000)
            rows += frame.height
    return rows


def run_raw(file: Path) -> int:
    return raw_insert("enterprises_enterprise", COLUMNS, batches(file))


def run_child(path: str, file: Path) -> None:
    import django

    django.setup()
    empty_enterprises()
    run = {"ours": run_ours, "bulk_create": run_bulk_create, "raw": run_raw}[path]
    measure(path, run, file)


# --- the report ---------------------------------------------------------------------------------------


def report(db: str, enterprises: int, file: Path, results: list[dict[str, Any]]) -> None:
    print(f"\nKUMKM enterprises import benchmark: {db}, {enterprises:,} rows, {file.stat().st_size / 1e6:,.0f} MB, "
          f"{os.cpu_count()} CPUs")
    print_results(results)
    ours = next((r for r in results if r["path"] == "ours"), None)
    if ours:
        rate = ours["rows"] / ours["seconds"]
        print(f"ours: {rate:,.0f} rows/s (target 150,000); 21.4 M rows extrapolated linearly: "
              f"{21_400_000 / rate / 60:,.1f} min (target < 3 min)")
    out = OUT / f"results-kumkm-{db}-{enterprises}.json"
    out.write_text(json.dumps({"db": db, "enterprises": enterprises, "results": results}, indent=1))
    print(f"(also in {out.relative_to(ROOT)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=200_000, help="registry size the owners come from")
    parser.add_argument("--paths", default="ours,bulk_create,raw", help="comma-separated, run in this order")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.file)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    BENCH.fresh(args.db)
    file = prepare(args.db, args.people, args.enterprises)
    results = []
    for path in args.paths.split(","):
        print(f"running {path} ...", file=sys.stderr)
        results.append(run_in_child(BENCH, args.db, __file__, path, file))
    report(args.db, args.enterprises, file, results)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
