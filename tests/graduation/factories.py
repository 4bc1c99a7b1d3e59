"""Enrolment fixtures made through the services (their checks are what the tests rely on)."""

from entas.graduation import services
from entas.graduation.models import Enrolment
from entas.programmes.models import Facilitator, Programme
from tests.programmes.factories import KLATEN_VILLAGE, TODAY, home


def enrol(prog: Programme, village: str = KLATEN_VILLAGE, fac: Facilitator | None = None) -> Enrolment:
    return services.enrol_household(None, prog, home(village), facilitator=fac, on=TODAY)
