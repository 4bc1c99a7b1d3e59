"""Numbers and dates as people read them, in the active language: "2.889", "Rp1.234.567", "37,5 %",
"4 Desember 2026" in Bahasa Indonesia; "2,889", "Rp1,234,567", "37.5 %", "4 December 2026" in English.

Pages (through `templatetags/numbers.py`) and reports use these; CSV exports never do, they stay
machine-readable (plain numbers, ISO dates), and XLSX cells hold typed values with number formats
(`core.sheets`). The separators come from Django's locale formats, the month names from its catalogue,
the date layout from `core/formats/<language>/formats.py`.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone

MISSING = "—"
# A no-break space keeps "37,5" and "%" on one line in a narrow column.
PERCENT_SIGN = "\u00a0%"
KINDS = ("count", "rupiah", "percent", "decimal", "number")


def _decimal(value: Any) -> Decimal | None:
    """The value as a Decimal, whether it comes as int, float, Decimal or a numeric string."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        found = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def _grouped(value: Decimal, places: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    return formats.number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def count(value: Any) -> str:
    """A whole number with thousands separators: 2889.00 -> "2.889" (id), "2,889" (en)."""
    found = _decimal(value)
    return MISSING if found is None else _grouped(found, 0)


def rupiah(value: Any) -> str:
    """Whole rupiah: 1234567 -> "Rp1.234.567"; a negative amount "-Rp1.234"."""
    found = _decimal(value)
    if found is None:
        return MISSING
    text = "Rp" + _grouped(abs(found), 0)
    return "-" + text if found.quantize(1, rounding=ROUND_HALF_UP) < 0 else text


def percent(value: Any) -> str:
    """A value already in percent, one decimal: 37.5 -> "37,5 %" (id), "37.5 %" (en)."""
    found = _decimal(value)
    return MISSING if found is None else _grouped(found, 1) + PERCENT_SIGN


def share(part: Any, whole: Any) -> str:
    """`part` of `whole` as a percentage with one decimal: (3, 8) -> "37,5 %"; "—" when whole is 0 or none."""
    numerator, denominator = _decimal(part), _decimal(whole)
    if numerator is None or not denominator:
        return MISSING
    return percent(numerator * 100 / denominator)


def decimal(value: Any, places: int = 1) -> str:
    """A mean or another measure with a fixed number of decimals: 1234.56 -> "1.234,6"."""
    found = _decimal(value)
    return MISSING if found is None else _grouped(found, int(places))


def number(value: Any) -> str:
    """A typed figure of unknown kind: whole when it is whole ("2.889"), else up to two decimals
    without trailing zeros ("12,5")."""
    found = _decimal(value)
    if found is None:
        return MISSING
    if found == found.to_integral_value():
        return _grouped(found, 0)
    text = _grouped(found, 2)
    separator = formats.get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0").rstrip(separator) if separator in text else text


def figure(value: Any, kind: str) -> str:
    """`value` shown as `kind`, one of KINDS (an unknown kind: `number`)."""
    shown = {"count": count, "rupiah": rupiah, "percent": percent, "decimal": decimal}.get(kind, number)
    return shown(value)


def day(value: datetime.date | datetime.datetime | None) -> str:
    """A date as "4 Desember 2026" (the locale's DATE_FORMAT); a datetime in the current time zone."""
    if value is None:
        return MISSING
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "DATE_FORMAT")


def moment(value: datetime.datetime | None) -> str:
    """A date and time as "4 Desember 2026, 14.30" (the locale's DATETIME_FORMAT), local time."""
    if value is None:
        return MISSING
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(local, "DATETIME_FORMAT")
