"""The dashboard's charts (json_script for Chart.js); the printed report's are in test_pdf_report.py."""

import json
from typing import Any

import pytest

from entas.accounts.models import User
from entas.monitoring import rollups, services
from tests.conftest import client_for
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers() -> None:
    services.open_year(None, 2024), services.open_year(None, 2025)
    kk = indicator()
    home(KLATEN_VILLAGE), home(KLATEN_VILLAGE), home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    services.set_target(None, indicator=kk, region_code="", year=2024, quarter=None, value=12)
    services.set_target(None, indicator=kk, region_code="", year=2025, quarter=None, value=10)
    services.set_target(None, indicator=kk, region_code="33", year=2025, quarter=None, value=6)
    rollups.refresh()


def chart_data(page: str) -> dict[str, Any]:
    return json.loads(page.split('id="chart-data" type="application/json">')[1].split("</script>")[0])


def test_the_trend_chart_has_target_and_achievement_per_year(national_admin: User, numbers: None) -> None:
    page = client_for(national_admin).get("/dashboard/", {"period": "2025"}).content.decode()
    trend = chart_data(page)["trend"]
    assert trend["labels"] == ["2024", "2025"]
    assert [(s["values"]) for s in trend["series"]] == [[4, 4], [12, 10]]  # achievement, then target
    assert 'data-chart="trend"' in page and "vendor/chartjs/chart.umd.min.js" in page


def test_the_region_chart_has_one_bar_per_child_with_its_code(national_admin: User, numbers: None) -> None:
    data = chart_data(client_for(national_admin).get("/dashboard/", {"period": "2025"}).content.decode())
    bars = data["children"]
    assert len(bars["labels"]) == len(bars["codes"]) == 38
    values = dict(zip(bars["codes"], bars["series"][0]["values"], strict=True))
    assert values["33"] == 3 and values["53"] == 1 and values["11"] == 0
    targets = dict(zip(bars["codes"], bars["series"][1]["values"], strict=True))
    assert targets["33"] == 6 and targets["53"] is None


def test_a_regency_charts_its_districts_beside_their_map(klaten_officer: User, numbers: None) -> None:
    response = client_for(klaten_officer).get("/dashboard/33.10/", {"period": "2025"})
    assert response.context["map"]["url"].endswith("districts/33.geojson")
    bars = chart_data(response.content.decode())["children"]
    assert dict(zip(bars["codes"], bars["series"][0]["values"], strict=True))["33.10.01"] == 3
    assert len(bars["series"]) == 1  # no district has a target
