"""Whether a village is urban, which decides the poverty line (perkotaan or perdesaan) it reads.

A kelurahan is urban by its kind; a desa is urban when BPS classifies it so, which the region codes
do not say: that comes as data, a CSV listing the urban desa (column `code`, Kemendagri codes),
named by settings.URBAN_VILLAGES_FILE (env ENTAS_URBAN_VILLAGES_FILE) and loaded by
`entas manage load_urban_villages` (and by `load_regions` when the setting names a file).
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import Expression

from entas.regions.codes import InvalidRegionCode, Kind, Level, level_of
from entas.regions.models import Region

URBAN, RURAL = "urban", "rural"


class UrbanFileError(ValueError):
    pass


def is_urban(region: Region) -> bool:
    return region.kind == Kind.KELURAHAN or region.urban


def area_of(region: Region) -> str:
    return URBAN if is_urban(region) else RURAL


def area_expression(prefix: str) -> Expression:
    """SQL: 'urban' or 'rural' for the village at `prefix` (e.g. "enrolment__village")."""
    urban = Q(**{f"{prefix}__kind": Kind.KELURAHAN}) | Q(**{f"{prefix}__urban": True})
    return Case(When(urban, then=Value(URBAN)), default=Value(RURAL))


def read_codes(path: Path) -> list[str]:
    """The village codes of the file, checked: a clear message naming the line for a bad one."""
    codes: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        column = next((c for c in (reader.fieldnames or []) if c.strip().lower() in ("code", "kode", "village_code",
                                                                                      "kode_desa")), None)
        if column is None:
            raise UrbanFileError(f"{path.name} line 1: the header needs a column 'code' (village codes)")
        for line, record in enumerate(reader, start=2):
            code = (record.get(column) or "").strip()
            try:
                level = level_of(code)
            except InvalidRegionCode as exc:
                raise UrbanFileError(f"{path.name} line {line}: code: {exc}") from None
            if level != Level.VILLAGE:
                raise UrbanFileError(f"{path.name} line {line}: code: '{code}' is not a village (PP.KK.CC.NNNN)")
            codes.append(code)
    return codes


@dataclass
class UrbanResult:
    urban: int
    unknown: list[str]


@transaction.atomic
def load_urban_villages(path: Path | str | None = None) -> UrbanResult:
    """Flag the listed desa urban and every other one rural (the file is the whole list)."""
    path = Path(path or settings.URBAN_VILLAGES_FILE)
    codes = set(read_codes(path))
    known = set(Region.objects.filter(code__in=codes, level=Level.VILLAGE).values_list("code", flat=True))
    Region.objects.filter(level=Level.VILLAGE, urban=True).exclude(code__in=known).update(urban=False)
    Region.objects.filter(code__in=known, urban=False).update(urban=True)
    return UrbanResult(urban=len(known), unknown=sorted(codes - known))
