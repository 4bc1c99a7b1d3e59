"""NIK and No. KK: masking for display and the rules a single number must follow.

NIK: `PPKKCC DDMMYY SSSS`: district of first registration, birth date with 40 added to the day
for women, serial 0001-9999. No. KK: issuing district, DDMMYY of issue, serial (no +40 rule).
No checksum exists, so these rules are all that can be checked without Dukcapil.
The import checks whole columns at once with Polars expressions that give the same messages
(entas/registry/import_rules.py); these scalar versions serve forms and single records.
"""

import calendar

LENGTH = 16
FEMALE_DAY_OFFSET = 40


def mask_nik(value: str) -> str:
    """'3174010101010001' -> '3174********0001': enough to tell records apart, not to reuse."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


mask_kk = mask_nik


def _shape_problem(value: str) -> str | None:
    if not value.isascii() or not value.isdigit():
        return f"'{value}' has characters other than digits, expected {LENGTH} digits"
    if len(value) != LENGTH:
        return f"{len(value)} digits, expected {LENGTH}"
    if value[12:] == "0000":
        return "serial 0000 is never issued"
    return None


def _date_problem(day: int, month: int, yy: int, what: str) -> str | None:
    if not 1 <= month <= 12:
        return f"month {month:02d} in the {what} is not a month"
    # The century is unknown; 29 February is possible whenever yy is a leap year in either century.
    year = 2000 + yy if yy % 4 == 0 else 2001
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"day {day:02d} in the {what} does not exist in month {month:02d}"
    return None


def nik_problem(value: str, sex: str | None = None) -> str | None:
    """Why `value` cannot be a NIK (None when it can). `sex` 'L' or 'P' is checked against the day."""
    problem = _shape_problem(value)
    if problem:
        return problem
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    female = day > FEMALE_DAY_OFFSET
    problem = _date_problem(day - FEMALE_DAY_OFFSET if female else day, month, yy, "birth date")
    if problem:
        return problem
    if sex in ("L", "P") and female != (sex == "P"):
        return f"day {day:02d} means {'female' if female else 'male'} but sex is {sex}"
    return None


def kk_problem(value: str) -> str | None:
    """Why `value` cannot be a No. KK (None when it can)."""
    problem = _shape_problem(value)
    if problem:
        return problem
    return _date_problem(int(value[6:8]), int(value[8:10]), int(value[10:12]), "issue date")
