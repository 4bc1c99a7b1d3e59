"""Load the Kemendagri region files into the database: validated, idempotent, one transaction."""

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from entas.regions.codes import InvalidRegionCode, kind_of, level_of, parent_of
from entas.regions.models import Region, RegionDataset

DATA_DIR = Path(__file__).resolve().parent / "data"
# (file, column holding the parent code); order matters: parents before children.
FILES = [
    ("provinces.csv", None),
    ("regencies.csv", "province_code"),
    ("districts.csv", "regency_code"),
    ("villages.csv", "district_code"),
]


class RegionFileError(ValueError):
    pass


@dataclass
class LoadResult:
    skipped: bool
    counts: dict[str, int] = field(default_factory=dict)
    not_in_files: int = 0


Row = tuple[str, str, int, str, str | None]


def fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for name, _ in FILES:
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


def read_rows(data_dir: Path) -> list[Row]:
    rows: list[Row] = []
    seen: set[str] = set()
    for name, parent_column in FILES:
        path = data_dir / name
        with path.open(encoding="utf-8", newline="") as handle:
            for line, record in enumerate(csv.DictReader(handle), start=2):
                rows.append(_parse(record, parent_column, seen, f"{name} line {line}"))
    return rows


def _parse(record: dict[str, str], parent_column: str | None, seen: set[str], where: str) -> Row:
    code, name = (record.get("code") or "").strip(), (record.get("name") or "").strip()
    try:
        level = level_of(code)
    except InvalidRegionCode as exc:
        raise RegionFileError(f"{where}: code: {exc}") from None
    if not name:
        raise RegionFileError(f"{where}: name: empty")
    if code in seen:
        raise RegionFileError(f"{where}: code: '{code}' appears twice")
    parent = parent_of(code)
    if parent_column is not None and (record.get(parent_column) or "").strip() != parent:
        raise RegionFileError(f"{where}: {parent_column}: does not match the code '{code}'")
    if parent is not None and parent not in seen:
        raise RegionFileError(f"{where}: code: parent region '{parent}' is not in the files")
    seen.add(code)
    return code, name, level, kind_of(code).value, parent


def load_regions(
    data_dir: Path = DATA_DIR, *, force: bool = False, progress: Callable[[str], None] = print
) -> LoadResult:
    """Upsert every region from the files. Unchanged files on a loaded database are skipped."""
    result = _load(data_dir, force=force, progress=progress)
    if settings.URBAN_VILLAGES_FILE:
        # Imported here: urban reads the regions this module writes.
        from entas.regions.urban import load_urban_villages

        flagged = load_urban_villages(settings.URBAN_VILLAGES_FILE)
        progress(f"{flagged.urban:,} desa flagged urban ({settings.URBAN_VILLAGES_FILE})")
    return result


def _load(data_dir: Path, *, force: bool, progress: Callable[[str], None]) -> LoadResult:
    print_ = progress
    digest = fingerprint(data_dir)
    current = RegionDataset.objects.first()
    unchanged = current is not None and current.fingerprint == digest
    if not force and unchanged and Region.objects.count() == sum(current.counts.values()):  # type: ignore[union-attr]
        return LoadResult(skipped=True, counts=current.counts)  # type: ignore[union-attr]
    rows = read_rows(data_dir)
    counts = {str(level): 0 for level in range(1, 5)}
    for row in rows:
        counts[str(row[2])] += 1
    table = Region._meta.db_table
    sql = (
        f"INSERT INTO {table} (code, name, level, kind, parent_id) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
        "kind = excluded.kind, parent_id = excluded.parent_id"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        codes = {row[0] for row in rows}
        not_in_files = sum(1 for code in Region.objects.values_list("code", flat=True) if code not in codes)
        RegionDataset.objects.all().delete()
        RegionDataset.objects.create(fingerprint=digest, counts=counts)
    print_(f"Loaded {len(rows):,} regions: " + ", ".join(f"level {k}: {v:,}" for k, v in counts.items()))
    return LoadResult(skipped=False, counts=counts, not_in_files=not_in_files)
