"""The village profile (profil desa): the dashboard's last drill-down level, counts only, scoped."""

import datetime
import io
import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from fastexcel import read_excel
from pypdf import PdfReader

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises import cooperatives, services
from entas.enterprises.models import Cooperative, Enterprise, Membership, UnitKind, UnitStatus
from entas.graduation import interventions
from entas.graduation import services as graduation
from entas.monitoring import rollups
from entas.monitoring import services as monitoring
from entas.registry.models import AssistanceReceipt
from tests.conftest import client_for
from tests.enterprises.factories import cooperative, enterprise
from tests.graduation.factories import enrol
from tests.monitoring.factories import indicator
from tests.monitoring.families import graduation_programme
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home, programme

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 1)


@pytest.fixture
def village(agency: Agency) -> None:
    """Klaten village: 5 households (deciles 1, 1, 3 and two enrolled at decile 1), one elsewhere."""
    monitoring.open_year(None, 2024), monitoring.open_year(None, 2025)
    indicator()
    first, _second, third = home(decile=1, name="Siti Aminah"), home(decile=1), home(decile=3)
    home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    # Every household from the factory got SEMBAKO in 2025-06 (5 here); PKH for one in 2025, one in 2024.
    AssistanceReceipt.objects.create(household=first, programme="PKH", period="2025-Q2", amount=750_000)
    AssistanceReceipt.objects.create(household=third, programme="PKH", period="2024-11", amount=750_000)
    enterprise("Keripik Tempe", kbli_code="10792")
    enterprise("Warung Bu Sri", nib=None, owner_nik="3310014105850001", kbli_code="47112")
    enterprise("Kios Pulsa", nib="1234567890124", kbli_code="47111")
    services.close_enterprise(None, enterprise("Tutup", nib="1234567890125", kbli_code="47111"))
    enterprise("Di desa lain", nib="1234567890126", kbli_code="47111", village=KLATEN_OTHER_VILLAGE)
    coop = cooperative()
    cooperatives.add_business_unit(None, coop, kind="sembako_outlet", status="operating")
    cooperatives.add_business_unit(None, coop, kind="clinic")
    cooperatives.join_cooperative(None, coop, first.members.get(), joined=datetime.date(2025, 3, 1))
    cooperative("Koperasi lain", village=KLATEN_OTHER_VILLAGE, registration_number="3310010002")
    prog = graduation_programme(agency)  # "ready" is judged against the programme's rule set
    moving = enrol(prog)
    enrol(prog)
    graduation.activate(None, moving, on=DAY)
    interventions.record_visit(None, moving, on=DAY, assessment={"food_shortage": False})
    graduation.mark_ready(None, moving, on=DAY)
    graduation.relapse(None, moving, on=DAY)
    enrol(prog, KLATEN_OTHER_VILLAGE)
    rollups.refresh()


def test_the_village_page_is_its_profile_with_the_right_counts(national_admin: User, village: None) -> None:
    response = client_for(national_admin).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"})
    assert response.templates[0].name == "monitoring/village.html"
    profile = response.context["profile"]
    assert profile.households == 5
    assert dict(profile.deciles) == {"1": 4, "2": 0, "3": 1, **{str(d): 0 for d in range(4, 11)}}
    coverage = {c.programme: (c.households, c.percent) for c in profile.coverage}
    assert coverage == {"PKH": (1, 20), "SEMBAKO": (5, 100), "PBI_JKN": (0, 0)}
    assert [(s.version, s.section, s.active, s.formal) for s in profile.sections] == [
        ("2020", "C", 1, 1), ("2020", "G", 2, 1)]
    [coop] = profile.cooperatives
    assert (coop.name, coop.members) == ("Koperasi Desa Merah Putih Sukamaju", 1)
    with translation.override("id"):  # the page's language
        assert coop.units == [(str(UnitKind.CLINIC.label), str(UnitStatus.PLANNED.label)),
                              (str(UnitKind.SEMBAKO_OUTLET.label), str(UnitStatus.OPERATING.label))]
    [progress] = profile.progress
    assert progress.counts == {"enrolled": 1, "active": 1, "ready": 0, "graduated": 0, "sustained": 0, "exited": 0}
    assert progress.relapsed == 1
    assert [line.achieved for line in response.context["lines"]] == [4]  # the indicator table stays


def test_the_assistance_of_another_year_is_not_counted(national_admin: User, village: None) -> None:
    profile = client_for(national_admin).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2024"}).context["profile"]
    assert {c.programme: c.households for c in profile.coverage} == {"PKH": 1, "SEMBAKO": 0, "PBI_JKN": 0}
    quarter = client_for(national_admin).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025-Q2"})
    assert {c.programme: c.households for c in quarter.context["profile"].coverage} == {
        "PKH": 1, "SEMBAKO": 5, "PBI_JKN": 0}


def test_a_member_not_yet_recognised_as_a_registry_person_is_counted(national_admin: User, village: None) -> None:
    coop = Cooperative.objects.get(village_id=KLATEN_VILLAGE)
    Membership.objects.create(cooperative=coop, joined=datetime.date(2025, 4, 1), given_name="Maria Goreti",
                              given_key="MARIA GORETI")
    profile = client_for(national_admin).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"}).context["profile"]
    assert [coop.members for coop in profile.cooperatives] == [2]


def test_the_profile_shows_no_personal_data(klaten_officer: User, village: None) -> None:
    page = client_for(klaten_officer).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"}).content.decode()
    assert "Keripik Tempe" not in page and "Siti Aminah" not in page and "3310014105850001" not in page
    assert "Koperasi Desa Merah Putih Sukamaju" in page  # an organisation, not a person


def test_the_profile_charts_read_their_data_from_the_page(klaten_officer: User, village: None) -> None:
    page = client_for(klaten_officer).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"}).content.decode()
    data = json.loads(page.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert data["deciles"]["series"][0]["values"][:3] == [4, 0, 1]
    assert data["coverage"]["labels"] == ["PKH", "SEMBAKO", "PBI_JKN"]
    assert data["coverage"]["series"][0]["values"] == [20, 100, 0]
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_the_profile_queries_are_set_based(klaten_officer: User, agency: Agency, village: None) -> None:
    client = client_for(klaten_officer)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"})
    for n, code in enumerate(["47111", "10792", "01111", "47711"]):
        enterprise(f"Usaha {n}", nib=f"99999999990{n:02d}", kbli_code=code)
    coop = cooperative("Koperasi Produsen", type="producer", registration_number="3310010003")
    cooperatives.add_business_unit(None, coop, kind="office", status="operating")
    cooperatives.add_business_unit(None, coop, kind="logistics")
    enrol(programme(agency, "Program kedua")), enrol(programme(agency, "Program ketiga"))
    with CaptureQueriesContext(connection) as more:
        profile = client.get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025"}).context["profile"]
    assert len(more.captured_queries) == len(few.captured_queries)
    assert len(profile.sections) == 3 and len(profile.cooperatives) == 2 and len(profile.progress) == 3
    assert Enterprise.objects.filter(village_id=KLATEN_VILLAGE, status="active").count() == 7


def test_a_klaten_officer_gets_404_for_a_kupang_village(klaten_officer: User, village: None) -> None:
    client = client_for(klaten_officer)
    assert client.get(f"/dashboard/{KUPANG_VILLAGE}/", {"period": "2025"}).status_code == 404
    assert client.get(f"/dashboard/{KUPANG_VILLAGE}/", {"period": "2025", "format": "xlsx"}).status_code == 404
    assert client.get(f"/dashboard/{KUPANG_VILLAGE}/", {"period": "2025", "format": "pdf"}).status_code == 404
    denied = AuditEntry.objects.filter(action="scope.denied", actor=klaten_officer)
    assert denied.count() == 3 and denied.first().details["lookup"] == {"code": KUPANG_VILLAGE}  # type: ignore[union-attr]
    assert not AuditEntry.objects.filter(action="dashboard.exported").exists()


def test_the_profile_tables_export_to_xlsx(klaten_officer: User, village: None) -> None:
    response = client_for(klaten_officer).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025", "format": "xlsx"})
    assert response.status_code == 200
    book = read_excel(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert len(book.sheet_names) == 6
    deciles = book.load_sheet(0).to_polars()
    assert deciles.row(0) == (1, 4)  # the decile a number, not text
    coverage = book.load_sheet(1).to_polars()
    assert coverage.row(0)[:2] == ("PKH", 1)
    units = book.load_sheet(3).to_polars()
    assert units.height == 2 and set(units[units.columns[0]]) == {"Koperasi Desa Merah Putih Sukamaju"}
    assert AuditEntry.objects.filter(action="dashboard.exported", region_code=KLATEN_VILLAGE).exists()


def test_the_xlsx_hides_small_counts_from_roles_without_personal_data(
        klaten_officer: User, village: None, make_user: Callable[..., User]) -> None:
    analyst = make_user("analis", Role.ANALYST, "33.10")

    def deciles_and_coverage(user: User) -> tuple[tuple[object, ...], tuple[object, ...]]:
        response = client_for(user).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025", "format": "xlsx"})
        book = read_excel(b"".join(response.streaming_content))  # type: ignore[attr-defined]
        return book.load_sheet(0).to_polars().row(0), book.load_sheet(1).to_polars().row(0)

    (decile, households), (programme, receiving, percent) = deciles_and_coverage(analyst)
    assert (decile, households, programme, receiving, percent) == (1, "<5", "PKH", "<5", None)
    assert deciles_and_coverage(klaten_officer)[0] == (1, 4)


def test_a_district_export_hides_small_village_counts_from_roles_without_personal_data(
        klaten_officer: User, village: None, make_user: Callable[..., User]) -> None:
    analyst = make_user("analis", Role.ANALYST, "33.10")

    def villages(user: User) -> dict[str, tuple[object, object]]:
        response = client_for(user).get(f"/dashboard/{KLATEN_VILLAGE[:8]}/",
                                        {"period": "2025", "indicator": "kk-ekstrem", "format": "xlsx"})
        sheet = read_excel(b"".join(response.streaming_content)).load_sheet(1).to_polars()  # type: ignore[attr-defined]
        return {row[0]: (row[3], row[4]) for row in sheet.iter_rows()}

    shown, hidden = villages(klaten_officer), villages(analyst)
    assert 0 < shown[KLATEN_VILLAGE][0] < 5  # type: ignore[operator]
    assert hidden[KLATEN_VILLAGE] == ("<5", None)
    assert villages(klaten_officer).keys() == hidden.keys()


def test_the_village_pdf_holds_the_profile_and_its_charts(klaten_officer: User, village: None) -> None:
    response = client_for(klaten_officer).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025", "format": "pdf"})
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Koperasi Desa Merah Putih Sukamaju" in text and "Siti Aminah" not in text
    assert any("/XObject" in page["/Resources"].get_object() for page in reader.pages)  # type: ignore[operator]
