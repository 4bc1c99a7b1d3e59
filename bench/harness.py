"""What the import benchmarks share: a throw-away database per benchmark and `manage.py` runs on it."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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
