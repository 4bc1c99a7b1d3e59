"""Maps below the regency: a regency's districts from its province's file only, a district among its
neighbours, a village's district outline, and districts the boundary file has no shape for."""

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from entas.accounts.models import User
from entas.monitoring import boundaries, report_svg, rollups, services
from entas.regions.codes import Level
from entas.regions.models import Region
from tests.conftest import client_for, english_client
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_VILLAGE, home

pytestmark = pytest.mark.django_db

DISTRICTS = boundaries.STATIC / boundaries.FOLDER / "districts"


@pytest.fixture
def numbers() -> None:
    services.open_year(None, 2025)
    indicator()
    home(KLATEN_VILLAGE), home(KLATEN_VILLAGE)
    rollups.refresh()


def map_data(page: str) -> dict[str, Any]:
    return json.loads(page.split('id="map-data" type="application/json">')[1].split("</script>")[0])


def test_the_district_files_hold_exactly_the_kemendagri_districts_one_file_per_province() -> None:
    in_files: dict[str, set[str]] = defaultdict(set)
    for path in DISTRICTS.glob("*.geojson"):
        for code in boundaries.codes(f"{boundaries.FOLDER}/districts/{path.name}"):
            in_files[path.stem].add(code)
    in_regions: dict[str, set[str]] = defaultdict(set)
    for code in Region.objects.filter(level=Level.DISTRICT).values_list("code", flat=True):
        in_regions[code[:2]].add(code)
    assert in_files == in_regions  # same dotted PP.KK.CC codes, each in its own province's file


def test_a_regency_page_maps_its_districts_from_its_province_file_only(klaten_officer: User,
                                                                       numbers: None) -> None:
    response = client_for(klaten_officer).get("/dashboard/33.10/", {"period": "2025"})
    page = response.content.decode()
    data = map_data(page)
    assert data["url"] == "/static/monitoring/boundaries/districts/33.geojson"
    assert page.count("boundaries/districts/") == 1  # never another province's file
    assert data["prefix"] == "33.10" and len(data["values"]) == 26 and data["values"]["33.10.01"] == 2
    assert data["unshaped"] == 0 and 'data-testid="unshaped"' not in page


def test_a_district_without_a_shape_stays_in_the_table_and_the_page_says_so(
        klaten_officer: User, numbers: None, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = boundaries.codes("monitoring/boundaries/districts/33.geojson") - {"33.10.01"}
    monkeypatch.setattr(boundaries, "codes", lambda path: drawn)
    response = english_client(klaten_officer).get("/dashboard/33.10/", {"period": "2025"})
    assert "33.10.01" in [line.code for line in response.context["children"]]
    assert response.context["map"]["unshaped"] == 1
    assert "Regions without a boundary shape (in the table, not on the map): 1." in response.content.decode()


def test_a_district_page_shows_the_district_among_its_neighbours(klaten_officer: User, numbers: None) -> None:
    response = client_for(klaten_officer).get("/dashboard/33.10.01/", {"period": "2025"})
    assert response.status_code == 200
    data = map_data(response.content.decode())
    assert data["url"].endswith("/districts/33.geojson") and data["prefix"] == "33.10"
    assert data["highlight"] == "33.10.01" and "values" not in data and data["focus"] is False


def test_a_village_page_shows_its_district_outline(klaten_officer: User, numbers: None) -> None:
    response = client_for(klaten_officer).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"})
    page = response.content.decode()
    assert 'data-testid="district-outline"' in page
    data = map_data(page)
    assert data["url"].endswith("/districts/33.geojson") and data["highlight"] == "33.10.01" and data["focus"]


def test_a_village_whose_district_has_no_shape_has_a_profile_without_a_map(
        klaten_officer: User, numbers: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boundaries, "codes", lambda path: frozenset())
    response = client_for(klaten_officer).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"})
    assert response.status_code == 200 and response.context["map"] is None
    assert 'data-testid="district-outline"' not in response.content.decode()


def test_a_regency_report_draws_the_district_map(klaten_officer: User, numbers: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[tuple[str, str]] = []
    choropleth = report_svg.choropleth

    def spy(layer: str, prefix: str, *args: Any, **kwargs: Any) -> Any:
        drawn.append((layer, prefix))
        return choropleth(layer, prefix, *args, **kwargs)

    monkeypatch.setattr(report_svg, "choropleth", spy)
    response = client_for(klaten_officer).get("/dashboard/33.10/", {"period": "2025", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert drawn == [("monitoring/boundaries/districts/33.geojson", "33.10")]


def test_the_project_never_reads_the_shared_folder() -> None:
    assert all(Path(p).is_file() for p in [DISTRICTS / "33.geojson", DISTRICTS.parent / "LICENSE"])
    assert boundaries.layer(Level.DISTRICT, "99.01") is None  # no such province file: no map, no error
