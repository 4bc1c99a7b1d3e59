"""Enterprise fixtures made through the services (their checks are what the tests rely on)."""

import datetime
from typing import Any

from entas.enterprises import services
from entas.enterprises.models import Cooperative, Enterprise
from entas.registry.models import Person
from tests.registry.factories import household

KLATEN_VILLAGE = "33.10.01.2001"
KLATEN_OTHER_VILLAGE = "33.10.01.2002"
KUPANG_VILLAGE = "53.01.04.2003"
TODAY = datetime.date(2025, 7, 31)


def person(kk: str, village: str = KLATEN_VILLAGE, *, decile: int = 1, name: str = "Siti Aminah") -> Person:
    """The head of a new household of `decile`; the NIK is kk[:6] + '410585' + kk[-4:]."""
    return household(kk, village, decile=decile, extreme_poor=decile <= 2, head=name).members.get()


def enterprise(name: str = "Keripik Tempe Bu Siti", village: str = KLATEN_VILLAGE, **fields: Any) -> Enterprise:
    values: dict[str, Any] = {"nib": "1234567890123", "kbli_code": "10792", "capital": 50_000_000,
                              "annual_sales": 300_000_000, "founded": datetime.date(2020, 1, 1), "on": TODAY}
    values.update(fields)
    return services.register_enterprise(None, name=name, village_code=village, **values)


def cooperative(name: str = "Koperasi Desa Merah Putih Sukamaju", village: str = KLATEN_VILLAGE,
                **fields: Any) -> Cooperative:
    values: dict[str, Any] = {"type": "merah_putih", "registration_number": "3310010001"}
    values.update(fields)
    return services.register_cooperative(None, name=name, village_code=village, **values)
