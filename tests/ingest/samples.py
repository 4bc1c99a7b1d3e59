"""Small registry files for the import tests: real region codes, NIK and No. KK built by rule; and
what the tests of index rebuilds look at (the SQL an import runs, a table's indexes)."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection

from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.ingest.staging import rows

DISTRICT = "331001"  # 33.10.01 Prambanan, Klaten
VILLAGE = "33.10.01.2001"
OTHER_VILLAGE = "33.10.01.2002"
HOUSEHOLD_HEADER = (
    "kk_number,village_code,address,decile,decile_source,decile_date,per_capita_income,floor_material,"
    "wall_material,roof_material,drinking_water,sanitation,electricity_watt,cooking_fuel,assets,extreme_poor"
)
PEOPLE_HEADER = ("nik,kk_number,full_name,sex,birth_date,birth_place,relationship,education,occupation,disability,"
                 "marital_status")


def nik(born: date, *, female: bool = False, serial: int = 1, district: str = DISTRICT) -> str:
    day = born.day + (40 if female else 0)
    return f"{district}{day:02d}{born:%m%y}{serial:04d}"


def kk(serial: int, issued: date = date(2020, 1, 2), district: str = DISTRICT) -> str:
    return f"{district}{issued:%d%m%y}{serial:04d}"


KK1, KK2, KK3 = kk(1), kk(2), kk(3)
HEAD = nik(date(1980, 5, 17))
WIFE = nik(date(1984, 2, 3), female=True, serial=2)
CHILD = nik(date(2010, 11, 30), serial=3)


def household(kk_number: str, village: str = VILLAGE, decile: int = 1, decile_date: str = "2025-07-31",
              extreme_poor: int = 1) -> str:
    return (f'{kk_number},{village},"Dusun Krajan, RT 001/RW 002",{decile},DTSEN,{decile_date},350000,earth,bamboo,'
            f"zinc,river,none,450,wood,motorcycle;tv,{extreme_poor}")


def person(number: str, kk_number: str = KK1, name: str = "Budi Santoso", sex: str = "L",
           born: str = "1980-05-17", relationship: str = "head") -> str:
    return f"{number},{kk_number},{name},{sex},{born},Klaten,{relationship},sd,farmer,none,married"


def write(folder: Path, name: str, lines: list[str], *, encoding: str = "utf-8", end: str = "\n") -> Path:
    """`lines` joined by newlines; `end` after the last one (empty: a file cut off mid-line)."""
    path = folder / name
    path.write_bytes(("\n".join(lines) + end).encode(encoding))
    return path


def run(path: Path, mode: str = ImportBatch.Mode.ALL_OR_NOTHING, **options: Any) -> ImportBatch:
    options.setdefault("extract_date", date(2025, 7, 31))
    return import_file(None, "registry", path, mode=mode, **options)


def load_households(folder: Path, *kk_numbers: str) -> ImportBatch:
    lines = [HOUSEHOLD_HEADER, *(household(k) for k in kk_numbers or (KK1, KK2))]
    batch = run(write(folder, "households.csv", lines))
    assert batch.status == ImportBatch.Status.DONE, batch.error_message
    return batch


def rejects(batch: ImportBatch) -> str:
    return Path(batch.rejects_path).read_text(encoding="utf-8-sig")


def statements_of(work: Callable[[], object]) -> list[str]:
    """The SQL statements `work` runs."""
    statements: list[str] = []

    def remember(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(remember):
        work()
    return statements


def indexes(table: str) -> list[tuple[str, str]]:
    """PostgreSQL: (name, definition) of each index of `table`."""
    return [(str(name), str(definition)) for name, definition in rows(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table])]
