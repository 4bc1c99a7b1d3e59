"""The region pages gain three columns: cooperatives, active enterprises and jobs held by people
from desil 1-2 households, counted per child region inside the viewer's scope."""

import datetime

import pytest

from entas.accounts.models import User
from entas.enterprises import services
from entas.enterprises.sections import enterprise_columns
from tests.conftest import client_for
from tests.enterprises.factories import KLATEN_VILLAGE, KUPANG_VILLAGE, cooperative, enterprise, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def data() -> None:
    poor, rich = person("3310010101850001", decile=1), person("3310010101850002", decile=9, name="Budi")
    shop = enterprise()
    services.record_job(None, shop, poor, start=datetime.date(2025, 1, 1))
    services.record_job(None, shop, rich, start=datetime.date(2025, 1, 1))
    closed = enterprise("Tutup", nib="1234567890999")
    services.close_enterprise(None, closed)
    cooperative()
    enterprise("Tenun Kupang", KUPANG_VILLAGE, nib="5301000000001")


def test_counts_per_child_region(national_admin: User, data: None) -> None:
    cooperatives, enterprises, jobs = enterprise_columns(national_admin, ["33.10.01", "33.10.02"], 3)
    assert cooperatives.values == {"33.10.01": 1}
    assert enterprises.values == {"33.10.01": 1}  # the closed one is not counted
    assert jobs.values == {"33.10.01": 1}  # the desil 9 worker is not counted


def test_the_columns_are_scoped(klaten_officer: User, data: None) -> None:
    columns = enterprise_columns(klaten_officer, ["33", "53"], 1)
    assert [c.values for c in columns] == [{"33": 1}, {"33": 1}, {"33": 1}]


def test_the_region_page_shows_them(klaten_officer: User, data: None) -> None:
    body = client_for(klaten_officer).get("/regions/33.10/").content.decode()
    assert "Usaha aktif" in body and "Pekerjaan warga desil 1–2" in body  # noqa: RUF001
    assert KLATEN_VILLAGE[:8] in body
