"""NIK and No. KK: masking for display and the rules a single number must follow.

NIK: `PPKKCC DDMMYY SSSS`: district of first registration, birth date with 40 added to the day
for women, serial 0001-9999. No. KK: issuing district, DDMMYY of issue, serial (no +40 rule).
No checksum exists, so these rules are all that can be checked without Dukcapil.
The import checks whole columns at once with Polars expressions that give the same messages
(entas/registry/import_rules.py); these scalar versions serve forms and single records. Both
give their messages in English from the catalogue below (entas.core.messages): shown translated.
"""

import calendar

from django.utils.translation import gettext_noop

from entas.core.messages import Message

LENGTH = 16
FEMALE_DAY_OFFSET = 40

NOT_DIGITS = Message(gettext_noop("'%(value)s' has characters other than digits, expected %(length)s digits"))
WRONG_LENGTH = Message(gettext_noop("%(count)s digits, expected %(length)s"))
SERIAL_ZERO = Message(gettext_noop("serial 0000 is never issued"))
NO_SUCH_MONTH = Message(gettext_noop("month %(month)s in the %(what)s is not a month"), words=("what",))
NO_SUCH_DAY = Message(gettext_noop("day %(day)s in the %(what)s does not exist in month %(month)s"), words=("what",))
SEX_DISAGREES = Message(gettext_noop("day %(day)s means %(sex_by_day)s but sex is %(sex)s"), words=("sex_by_day",))
BIRTH_DATE = gettext_noop("birth date")
ISSUE_DATE = gettext_noop("issue date")


def mask_nik(value: str) -> str:
    """'3174010101010001' -> '3174********0001': enough to tell records apart, not to reuse."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


mask_kk = mask_nik


def _shape_problem(value: str) -> str | None:
    if not value.isascii() or not value.isdigit():
        return NOT_DIGITS(value=value, length=LENGTH)
    if len(value) != LENGTH:
        return WRONG_LENGTH(count=len(value), length=LENGTH)
    if value[12:] == "0000":
        return SERIAL_ZERO()
    return None


def _date_problem(day: int, month: int, yy: int, what: str) -> str | None:
    if not 1 <= month <= 12:
        return NO_SUCH_MONTH(month=f"{month:02d}", what=what)
    # The century is unknown; 29 February is possible whenever yy is a leap year in either century.
    year = 2000 + yy if yy % 4 == 0 else 2001
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return NO_SUCH_DAY(day=f"{day:02d}", what=what, month=f"{month:02d}")
    return None


def nik_problem(value: str, sex: str | None = None) -> str | None:
    """Why `value` cannot be a NIK (None when it can). `sex` 'L' or 'P' is checked against the day."""
    problem = _shape_problem(value)
    if problem:
        return problem
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    female = day > FEMALE_DAY_OFFSET
    problem = _date_problem(day - FEMALE_DAY_OFFSET if female else day, month, yy, BIRTH_DATE)
    if problem:
        return problem
    if sex in ("L", "P") and female != (sex == "P"):
        return SEX_DISAGREES(day=f"{day:02d}", sex_by_day="female" if female else "male", sex=sex)
    return None


def kk_problem(value: str) -> str | None:
    """Why `value` cannot be a No. KK (None when it can)."""
    problem = _shape_problem(value)
    if problem:
        return problem
    return _date_problem(int(value[6:8]), int(value[8:10]), int(value[10:12]), ISSUE_DATE)
