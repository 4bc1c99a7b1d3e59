"""33,000 facilitators and their accounts from one XLSX: the bulk service as the upload page runs
it (read with the import pipeline's reader, every row checked, accounts and facilitators written
all or nothing) against Django's bare bulk_create of the same rows (no checks) in the same run;
then the first sign-in links of all of them as one XLSX.

  .venv/bin/python bench/bench_facilitators.py --db sqlite --rows 33000
  .venv/bin/python bench/bench_facilitators.py --db postgres --rows 33000
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import OUT, PG_SERVER  # noqa: E402  (needs ROOT on the path)


def setup(db: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["ENTAS_DATA_DIR"] = str(OUT / "data")
    os.environ["DJANGO_SETTINGS_MODULE"] = "entas.settings"
    if db == "sqlite":
        path = OUT / "bench-facilitators.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_SERVER.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS facilitators_bench")
            conn.execute("CREATE DATABASE facilitators_bench")
        os.environ["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + "/facilitators_bench"
    import django

    django.setup()
    from django.core.management import call_command

    from entas.regions.loader import load_regions

    call_command("migrate", verbosity=0)
    load_regions(progress=lambda _: None)


def write_file(rows: int, prefix: str) -> tuple[Path, list[list[Any]]]:
    """An XLSX of `rows` facilitators spread over the country's villages, and its rows."""
    from entas.core import sheets
    from entas.programmes.facilitator_import import COLUMNS
    from entas.regions.models import Region

    villages = list(Region.objects.filter(level=4).order_by("code").values_list("code", flat=True)[:rows])
    data = [[f"{prefix}{i:05d}", "Pendamping", f"Nomor {i}", "", "kemensos", villages[i % len(villages)], 30, 10]
            for i in range(rows)]
    out = io.BytesIO()
    book = sheets.workbook(out, in_memory=True)
    sheet = book.add_worksheet("Pendamping")
    sheets.write_row(book, sheet, 0, COLUMNS)
    for number, row in enumerate(data, start=1):
        sheets.write_row(book, sheet, number, row)
    book.close()
    path = OUT / f"facilitators-{prefix}{rows}.xlsx"
    path.write_bytes(out.getvalue())
    return path, data


def bare_bulk_create(data: list[list[Any]]) -> None:
    """What the service writes, without reading the file or checking a row."""
    from django.db import transaction

    from entas.accounts.models import Agency, User
    from entas.accounts.roles import Role
    from entas.programmes.facilitator_import import _unusable
    from entas.programmes.models import Facilitator

    agency = Agency.objects.get(code="kemensos")
    with transaction.atomic():
        users = User.objects.bulk_create([
            User(username=r[0], first_name=r[1], last_name=r[2], password=_unusable(), role=Role.FACILITATOR,
                 agency=agency, region_id=r[5][:8]) for r in data], batch_size=2000)
        Facilitator.objects.bulk_create([
            Facilitator(user=u, agency=agency, region_id=r[5], capacity=r[6], yearly_target=r[7])
            for u, r in zip(users, data, strict=True)], batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=33_000)
    args = parser.parse_args()
    setup(args.db)
    from entas.accounts import services as accounts
    from entas.programmes import facilitator_import, welcome
    from entas.programmes.models import Facilitator

    accounts.create_agency(None, code="kemensos", name="Kementerian Sosial", kind="ministry")
    path, _rows = write_file(args.rows, "pendamping")
    _base_path, base_rows = write_file(args.rows, "dasar")
    start = time.perf_counter()
    result = facilitator_import.register_facilitators(None, path)
    service = time.perf_counter() - start
    start = time.perf_counter()
    bare_bulk_create(base_rows)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    links = welcome.links_workbook(welcome.waiting(Facilitator.objects.filter(user__username__startswith="pendamping")),
                                   lambda p: "https://entas.example" + p)
    linking = time.perf_counter() - start
    print(f"{args.db}: {result.created:,} facilitators with their accounts")
    print(f"  service (read XLSX, check every row, write all): {service:6.2f} s")
    print(f"  bare bulk_create of the same rows (no reading, no checks): {bare:6.2f} s")
    print(f"  first sign-in links of all of them as XLSX ({len(links) / 1e6:.1f} MB): {linking:6.2f} s")


if __name__ == "__main__":
    main()
