"""Which boundary file draws the regions of a level, and which codes it has a shape for.

Districts (kecamatan) come one file per province (`districts/PP.geojson`), so a regency's page
loads its own province's file, never the whole country's. Villages have no boundary file.
The files and their licence are in `static/monitoring/boundaries/` (README.md there says how
they were made); their `code` property is the dotted Kemendagri code the `Region` table uses.
"""

import json
from functools import cache
from pathlib import Path

from entas.regions.codes import Level

FOLDER = "monitoring/boundaries"
STATIC = Path(__file__).with_name("static")


def layer(level: int, code: str = "") -> str | None:
    """The file, relative to the static folder, with the shapes of the regions of `level` inside the
    region `code` (a province or anything below it for districts); None when there is none."""
    if level == Level.PROVINCE:
        return f"{FOLDER}/provinces.geojson"
    if level == Level.REGENCY:
        return f"{FOLDER}/regencies.geojson"
    if level == Level.DISTRICT and code[:2].isdigit():
        path = f"{FOLDER}/districts/{code[:2]}.geojson"
        return path if (STATIC / path).is_file() else None
    return None


@cache
def codes(path: str) -> frozenset[str]:
    """The region codes that have a shape in the file: read once per process (the files are static)."""
    with (STATIC / path).open(encoding="utf-8") as handle:
        return frozenset(feature["properties"]["code"] for feature in json.load(handle)["features"])


def without_shape(path: str, wanted: list[str]) -> list[str]:
    """The codes of `wanted` that the file cannot draw: they stay in the table, off the map."""
    shaped = codes(path)
    return [code for code in wanted if code not in shaped]
