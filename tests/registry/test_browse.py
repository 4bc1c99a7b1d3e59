"""Registry pages, API and exports: scoped, masked by role, audited."""

import csv
import io
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.graduation.services import enrol_household
from entas.registry.models import Household
from tests.conftest import client_for
from tests.programmes.factories import TODAY, facilitator, programme
from tests.registry.factories import household

pytestmark = pytest.mark.django_db
KLATEN_VILLAGE = "33.10.01.2001"
KUPANG_VILLAGE = "53.01.04.2003"


def raw(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def body(response: Any) -> str:
    return raw(response).decode()


@pytest.fixture
def homes() -> dict[str, Household]:
    return {
        "klaten": household("3310010101250001", KLATEN_VILLAGE, head="Siti Aminah"),
        "klaten_rich": household("3310010101250002", KLATEN_VILLAGE, decile=8, extreme_poor=False, head="Budi Hartono"),
        "kupang": household("5301040101250001", KUPANG_VILLAGE, head="Maria Bria"),
    }


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user("analis", Role.ANALYST)


def test_the_list_shows_only_households_inside_the_scope(klaten_officer: User, homes: dict[str, Household]) -> None:
    body = client_for(klaten_officer).get("/registry/").content.decode()
    assert "Siti Aminah" in body
    assert "Budi Hartono" in body
    assert "Maria Bria" not in body


def test_the_list_filters_by_decile_and_extreme_poverty(national_admin: User, homes: dict[str, Household]) -> None:
    body = client_for(national_admin).get("/registry/", {"decile_max": "2", "extreme_poor": "1"}).content.decode()
    assert "Siti Aminah" in body
    assert "Maria Bria" in body
    assert "Budi Hartono" not in body


def test_the_list_filters_by_region_and_assistance(national_admin: User, homes: dict[str, Household]) -> None:
    body = client_for(national_admin).get("/registry/", {"region": "53.01", "programme": "SEMBAKO"}).content.decode()
    assert "Maria Bria" in body
    assert "Siti Aminah" not in body
    body = client_for(national_admin).get("/registry/", {"programme": "PKH"}).content.decode()
    assert "Maria Bria" not in body


def test_it_searches_by_nik_kk_and_name(national_admin: User, homes: dict[str, Household]) -> None:
    client = client_for(national_admin)
    by_kk = client.get("/registry/", {"q": "5301040101250001"}).content.decode()
    assert "Maria Bria" in by_kk and "Siti Aminah" not in by_kk
    nik = homes["klaten"].members.get().nik
    by_nik = client.get("/registry/", {"q": nik}).content.decode()
    assert "Siti Aminah" in by_nik and "Maria Bria" not in by_nik
    by_name = client.get("/registry/", {"q": "hartono"}).content.decode()
    assert "Budi Hartono" in by_name and "Siti Aminah" not in by_name


def test_it_names_the_bad_filter(national_admin: User) -> None:
    response = client_for(national_admin).get("/registry/", {"region": "99.99", "decile_min": "5", "decile_max": "2"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "99.99" in body
    assert 'data-testid="households"' not in body


def test_an_analyst_sees_masked_identifiers(analyst: User, homes: dict[str, Household]) -> None:
    body = client_for(analyst).get(f"/registry/households/{homes['klaten'].pk}/").content.decode()
    assert "3310********0001" in body
    assert "3310010101250001" not in body
    assert homes["klaten"].members.get().nik not in body


def test_a_facilitator_sees_full_identifiers_of_her_own_families(agency: Agency, homes: dict[str, Household]) -> None:
    mine = facilitator(agency, "pendamping")
    enrol_household(None, programme(agency), homes["klaten"], facilitator=mine, on=TODAY)
    client = client_for(mine.user)
    body = client.get(f"/registry/households/{homes['klaten'].pk}/").content.decode()
    assert "3310010101250001" in body
    assert homes["klaten"].members.get().nik in body
    # Not enrolled with her: a family of her own district is not hers to read.
    assert client.get(f"/registry/households/{homes['klaten_rich'].pk}/").status_code == 404


def test_opening_a_household_is_audit_logged(klaten_officer: User, homes: dict[str, Household]) -> None:
    client_for(klaten_officer).get(f"/registry/households/{homes['klaten'].pk}/")
    entry = AuditEntry.objects.get(action="household.viewed")
    assert (entry.actor_username, entry.object_id, entry.region_code) == (
        "klaten", str(homes["klaten"].pk), KLATEN_VILLAGE)


def test_a_household_of_another_regency_is_not_found(klaten_officer: User, homes: dict[str, Household]) -> None:
    response = client_for(klaten_officer).get(f"/registry/households/{homes['kupang'].pk}/")
    assert response.status_code == 404
    assert "Maria" not in response.content.decode()
    assert AuditEntry.objects.filter(action="scope.denied").exists()
    assert not AuditEntry.objects.filter(action="household.viewed").exists()


def test_the_csv_export_is_scoped_masked_and_logged(analyst: User, make_user: Callable[..., User],
                                                    homes: dict[str, Household]) -> None:
    officer = make_user("analis-klaten", Role.ANALYST, "33.10")
    response = client_for(officer).get("/registry/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(body(response))))
    assert rows[0][:3] == ["kk_number", "village_code", "village"]
    assert sorted(r[0] for r in rows[1:]) == ["3310********0001", "3310********0002"]
    entry = AuditEntry.objects.get(action="registry.exported")
    assert entry.details["rows"] == 2 and entry.details["format"] == "csv"


def test_the_xlsx_export_holds_the_filtered_rows(national_admin: User, homes: dict[str, Household]) -> None:
    response = client_for(national_admin).get("/registry/", {"format": "xlsx", "region": "53.01"})
    frame = pl.read_excel(io.BytesIO(raw(response)))
    assert frame["kk_number"].to_list() == ["5301040101250001"]
    assert frame["head_name"].to_list() == ["Maria Bria"]


def test_an_export_for_a_region_outside_the_scope_is_empty(klaten_officer: User, homes: dict[str, Household]) -> None:
    response = client_for(klaten_officer).get("/registry/", {"format": "csv", "region": "53.01"})
    rows = list(csv.reader(io.StringIO(body(response))))
    assert len(rows) == 1


def test_the_api_lists_only_households_inside_the_scope(klaten_officer: User, homes: dict[str, Household]) -> None:
    body = client_for(klaten_officer).get("/api/households/").json()
    assert body["count"] == 2
    assert {h["village"] for h in body["results"]} == {KLATEN_VILLAGE}


def test_the_api_masks_for_roles_that_do_not_need_identifiers(analyst: User, homes: dict[str, Household]) -> None:
    body = client_for(analyst).get(f"/api/households/{homes['kupang'].pk}/").json()
    assert body["kk_number"] == "5301********0001"
    assert body["members"][0]["nik"].count("*") == 8
    assert AuditEntry.objects.filter(action="household.viewed", actor_username="analis").exists()


def test_the_api_answers_404_outside_the_scope(klaten_officer: User, homes: dict[str, Household]) -> None:
    assert client_for(klaten_officer).get(f"/api/households/{homes['kupang'].pk}/").status_code == 404
    person = homes["kupang"].members.get()
    assert client_for(klaten_officer).get(f"/api/people/{person.pk}/").status_code == 404


@pytest.mark.parametrize(("params", "field"), [
    ({"decile_min": "0"}, "decile_min"), ({"decile_max": "x"}, "decile_max"), ({"region": "3310"}, "region"),
    ({"programme": "BLT"}, "programme"), ({"decile_min": "5", "decile_max": "2"}, "decile_min"),
])
def test_the_api_names_a_malformed_filter(national_admin: User, params: dict[str, str], field: str) -> None:
    response = client_for(national_admin).get("/api/households/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_region_pages_count_households_and_people_in_scope(klaten_officer: User, homes: dict[str, Household]) -> None:
    response = client_for(klaten_officer).get("/regions/33.10/")
    values = [c.values.get("33.10.01", 0) for c in response.context["extra_columns"]][:3]  # the registry's columns
    assert values == [2, 1, 2]
