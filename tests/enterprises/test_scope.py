"""A Klaten officer sees Klaten's enterprises, cooperatives, jobs and groups, never Kupang's: not
in lists, pages, the API or the admin; a Kupang record answers 404 like a missing one. Owner and
member NIKs are masked for roles that do not need them."""

import datetime
from collections.abc import Callable

import pytest

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises import services
from entas.enterprises.models import Cooperative, Enterprise
from tests.conftest import client_for
from tests.enterprises.factories import KLATEN_VILLAGE, KUPANG_VILLAGE, cooperative, enterprise, person

pytestmark = pytest.mark.django_db
D = datetime.date
SITI_NIK = "3310014105850001"


@pytest.fixture
def world() -> dict[str, Enterprise | Cooperative]:
    siti = person("3310010101850001", KLATEN_VILLAGE, name="Siti Aminah")
    maria = person("5301040101850001", KUPANG_VILLAGE, name="Maria Bria")
    klaten = enterprise("Keripik Klaten", KLATEN_VILLAGE, owner_nik=siti.nik)
    kupang = enterprise("Tenun Ikat Kupang", KUPANG_VILLAGE, nib="5301000000001", kbli_code="14111")
    klaten_coop = cooperative("KDMP Klaten", KLATEN_VILLAGE)
    kupang_coop = cooperative("KDMP Kupang", KUPANG_VILLAGE, registration_number="5301040001")
    services.join_cooperative(None, klaten_coop, siti, joined=D(2025, 1, 1))
    services.join_cooperative(None, kupang_coop, maria, joined=D(2025, 1, 1))
    services.record_job(None, kupang, maria, start=D(2025, 1, 1))
    return {"klaten": klaten, "kupang": kupang, "klaten_coop": klaten_coop, "kupang_coop": kupang_coop}


def test_lists_show_only_what_lies_inside_the_scope(klaten_officer: User, world: dict) -> None:
    client = client_for(klaten_officer)
    enterprises = client.get("/enterprises/").content.decode()
    assert "Keripik Klaten" in enterprises and "Tenun Ikat Kupang" not in enterprises
    coops = client.get("/enterprises/cooperatives/").content.decode()
    assert "KDMP Klaten" in coops and "KDMP Kupang" not in coops


def test_pages_outside_the_scope_answer_404_and_are_logged(klaten_officer: User, world: dict) -> None:
    client = client_for(klaten_officer)
    assert client.get(f"/enterprises/{world['klaten'].pk}/").status_code == 200
    assert client.get(f"/enterprises/{world['kupang'].pk}/").status_code == 404
    assert client.get(f"/enterprises/cooperatives/{world['kupang_coop'].pk}/").status_code == 404
    assert client.get("/enterprises/999999/").status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied").count() == 2


def test_the_api_is_scoped_too(klaten_officer: User, world: dict) -> None:
    client = client_for(klaten_officer)
    names = [e["name"] for e in client.get("/api/enterprises/").json()["results"]]
    assert names == ["Keripik Klaten"]
    assert client.get(f"/api/enterprises/{world['kupang'].pk}/").status_code == 404
    assert client.get(f"/api/cooperatives/{world['kupang_coop'].pk}/").status_code == 404
    assert [c["name"] for c in client.get("/api/cooperatives/").json()["results"]] == ["KDMP Klaten"]
    assert client.get("/api/jobs/").json()["count"] == 0
    members = client.get("/api/cooperative-memberships/").json()["results"]
    assert [m["person_name"] for m in members] == ["Siti Aminah"]


def test_the_api_names_a_bad_query_parameter(klaten_officer: User) -> None:
    response = client_for(klaten_officer).get("/api/enterprises/", {"scale": "huge", "region": "33.10"})
    assert response.status_code == 400 and "scale" in response.json()


def test_the_admin_is_scoped(klaten_officer: User, world: dict) -> None:
    client = client_for(klaten_officer)
    listing = client.get("/admin/enterprises/enterprise/").content.decode()
    assert "Keripik Klaten" in listing and "Tenun Ikat Kupang" not in listing
    # Outside the scope: 404 and logged, like every other route (issue 12, item 17).
    assert client.get(f"/admin/enterprises/enterprise/{world['kupang'].pk}/change/").status_code == 404


def test_owner_and_member_niks_are_masked_for_an_analyst(make_user: Callable[..., User], klaten_officer: User,
                                                         world: dict) -> None:
    analyst = make_user("analis", Role.ANALYST, "33.10")
    masked = client_for(analyst).get(f"/enterprises/{world['klaten'].pk}/").content.decode()
    assert SITI_NIK not in masked and "3310********0001" in masked
    coop = client_for(analyst).get(f"/enterprises/cooperatives/{world['klaten_coop'].pk}/").content.decode()
    assert SITI_NIK not in coop
    api = client_for(analyst).get("/api/enterprises/").json()["results"][0]
    assert api["owner_nik"] == "3310********0001"
    full = client_for(klaten_officer).get(f"/enterprises/{world['klaten'].pk}/").content.decode()
    assert SITI_NIK in full


def test_the_cooperative_page_counts_members_from_desil_1_2(klaten_officer: User, world: dict) -> None:
    rich = person("3310010101850002", KLATEN_VILLAGE, decile=8, name="Budi Hartono")
    services.join_cooperative(None, world["klaten_coop"], rich, joined=D(2025, 2, 1))
    body = client_for(klaten_officer).get(f"/enterprises/cooperatives/{world['klaten_coop'].pk}/").content.decode()
    assert "2 anggota saat ini, 1 dari keluarga desil 1–2" in body  # noqa: RUF001
