"""The dashboard's target column: the region's own target, else those of the regions inside it
summed; the typed achievement of output targets; the percentage; the period it opens on."""

from decimal import Decimal

import pytest

from entas.accounts.models import User
from entas.monitoring import dashboard, rollups, services
from entas.monitoring.models import Period
from tests.conftest import client_for
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, home

pytestmark = pytest.mark.django_db


@pytest.fixture
def years() -> None:
    for year in (2024, 2025, 2026):
        services.open_year(None, year)


def lines(user: User, url: str, period: str) -> dict[str, tuple[object, object, object, bool]]:
    response = client_for(user).get(url, {"period": period})
    return {line.code: (line.target, line.achieved, line.percent, line.rolled) for line in response.context["lines"]}


def test_a_region_without_a_target_shows_the_sum_of_those_inside(years: None, national_admin: User) -> None:
    kk = indicator()
    home(KLATEN_VILLAGE), home(KLATEN_OTHER_VILLAGE)
    for code, value in (("33.10", 8), ("53.01", 4), ("33.10.01", 99)):
        services.set_target(None, indicator=kk, region_code=code, year=2025, quarter=None, value=value)
    rollups.refresh()
    # The nation and province 33 have no target: their regencies' are summed (not the district below them).
    assert lines(national_admin, "/dashboard/", "2025")["kk-ekstrem"] == (12, 2, Decimal("16.7"), True)
    assert lines(national_admin, "/dashboard/33/", "2025")["kk-ekstrem"] == (8, 2, 25, True)
    assert lines(national_admin, "/dashboard/33.10/", "2025")["kk-ekstrem"] == (8, 2, 25, False)
    children = client_for(national_admin).get("/dashboard/", {"period": "2025"}).context["children"]
    assert {line.code: line.target for line in children if line.target is not None} == {"33": 8, "53": 4}
    services.set_target(None, indicator=kk, region_code="", year=2025, quarter=None, value=20)
    assert lines(national_admin, "/dashboard/", "2025")["kk-ekstrem"] == (20, 2, 10, False)


def test_an_output_target_shows_its_typed_achievement_and_percentage(years: None, national_admin: User) -> None:
    plut = indicator("plut", computation="", unit="PLUT")
    services.set_target(None, indicator=plut, region_code="", year=2025, quarter=None, value=63)
    for code, done in (("33", 5), ("35", 7)):
        target = services.set_target(None, indicator=plut, region_code=code, year=2025, quarter=None, value=30)
        services.record_achievement(None, target, achieved=done, note="BAST di arsip dinas")
    assert lines(national_admin, "/dashboard/", "2025")["plut"] == (63, 12, 19, False)
    page = client_for(national_admin).get("/dashboard/", {"period": "2025"}).content.decode()
    assert "19,0\u00a0%" in page


def test_the_dashboard_opens_on_the_latest_year_with_data(years: None, national_admin: User) -> None:
    kk = indicator()
    services.set_target(None, indicator=kk, region_code="33", year=2024, quarter=None, value=6)
    assert str(dashboard.default_period()) == "2024"
    home(KLATEN_VILLAGE)
    rollups.refresh()  # a count as at the end of each period: every year of the calendar has it
    assert str(dashboard.default_period()) == "2026"
    assert client_for(national_admin).get("/dashboard/").context["period"] == Period.objects.get(
        year=2026, quarter=None)
