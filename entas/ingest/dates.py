"""Dates as Indonesian files write them, parsed a whole column at a time.

Accepted: ISO `2024-07-31` (a time after it is ignored), `2024/07/31`, day first `31/07/2024`,
`31-07-2024`, `31.07.2024`, month names in Indonesian or English (`31 Juli 2024`, `31-Jul-2024`)
and Excel serial numbers of five digits (`45504`; four digits are taken for a year, not a date;
a fraction, `45504.75`, is the time of day and is dropped).
Two-digit years are refused: 01/02/03 has no safe reading.
"""

from datetime import date

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message

MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "peb": 2, "pebruari": 2,
    "mar": 3, "maret": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6,
    "june": 6, "jul": 7, "juli": 7, "july": 7, "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}
ABBREVIATIONS = dict(enumerate([
    gettext_noop("Jan"), gettext_noop("Feb"), gettext_noop("Mar"), gettext_noop("Apr"), gettext_noop("May"),
    gettext_noop("Jun"), gettext_noop("Jul"), gettext_noop("Aug"), gettext_noop("Sep"), gettext_noop("Oct"),
    gettext_noop("Nov"), gettext_noop("Dec")], 1))
NO_SUCH_DAY = Message(gettext_noop("%(day)s %(month)s %(year)s is not a date"), words=("month",))
NO_SUCH_MONTH = Message(gettext_noop("'%(value)s' is not a date (no month %(month)s)"))
UNKNOWN_MONTH = Message(gettext_noop("'%(value)s' is not a date (the month's name is not known)"))
NOT_A_DATE = Message(gettext_noop("'%(value)s' is not a date (write YYYY-MM-DD)"))
# One regex for every spelling, so a column is scanned once: groups 1-3 year first, 4-6 day
# first, 7-9 day, month name, year; 10 an Excel serial number.
PATTERN = (
    r"^(?:(\d{4})[-/](\d{1,2})[-/](\d{1,2})|(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
    r"|(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})|(\d{5})(?:\.\d+)?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
EXCEL_EPOCH = date(1899, 12, 30)


def quick_dates(raw: pl.Expr) -> pl.Expr:
    """ISO and DD/MM/YYYY, the spellings nearly every file uses, at the cost of two strptime calls."""
    return pl.coalesce(raw.str.to_date("%Y-%m-%d", strict=False), raw.str.to_date("%d/%m/%Y", strict=False))


def _parts(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(year, month, day, Excel serial) as integers; null where the text has no such part."""
    groups = raw.str.extract_groups(PATTERN)

    def number(*indexes: int) -> pl.Expr:
        return pl.coalesce([groups.struct.field(str(i)).cast(pl.Int32, strict=False) for i in indexes])

    month_name = groups.struct.field("8").str.to_lowercase()
    month = pl.coalesce(number(2, 5), month_name.replace_strict(MONTHS, default=None, return_dtype=pl.Int32))
    return number(1, 6, 9), month, number(3, 4, 7), number(10)


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28)).when(
        month.is_in([4, 6, 9, 11])).then(30).otherwise(31)


def parse_dates(raw: pl.Expr) -> pl.Expr:
    """Every accepted spelling; null where the text is no date."""
    year, month, day, serial = _parts(raw)
    valid = month.is_between(1, 12) & day.is_between(1, _days_in_month(year, month))
    # pl.date raises on impossible components, so those rows get a harmless stand-in first.
    built = pl.date(*(pl.when(valid).then(part).otherwise(1) for part in (year, month, day)))
    from_serial = (pl.lit(EXCEL_EPOCH) + pl.duration(days=serial)).cast(pl.Date)
    return pl.coalesce(pl.when(valid).then(built), from_serial)


def date_problem(raw: pl.Expr) -> pl.Expr:
    """Why each text is no date, e.g. `31 Feb 1990 is not a date`; null where it is one."""
    year, month, day, _ = _parts(raw)
    name = month.clip(1, 12).replace_strict(ABBREVIATIONS, return_dtype=pl.String)
    matched = year.is_not_null() & day.is_not_null()
    return (
        pl.when(raw.is_null() | parse_dates(raw).is_not_null()).then(None)
        .when(matched & month.is_between(1, 12)).then(NO_SUCH_DAY.expr(day=day, month=name, year=year))
        .when(matched & month.is_not_null()).then(NO_SUCH_MONTH.expr(value=raw, month=month.cast(pl.String)))
        .when(matched).then(UNKNOWN_MONTH.expr(value=raw))
        .otherwise(NOT_A_DATE.expr(value=raw))
    )
