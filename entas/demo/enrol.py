"""Enrolment in waves through `graduation.services.enrol_in_bulk`: the demo facilitator's district
first, then whole districts of each team's regency up to the team's capacity, a wave every six
months since the programme started and a last one a few weeks ago (families still "enrolled")."""

from collections import defaultdict
from datetime import date

from django.db.models import Count
from django.db.models.functions import Substr

from entas.demo import calendar
from entas.demo.programme import CAPACITY, PENDAMPING_AREA, TEAMS
from entas.graduation import services as graduation
from entas.programmes.models import Programme
from entas.registry.models import Household


def wave_dates(today: date) -> list[date]:
    start = calendar.programme_start(today)
    waves = [d for d in (calendar.months_after(date(start.year, 1, 15), 6 * k) for k in range(12))
             if d <= calendar.days_after(today, -120)]
    return [*waves, calendar.days_after(today, -25)]


def _eligible_per_district(programme: Programme, regency: str) -> dict[str, int]:
    rows = (Household.objects.filter(village__pk__startswith=regency + ".", decile__lte=programme.decile_max)
            .annotate(district=Substr("village_id", 1, 8)).values("district").annotate(n=Count("id"))
            .order_by("district"))
    return {row["district"]: row["n"] for row in rows}


def choose_districts(programme: Programme, share: float) -> list[str]:
    """Whole districts, in code order, while the regency's team has room (`share` scales it down)."""
    chosen = [PENDAMPING_AREA]
    for regency, team in TEAMS:
        room = round(team * CAPACITY * share)
        for district, n in _eligible_per_district(programme, regency).items():
            if district != PENDAMPING_AREA and n <= room:
                chosen.append(district)
                room -= n
    return chosen


def enrol_waves(programme: Programme, today: date, share: float = 1.0) -> dict[str, date]:
    """Enrol the chosen districts; the wave date of each district. The facilitator's district joins the
    third wave (a year in), so her families are spread over the states from active to graduated."""
    waves = wave_dates(today)
    districts = choose_districts(programme, share)
    by_wave: dict[date, list[str]] = defaultdict(list)
    for i, district in enumerate(districts):
        wave = waves[min(2, len(waves) - 1)] if district == PENDAMPING_AREA else waves[i % len(waves)]
        by_wave[wave].append(district)
    for day in sorted(by_wave):
        graduation.enrol_in_bulk(None, programme, region_codes=by_wave[day], on=day)
    return {district: day for day, codes in by_wave.items() for district in codes}
