"""Loading the 91,599 Kemendagri regions: our loader against Django's bulk_create, same run.

Usage: .venv/bin/python bench/bench_regions.py [--db sqlite|postgres]
Each way runs on a freshly migrated empty database; a second run of our loader (unchanged files,
skipped) is timed too, since that is what every `make run` after the first pays.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["ENTAS_DATA_DIR"] = folder
    os.environ["DATABASE_URL"] = (
        f"sqlite:///{folder}/bench.sqlite3" if args.db == "sqlite"
        else os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/entas_bench")
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "entas.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from entas.regions.loader import DATA_DIR, load_regions, read_rows
    from entas.regions.models import Region, RegionDataset

    if args.db == "postgres":
        _recreate_postgres_database(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0)

    def empty() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Region._meta.db_table}")
        RegionDataset.objects.all().delete()

    timings: dict[str, float] = {}
    empty()
    start = time.perf_counter()
    load_regions(progress=lambda _: None)
    timings["entas loader (validate + upsert)"] = time.perf_counter() - start
    start = time.perf_counter()
    assert load_regions(progress=lambda _: None).skipped
    timings["entas loader, second start (skipped)"] = time.perf_counter() - start

    empty()
    start = time.perf_counter()
    rows = read_rows(DATA_DIR)
    with transaction.atomic():
        Region.objects.bulk_create(
            [Region(code=c, name=n, level=lv, kind=k, parent_id=p) for c, n, lv, k, p in rows], batch_size=5000
        )
    timings["Django bulk_create (same parsed rows)"] = time.perf_counter() - start

    base = timings["entas loader (validate + upsert)"]
    print(f"{Region.objects.count():,} regions on {args.db}")
    for name, seconds in timings.items():
        print(f"  {name:<40} {seconds:7.2f} s   ratio to entas loader {seconds / base:5.2f}")


def _recreate_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
