"""Programme fixtures made through the services (their checks are what the tests rely on)."""

import datetime
from itertools import count
from typing import Any

from entas.accounts import services as accounts
from entas.accounts.models import Agency
from entas.accounts.roles import Role
from entas.programmes import services
from entas.programmes.models import Facilitator, Programme
from entas.registry.models import Household
from tests.conftest import PASSWORD
from tests.registry.factories import household

KLATEN_VILLAGE = "33.10.01.2001"
KLATEN_OTHER_VILLAGE = "33.10.01.2002"
KUPANG_VILLAGE = "53.01.04.2003"
TODAY = datetime.date(2025, 7, 31)
_serial = count(1)


def home(village: str = KLATEN_VILLAGE, *, decile: int = 1, extreme_poor: bool | None = None,
         name: str = "Siti Aminah") -> Household:
    n = next(_serial)
    kk = village.replace(".", "")[:6] + "010125" + f"{n:04d}"
    return household(kk, village, decile=decile, extreme_poor=decile <= 2 if extreme_poor is None else extreme_poor,
                     head=name)


def programme(agency: Agency, name: str = "Graduasi KPM 2025", **fields: Any) -> Programme:
    values: dict[str, Any] = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2027, 12, 31),
                              "budget": 5_000_000_000, "priority_locations_only": False}
    values.update(fields)
    return services.create_programme(None, name=name, lead_agency=agency, **values)


def facilitator(agency: Agency, username: str, region: str = "33.10.01", capacity: int = 10) -> Facilitator:
    user = accounts.create_user(None, username=username, password=PASSWORD, role=Role.FACILITATOR, agency=agency,
                                region_code=region[:8])
    return services.register_facilitator(None, user=user, agency=agency, region_code=region, capacity=capacity)

