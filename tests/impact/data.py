"""A programme with enrolled and comparison families and their registry history in the database,
from a simulated panel with a known effect (tests/impact/simulate.py)."""

import datetime
import math
from dataclasses import dataclass

import pandas as pd

from entas.accounts.models import Agency
from entas.graduation.enrolment import cohort_of
from entas.graduation.models import Enrolment
from entas.programmes.models import Programme
from entas.regions.models import Region
from entas.registry.models import Household, WelfareRecord
from tests.impact.simulate import as_panel, panel
from tests.monitoring.families import graduation_programme

EIGHT_PERCENT = math.log(1.08)


@dataclass
class Loaded:
    programme: Programme
    enrolled: dict[str, int]  # regency -> enrolled families
    dates: list[datetime.date]


def villages(regency: str, count: int) -> list[str]:
    return list(Region.objects.filter(code__startswith=regency + ".", level=4).order_by("code")
                .values_list("code", flat=True)[:count])


def load(agency: Agency, *, regencies: dict[str, int], per_village: int = 12, effect: float = EIGHT_PERCENT,
         seed: int = 5, name: str = "Graduasi KPM 2025", periods: int = 6) -> Loaded:
    """`regencies`: code -> villages. Every family has decile 1 or 2 (eligible) in every extract."""
    programme = graduation_programme(agency, name)
    places = [v for regency, count in regencies.items() for v in villages(regency, count)]
    simulated = as_panel(panel(seed=seed, villages=len(places), per_village=per_village, periods=periods,
                               effect=effect, cohorts=(2, 3, 4)))
    frame = simulated.households
    index = frame["id"].to_numpy() - 1
    village_of = [places[i // per_village] for i in index]
    start = Household.objects.count()
    Household.objects.bulk_create(Household(kk_number=f"{3310000000000000 + start + i}", village_id=village_of[n])
                                  for n, i in enumerate(index))
    ids = list(Household.objects.order_by("-id").values_list("id", flat=True)[:len(index)])[::-1]
    rows = []
    for n, household in enumerate(ids):
        for k, day in enumerate(simulated.dates):
            rows.append(WelfareRecord(household_id=household, date=day, decile=1 + n % 2,
                                      per_capita_income=int(frame[f"y{k}"].iloc[n]), assets_score=n % 5,
                                      housing_score=n % 7))
    WelfareRecord.objects.bulk_create(rows, batch_size=5000)
    enrolled: dict[str, int] = {}
    enrolments = []
    for n, household in enumerate(ids):
        day = frame["enrolled_on"].iloc[n]
        if pd.notna(day):
            on = day.date()
            enrolments.append(Enrolment(programme=programme, household_id=household, village_id=village_of[n],
                                        enrolled_on=on, cohort=cohort_of(on)))
            enrolled[village_of[n][:5]] = enrolled.get(village_of[n][:5], 0) + 1
    Enrolment.objects.bulk_create(enrolments)
    return Loaded(programme, enrolled, simulated.dates)
