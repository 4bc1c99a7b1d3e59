"""Families on the graduation pathway, made through the services, for the rollup tests."""

import datetime

from entas.accounts.models import Agency
from entas.graduation import interventions
from entas.graduation import services as graduation
from entas.graduation.models import Enrolment
from entas.programmes.models import Programme
from tests.programmes.factories import programme

DAY = datetime.date(2025, 8, 1)


def graduation_programme(agency: Agency, name: str = "Graduasi KPM 2025") -> Programme:
    prog = programme(agency, name)
    graduation.create_rule_set(None, prog, [{"code": "no_food_shortage", "essential": True}])
    return prog


def graduate(family: Enrolment, on: datetime.date = DAY) -> None:
    graduation.activate(None, family, on=on)
    interventions.record_visit(None, family, on=on, assessment={"food_shortage": False})
    graduation.mark_ready(None, family, on=on)
    graduation.graduate(None, family, on=on)
