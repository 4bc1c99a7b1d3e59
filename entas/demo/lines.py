"""Province poverty lines for the demo provinces, urban and rural, March and September from 2024.

The national lines are BPS's (DOMAIN-FACTS: Mar 2024 582,932; Sep 2024 595,242; Mar 2025 609,160;
Sep 2025 641,443); later periods grow 2.3% a half-year (an estimate, said so in the source). A
province's line is the national one times its usual ratio to it, and urban/rural split the way the
national line split in March 2025 (629,561 / 580,349 of 609,160)."""

from datetime import date

NATIONAL = {date(2024, 3, 1): 582_932, date(2024, 9, 1): 595_242, date(2025, 3, 1): 609_160,
            date(2025, 9, 1): 641_443}
GROWTH = 1.023
PROVINCES = {"33": 0.87, "53": 0.96, "32": 0.91, "73": 0.80}  # Jateng, NTT, Jabar, Sulsel
AREAS = {"urban": 629_561 / 609_160, "rural": 580_349 / 609_160}
SOURCE = "BPS; demo: garis provinsi diperkirakan dari garis nasional"
ESTIMATED = "demo: perkiraan (garis nasional +2,3% per semester)"


def periods(until: date) -> list[tuple[date, int, str]]:
    """(valid from, national line, source) for every March and September from 2024 up to `until`."""
    found: list[tuple[date, int, str]] = []
    day, amount = date(2024, 3, 1), NATIONAL[date(2024, 3, 1)]
    while day <= until:
        known = NATIONAL.get(day)
        amount = known or round(amount * GROWTH)
        found.append((day, amount, SOURCE if known else ESTIMATED))
        day = date(day.year, 9, 1) if day.month == 3 else date(day.year + 1, 3, 1)
    return found


def table(until: date) -> list[tuple[str, str, date, int, str]]:
    """(province, area, valid from, amount, source) for the demo provinces."""
    return [(province, area, valid_from, round(national * factor * split), source)
            for valid_from, national, source in periods(until)
            for province, factor in PROVINCES.items() for area, split in AREAS.items()]


def line_on(rows: list[tuple[str, str, date, int, str]], province: str, area: str, day: date) -> int:
    """The line of a province and area valid on `day` (before the first one: the first one)."""
    mine = [r for r in rows if r[0] == province and r[1] == area]
    valid = [r for r in mine if r[2] <= day] or mine[:1]
    return max(valid, key=lambda r: r[2])[3]
