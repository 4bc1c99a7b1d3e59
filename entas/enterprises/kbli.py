"""KBLI codes (5-digit kelompok) by version, and the section letter each division belongs to.

Which codes exist comes from `list_file()`: a complete list an operator names (settings.KBLI_FILE),
else data/kbli.csv (a documented subset, see data/README.md). Which section a
division falls in comes from the structure of each version below, and the file must agree with it.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

SHIPPED = Path(__file__).with_name("data") / "kbli.csv"
VERSIONS = ("2020", "2025")
COLUMNS = ("version", "code", "name")  # and optionally section, checked

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


def list_file() -> Path:
    return Path(settings.KBLI_FILE) if settings.KBLI_FILE else SHIPPED


def codes() -> dict[tuple[str, str], Kbli]:
    """(version, code) -> Kbli, from `list_file()` (read once per file)."""
    return _read(list_file())


@cache
def _read(path: Path) -> dict[tuple[str, str], Kbli]:
    rows, problems = read_file(path)
    if problems:
        raise ImproperlyConfigured(f"KBLI list {path}: " + "; ".join(problems[:5]))
    return {(k.version, k.code): k for k in rows}


def read_file(path: Path) -> tuple[list[Kbli], list[str]]:
    """The codes of a KBLI file (CSV, UTF-8: version, code, name, optionally section) and what is
    wrong with it, line by line. The section may be left out: the division gives it."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                return [], [f"line 1 (header): missing column {', '.join(missing)}; expected {', '.join(COLUMNS)}"]
            return _rows(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"cannot be read: {exc}"]


def _rows(reader: "csv.DictReader[str]") -> tuple[list[Kbli], list[str]]:
    found: list[Kbli] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        version, code, name = ((row.get(c) or "").strip() for c in COLUMNS)
        section = (row.get("section") or "").strip() or section_of(code, version) or ""
        problem = row_problem(version, code, name, section)
        if problem is None and (version, code) in seen:
            problem = f"KBLI {version} {code} again (first on line {seen[version, code]})"
        if problem:
            problems.append(f"line {line}: {problem}")
            continue
        seen[version, code] = line
        found.append(Kbli(version, code, section, name))
    return found, problems


def row_problem(version: str, code: str, name: str, section: str) -> str | None:
    if version not in VERSIONS:
        return f"version '{version}' is not {' or '.join(VERSIONS)}"
    if len(code) != 5 or not code.isascii() or not code.isdigit():
        return f"code '{code}' is not 5 digits"
    if not name:
        return f"code {code} has no name"
    expected = section_of(code, version)
    if expected is None:
        return f"division {code[:2]} of code {code} is in no section of KBLI {version}"
    if section != expected:
        return f"code {code} is in section {expected} of KBLI {version}, not {section}"
    return None


def check_kbli_file(**kwargs: Any) -> list[checks.CheckMessage]:
    """A system check (registered in apps.py): `manage.py check`, and every start of the server,
    names each bad line of the KBLI list."""
    path = list_file()
    _, problems = read_file(path)
    hint = "See docs/data-formats.md, 'The KBLI list'."
    return [checks.Error(f"KBLI list {path}: {problem}", hint=hint, id="enterprises.E001")
            for problem in problems[:20]]


def find(code: str, version: str) -> Kbli | None:
    return codes().get((version, code))


def problem(code: str, version: str) -> str | None:
    """Why `code` is not a KBLI `version` code we know (None when it is)."""
    if version not in VERSIONS:
        return _("'%(version)s' is not a KBLI version; choose one of: %(versions)s.") % {
            "version": version, "versions": ", ".join(VERSIONS)}
    if len(code) != 5 or not code.isdigit():
        return _("'%(code)s' is not a 5-digit KBLI code.") % {"code": code}
    if find(code, version):
        return None
    other = next((v for v in VERSIONS if v != version and find(code, v)), None)
    if other:
        return _("'%(code)s' is a KBLI %(other)s code, not KBLI %(version)s.") % {
            "code": code, "other": other, "version": version}
    return _("'%(code)s' is not a KBLI %(version)s code in Entas's list.") % {"code": code, "version": version}


def choices(version: str | None = None) -> list[tuple[str, str]]:
    return [(k.code, f"{k.code} {k.name}") for k in codes().values() if version in (None, k.version)]
