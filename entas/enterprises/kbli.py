"""KBLI codes (5-digit kelompok) by version, and the section letter each division belongs to.

Which codes exist comes from data/kbli.csv (a documented subset, see data/README.md); which section
a division falls in comes from the structure of each version below, and the two must agree.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "kbli.csv"
VERSIONS = ("2020", "2025")

# Division (first two digits) ranges of each section. KBLI 2020 follows ISIC Rev.4 (A-U); KBLI
# 2025 follows ISIC Rev.5 (A-V), which split information and communication (J, K), dropped
# division 45 from trade and moved repair of vehicles into other services.
SECTIONS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "2020": (
        ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43), ("G", 45, 47),
        ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68), ("M", 69, 75), ("N", 77, 82),
        ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93), ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
    ),
    "2025": (
        ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43), ("G", 46, 47),
        ("H", 49, 53), ("I", 55, 56), ("J", 58, 60), ("K", 61, 63), ("L", 64, 66), ("M", 68, 68), ("N", 69, 75),
        ("O", 77, 82), ("P", 84, 84), ("Q", 85, 85), ("R", 86, 88), ("S", 90, 93), ("T", 94, 96), ("U", 97, 98),
        ("V", 99, 99),
    ),
}

LETTERS = tuple(sorted({letter for table in SECTIONS.values() for letter, _, _ in table}))


@dataclass(frozen=True)
class Kbli:
    version: str
    code: str
    section: str
    name: str


def section_of(code: str, version: str) -> str | None:
    """The section letter of a 5-digit code in `version`, from its division; None if none."""
    if len(code) < 2 or not code[:2].isdigit() or version not in SECTIONS:
        return None
    division = int(code[:2])
    return next((letter for letter, low, high in SECTIONS[version] if low <= division <= high), None)


@cache
def codes() -> dict[tuple[str, str], Kbli]:
    """(version, code) -> Kbli, read once from the data file."""
    with DATA.open(encoding="utf-8") as handle:
        rows = [Kbli(r["version"], r["code"], r["section"], r["name"]) for r in csv.DictReader(handle)]
    return {(k.version, k.code): k for k in rows}


def find(code: str, version: str) -> Kbli | None:
    return codes().get((version, code))


def problem(code: str, version: str) -> str | None:
    """Why `code` is not a KBLI `version` code we know (None when it is)."""
    if version not in VERSIONS:
        return f"'{version}' is not a KBLI version; use {' or '.join(VERSIONS)}"
    if len(code) != 5 or not code.isdigit():
        return f"'{code}' is not a 5-digit KBLI code"
    if find(code, version):
        return None
    other = next((v for v in VERSIONS if v != version and find(code, v)), None)
    if other:
        return f"'{code}' is a KBLI {other} code, not KBLI {version}"
    return f"'{code}' is not a KBLI {version} code in Entas's list"


def choices(version: str | None = None) -> list[tuple[str, str]]:
    return [(k.code, f"{k.code} {k.name}") for k in codes().values() if version in (None, k.version)]
