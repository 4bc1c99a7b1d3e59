"""Numbers and dates as the printed report writes them: Indonesian style in the Indonesian report
("2.889", "37,5 %", "Rp1.234.567", "4 Desember 2026"), English style in the English one.

Kept inside the report on purpose: the report is typeset from plain strings, so it formats every
value itself rather than through Django's locale machinery (which formats for templates and depends
on USE_THOUSAND_SEPARATOR), and the rounding is the report's: counts whole, shares to one decimal.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.dates import MONTHS

Number = Decimal | int | float
DASH = "\u2013"  # an en dash: no value (a target not set, a share of nothing); also between two dates


def _indonesian(language: str | None) -> bool:
    return not (language or translation.get_language() or "id").startswith("en")


def _grouped(value: Decimal, places: int, language: str | None) -> str:
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"
    # Python groups with "," and marks decimals with "."; Indonesian swaps the two.
    return text.translate(str.maketrans(",.", ".,")) if _indonesian(language) else text


def integer(value: Number | None, language: str | None = None) -> str:
    """A count: "2.889" (Indonesian), "2,889" (English)."""
    return DASH if value is None else _grouped(Decimal(value), 0, language)


def decimal(value: Number | None, language: str | None = None, places: int = 1) -> str:
    """A measured amount: whole numbers without decimals, others to `places` decimals ("12,5")."""
    if value is None:
        return DASH
    value = Decimal(value)
    return _grouped(value, 0 if value == value.to_integral_value() else places, language)


def percent(value: Number | None, language: str | None = None) -> str:
    """A share out of 100, one decimal: "37,5 %" (Indonesian), "37.5%" (English)."""
    if value is None:
        return DASH
    number = _grouped(Decimal(value), 1, language)
    return f"{number} %" if _indonesian(language) else f"{number}%"


def rupiah(value: Number | None, language: str | None = None) -> str:
    """Whole rupiah with separators and no space after the symbol: "Rp1.234.567"."""
    if value is None:
        return DASH
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{_grouped(abs(value), 0, language)}"


def amount(value: Number | None, unit: str, language: str | None = None) -> str:
    """A value of an indicator in its unit: rupiah for "Rp", a share for "%", else a number."""
    if unit.strip().lower() in {"rp", "rupiah"}:
        return rupiah(value, language)
    if unit.strip() == "%":
        return percent(value, language)
    return decimal(value, language)


def long_date(day: datetime.date, language: str | None = None) -> str:
    """ "4 Desember 2026" / "4 December 2026": Django's own month names, in the report's language."""
    with translation.override("id" if _indonesian(language) else "en"):
        return f"{day.day} {MONTHS[day.month]} {day.year}"


def date_time(moment: datetime.datetime, language: str | None = None) -> str:
    """ "4 Desember 2026, 14.05" (Indonesian writes the time with a point), "4 December 2026, 14:05"."""
    clock = f"{moment:%H.%M}" if _indonesian(language) else f"{moment:%H:%M}"
    return f"{long_date(moment.date(), language)}, {clock}"
