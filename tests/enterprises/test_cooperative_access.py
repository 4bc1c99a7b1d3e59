"""A cooperative manager's scope is the cooperatives his account acts for: an officer of the
cooperative's region grants and revokes that access in the browser, audited."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises import access, services
from entas.enterprises.models import Cooperative, CooperativeAccess
from tests.conftest import client_for
from tests.enterprises.factories import TODAY, cooperative, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def coops() -> dict[str, Cooperative]:
    mine = cooperative()
    other = cooperative("Koperasi Tani Makmur", type="producer", registration_number="3310010002")
    services.join_cooperative(None, mine, person("3310010101850001", name="Siti Anggota"), joined=TODAY)
    services.join_cooperative(None, other, person("3310010101850002", name="Budi Lain"), joined=TODAY)
    return {"mine": mine, "other": other}


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user("pengurus", Role.COOPERATIVE_MANAGER, "33.10.01")


def test_an_officer_gives_a_manager_access_to_one_cooperative(
        klaten_officer: User, manager: User, coops: dict[str, Cooperative]) -> None:
    page = f"/enterprises/cooperatives/{coops['mine'].pk}/access/"
    officer = client_for(klaten_officer)
    assert "pengurus" in officer.get(page).content.decode()
    assert officer.post(page, {"user": manager.pk}).status_code == 302
    assert CooperativeAccess.objects.filter(user=manager, cooperative=coops["mine"]).exists()
    assert AuditEntry.objects.filter(action="cooperative.access_granted").exists()
    client = client_for(manager)
    listing = client.get("/enterprises/cooperatives/").content.decode()
    assert coops["mine"].name in listing and coops["other"].name not in listing
    assert "Siti Anggota" in client.get(f"/enterprises/cooperatives/{coops['mine'].pk}/").content.decode()
    assert client.get(f"/enterprises/cooperatives/{coops['other'].pk}/").status_code == 404


def test_without_access_a_manager_sees_no_cooperative_and_no_household(
        manager: User, coops: dict[str, Cooperative]) -> None:
    client = client_for(manager)
    assert coops["mine"].name not in client.get("/enterprises/cooperatives/").content.decode()
    registry = client.get("/registry/").content.decode()
    assert "Siti Anggota" not in registry and "Budi Lain" not in registry
    assert client.get("/api/people/").json()["count"] == 0


def test_revoking_access_closes_the_cooperative_again(
        klaten_officer: User, manager: User, coops: dict[str, Cooperative]) -> None:
    granted = access.grant_access(klaten_officer, coops["mine"], manager)
    client_for(klaten_officer).post(f"/enterprises/cooperatives/{coops['mine'].pk}/access/", {"revoke": granted.pk})
    assert not CooperativeAccess.objects.exists()
    assert client_for(manager).get(f"/enterprises/cooperatives/{coops['mine'].pk}/").status_code == 404


def test_it_refuses_an_account_that_is_not_a_cooperative_manager_or_lives_elsewhere(
        klaten_officer: User, make_user: Callable[..., User], coops: dict[str, Cooperative]) -> None:
    analyst = make_user("analis", Role.ANALYST, "33.10")
    far = make_user("pengurus-jauh", Role.COOPERATIVE_MANAGER, "33.10.02")
    for account in (analyst, far):
        with pytest.raises(ValidationError):
            access.grant_access(klaten_officer, coops["mine"], account)
    assert not CooperativeAccess.objects.exists()


def test_another_regions_officer_cannot_open_the_access_page(
        kupang_officer: User, coops: dict[str, Cooperative]) -> None:
    response = client_for(kupang_officer).get(f"/enterprises/cooperatives/{coops['mine'].pk}/access/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="kupang").exists()


def test_a_facilitator_may_not_give_access(make_user: Callable[..., User], coops: dict[str, Cooperative]) -> None:
    facilitator = make_user("pendamping", Role.FACILITATOR, "33.10.01")
    assert client_for(facilitator).get(f"/enterprises/cooperatives/{coops['mine'].pk}/access/").status_code == 403


def test_a_manager_joins_a_new_member_by_the_nik_on_her_ktp(
        klaten_officer: User, manager: User, coops: dict[str, Cooperative]) -> None:
    access.grant_access(klaten_officer, coops["mine"], manager)
    newcomer = person("3310010101850003", name="Rina Baru")
    outsider = person("5301040101850001", "53.01.04.2003", name="Maria Jauh")
    client = client_for(manager)
    url = f"/enterprises/cooperatives/{coops['mine'].pk}/join/"
    form = {"joined": "2025-07-01", "share_principal": 0, "share_mandatory": 0}
    assert client.post(url, {**form, "nik": newcomer.nik}).status_code == 302
    assert "Rina Baru" in client.get(f"/enterprises/cooperatives/{coops['mine'].pk}/").content.decode()
    refused = client.post(url, {**form, "nik": outsider.nik})
    assert refused.status_code == 400 and "Maria" not in refused.content.decode()
    # He still cannot search the registry for anyone who is not a member.
    assert "Budi Lain" not in client.get("/registry/", {"q": "Budi"}).content.decode()
