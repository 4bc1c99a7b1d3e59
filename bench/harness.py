"""What the import benchmarks share: a throw-away database per benchmark and `manage.py` runs on it."""

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class BenchDatabase:
    pg_name: str  # dropped and created on TEST_POSTGRES_URL's server
    sqlite_file: str  # under bench/out

    def url(self, db: str) -> str:
        if db == "sqlite":
            return f"sqlite:///{OUT / self.sqlite_file}"
        return PG_SERVER.rsplit("/", 1)[0] + "/" + self.pg_name

    def environment(self, db: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url(db), "ENTAS_DATA_DIR": str(OUT / "data"),
                "DJANGO_SETTINGS_MODULE": "entas.settings"}

    def manage(self, db: str, *args: str) -> None:
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=self.environment(db), check=True,
                       stdout=subprocess.DEVNULL)

    def fresh(self, db: str) -> None:
        """An empty, migrated database with the regions loaded."""
        if db == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{OUT / self.sqlite_file}{suffix}").unlink(missing_ok=True)
        else:
            import psycopg

            with psycopg.connect(PG_SERVER.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
        self.manage(db, "migrate", "-v0")
        self.manage(db, "load_regions")


def run_in_child(bench: BenchDatabase, db: str, script: str, path: str, file: Path) -> dict[str, Any]:
    """Run one path of `script` in a fresh process (so its peak RSS is its own); its JSON report."""
    result = subprocess.run([sys.executable, script, "--db", db, "--child", path, "--file", str(file)],
                            env=bench.environment(db), check=True, capture_output=True, text=True)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def measure(path: str, run: Callable[[Path], int], file: Path) -> None:
    """Inside the child: time one path and print its JSON report. Every path runs with the same
    connection settings (SQLite: a bigger page cache), so the comparison measures the work, not tuning."""
    from entas.ingest.staging import bulk_session

    started = time.perf_counter()
    with bulk_session():
        rows = run(file)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"path": path, "rows": rows, "seconds": round(seconds, 2), "peak_rss_mb": round(peak)}))


def raw_insert(table: str, columns: list[str], frames: Iterable[pl.DataFrame]) -> int:
    """The floor the imports are measured against: COPY (PostgreSQL) or executemany (SQLite) of the
    rows straight into `table`, no validation, no staging, one transaction."""
    from django.db import connection, transaction

    rows = 0
    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        for frame in frames:
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                frame.write_csv(buffer, include_header=False)
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(columns))
                frame = frame.with_columns(pl.col(pl.Date).cast(pl.String))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", frame.rows())
            rows += frame.height
    return rows


def print_results(results: list[dict[str, Any]], *, not_compared: tuple[str, ...] = ()) -> None:
    """The side-by-side table: rows/s of each path and its ratio to the raw path."""
    raw = next((r for r in results if r["path"] == "raw"), None)
    print(f"{'path':<12} {'rows':>12} {'seconds':>9} {'rows/s':>10} {'vs raw':>7} {'peak RSS':>9}")
    for r in results:
        rate = r["rows"] / r["seconds"]
        ratio = f"{rate / (raw['rows'] / raw['seconds']):.0%}" if raw and r["path"] not in not_compared else ""
        print(f"{r['path']:<12} {r['rows']:>12,} {r['seconds']:>9.2f} {rate:>10,.0f} {ratio:>7} "
              f"{r['peak_rss_mb']:>6} MB")


def make_facilitators(capacity: int, yearly_target: int = 10) -> Any:
    """A facilitator for every district (the national caseload's shape); returns their agency."""
    from entas.accounts.models import Agency, User
    from entas.accounts.roles import Role
    from entas.programmes.models import Facilitator
    from entas.regions.models import Region

    agency = Agency.objects.create(code="kemensos", name="Kementerian Sosial", kind="ministry")
    districts = list(Region.objects.filter(level=3).values_list("code", flat=True))
    User.objects.bulk_create([User(username=f"p{code}", password="!", role=Role.FACILITATOR, region_id=code)
                              for code in districts], batch_size=2000)
    users = dict(User.objects.filter(role=Role.FACILITATOR).values_list("region_id", "id"))
    Facilitator.objects.bulk_create([Facilitator(user_id=users[code], agency=agency, region_id=code, capacity=capacity,
                                                 yearly_target=yearly_target) for code in districts], batch_size=2000)
    return agency


def timed(label: str, work: Callable[[], Any], width: int = 52, digits: int = 8) -> tuple[float, Any]:
    """Run `work`, print its label and seconds as one line of a benchmark's report."""
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"  {label:<{width}} {seconds:{digits}.2f} s", flush=True)
    return seconds, result


def percentiles(label: str, work: Callable[[], Any], runs: int, width: int = 58) -> dict[str, float]:
    """p50 and p95 of `runs` timings of `work` in ms, after one warm-up run (as a page seen twice)."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    result = {"p50": statistics.median(times), "p95": p95}
    print(f"  {label:<{width}} p50 {result['p50']:8.1f} ms   p95 {p95:8.1f} ms", flush=True)
    return result
