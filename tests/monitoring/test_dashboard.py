"""The dashboard: target against achievement per region and period, scoped, with its XLSX export."""

import io
import json

import pytest
from fastexcel import read_excel
from pypdf import PdfReader

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.monitoring import rollups, services
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers() -> None:
    services.open_year(None, 2025)
    kk = indicator()
    home(KLATEN_VILLAGE), home(KLATEN_VILLAGE), home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    services.set_target(None, indicator=kk, region_code="33", year=2025, quarter=None, value=6)
    services.set_target(None, indicator=kk, region_code="", year=2025, quarter=None, value=10)
    rollups.refresh()


def test_the_national_page_shows_target_achievement_and_a_province_map(national_admin: User, numbers: None) -> None:
    response = client_for(national_admin).get("/dashboard/", {"period": "2025"})
    lines = {line.code: (line.target, line.achieved) for line in response.context["lines"]}
    assert lines == {"kk-ekstrem": (10, 4)}
    children = {line.code: (line.target, line.achieved, line.percent) for line in response.context["children"]}
    assert children["33"] == (6, 3, 50)
    assert children["53"] == (None, 1, None)
    page = response.content.decode()
    data = json.loads(page.split('id="map-data" type="application/json">')[1].split("</script>")[0])
    assert data["url"].endswith("provinces.geojson") and data["values"]["33"] == 3
    assert "Numbers computed at" in page or "Angka dihitung" in page


def test_a_regional_officer_is_sent_to_her_region_and_sees_its_districts(klaten_officer: User, numbers: None) -> None:
    client = client_for(klaten_officer)
    assert client.get("/dashboard/")["Location"] == "/dashboard/33.10/"
    response = client.get("/dashboard/33.10/", {"period": "2025"})
    assert [(line.code, line.achieved) for line in response.context["lines"]] == [("kk-ekstrem", 3)]
    assert response.context["map"]["url"].endswith("districts/33.geojson")  # her province's file only


def test_a_province_page_maps_its_regencies(national_admin: User, numbers: None) -> None:
    response = client_for(national_admin).get("/dashboard/33/", {"period": "2025"})
    assert response.context["map"]["url"].endswith("regencies.geojson")
    assert response.context["map"]["prefix"] == "33"
    assert response.context["map"]["values"]["33.10"] == 3


def test_a_region_outside_the_scope_answers_404_and_is_logged(klaten_officer: User, numbers: None) -> None:
    client = client_for(klaten_officer)
    assert client.get("/dashboard/53/").status_code == 404
    assert client.get("/dashboard/33/").status_code == 404  # her province is wider than her scope
    assert AuditEntry.objects.filter(action="scope.denied", actor=klaten_officer).count() == 2


def test_it_refuses_an_export_for_a_region_outside_the_scope(klaten_officer: User, numbers: None) -> None:
    response = client_for(klaten_officer).get("/dashboard/53.01/", {"format": "xlsx"})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="dashboard.exported").exists()


def test_the_export_is_the_table_as_xlsx(klaten_officer: User, numbers: None) -> None:
    response = client_for(klaten_officer).get("/dashboard/33.10/", {"period": "2025", "format": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    book = read_excel(content)
    first = book.load_sheet(0).to_polars()
    assert first.row(0)[0] == "kk-ekstrem" and first.row(0)[3] == 3
    districts = book.load_sheet(1).to_polars()
    assert districts.filter(districts[districts.columns[0]] == "33.10.01").row(0)[3] == 3
    over_time = book.load_sheet(2).to_polars()
    assert over_time.columns[1:] == ["2025"] and over_time.row(0) == ("Keluarga miskin ekstrem", 3)
    assert book.sheet_names[1] == "Keluarga miskin ekstrem"  # sheets and rows by the indicator's name
    assert AuditEntry.objects.filter(action="dashboard.exported", region_code="33.10").exists()


def test_an_export_for_a_period_without_targets_is_what_the_page_shows(klaten_officer: User, numbers: None) -> None:
    services.open_year(None, 2024)
    client = client_for(klaten_officer)
    shown = [(line.code, line.target, line.achieved, line.percent)
             for line in client.get("/dashboard/33.10/", {"period": "2024"}).context["lines"]]
    response = client.get("/dashboard/33.10/", {"period": "2024", "format": "xlsx"})
    book = read_excel(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    rows = [(code, target, achieved, percent) for code, _, target, achieved, percent
            in book.load_sheet(0).to_polars().rows()]
    assert rows == shown and rows[0][1] is None and rows[0][3] is None  # no target, no percentage


def test_a_village_page_is_the_village_profile_with_its_indicators(national_admin: User, numbers: None) -> None:
    response = client_for(national_admin).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"})
    assert response.status_code == 200
    assert "children" not in response.context and response.context["profile"].households == 2
    assert [line.achieved for line in response.context["lines"]] == [2]


def test_the_trend_shows_each_year_and_quarter(agency: Agency, national_admin: User) -> None:
    services.open_year(None, 2024), services.open_year(None, 2025)
    indicator("enrolled", computation="households_enrolled")
    enrol(programme(agency)), enrol(programme(agency, "Lain"), KUPANG_VILLAGE)  # both on 2025-07-31
    rollups.refresh()
    client = client_for(national_admin)
    years = client.get("/dashboard/", {"period": "2025"}).context["trend"]
    assert [str(p) for p in years.periods] == ["2024", "2025"]
    assert [(i.code, values) for i, values in years.rows] == [("enrolled", [0, 2])]
    quarters = client.get("/dashboard/53/", {"period": "2025", "trend": "quarters"}).context["trend"]
    assert quarters.rows[0][1] == [0, 0, 0, 0, 0, 0, 1, 1]


def test_the_pdf_report_holds_the_tables(klaten_officer: User, numbers: None) -> None:
    response = client_for(klaten_officer).get("/dashboard/33.10/", {"period": "2025", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kabupaten Klaten" in text and "33.10" in text
    assert "Keluarga miskin ekstrem" in text  # the indicator's name, not its code
    assert AuditEntry.objects.filter(action="dashboard.exported", details__format="pdf").exists()
    assert client_for(klaten_officer).get("/dashboard/53/", {"format": "pdf"}).status_code == 404
