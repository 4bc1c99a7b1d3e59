"""A regency officer of one regency cannot reach another regency's objects by any route."""

from collections.abc import Callable

import pytest

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def kupang_facilitator(make_user: Callable[..., User]) -> User:
    return make_user("kupang-pendamping", Role.FACILITATOR, "53.01.04")


def test_the_regency_page_of_another_regency_is_not_found(klaten_officer: User) -> None:
    response = client_for(klaten_officer).get("/regions/53.01/")
    assert response.status_code == 404
    assert "Kupang" not in response.content.decode()


def test_a_refused_region_page_is_logged(klaten_officer: User) -> None:
    client_for(klaten_officer).get("/regions/53.01.04/")
    entry = AuditEntry.objects.get(action="scope.denied")
    assert entry.actor_username == "klaten"
    assert entry.details["lookup"] == {"code": "53.01.04"}
    assert entry.channel == "web"


def test_an_unknown_region_is_not_found_and_not_logged_as_denied(national_admin: User) -> None:
    assert client_for(national_admin).get("/regions/99.99/").status_code == 404
    assert not AuditEntry.objects.filter(action="scope.denied").exists()


def test_an_officer_lands_on_her_own_regency(klaten_officer: User) -> None:
    response = client_for(klaten_officer).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/regions/33.10/"


def test_an_officer_sees_the_districts_of_her_regency(klaten_officer: User) -> None:
    response = client_for(klaten_officer).get("/regions/33.10/")
    assert response.status_code == 200
    assert "Prambanan" in response.content.decode()


def test_region_search_finds_nothing_outside_the_scope(klaten_officer: User) -> None:
    body = client_for(klaten_officer).get("/regions/search/", {"q": "Kupang"}).content.decode()
    assert "53.01" not in body
    assert "33.10" in client_for(klaten_officer).get("/regions/search/", {"q": "Prambanan"}).content.decode()


def test_the_user_api_lists_only_users_inside_the_scope(
    klaten_officer: User, kupang_officer: User, kupang_facilitator: User
) -> None:
    names = [u["username"] for u in client_for(klaten_officer).get("/api/users/").json()["results"]]
    assert names == ["klaten"]


def test_the_user_api_answers_404_for_a_user_of_another_regency(
    klaten_officer: User, kupang_facilitator: User
) -> None:
    response = client_for(klaten_officer).get(f"/api/users/{kupang_facilitator.pk}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="klaten").exists()


def test_the_audit_api_hides_entries_of_another_regency(klaten_officer: User, kupang_officer: User) -> None:
    entries = client_for(klaten_officer).get("/api/audit/").json()["results"]
    assert entries
    assert all(e["region_code"].startswith("33.10") for e in entries)
    kupang_entry = AuditEntry.objects.filter(region_code="53.01").first()
    assert kupang_entry is not None
    assert client_for(klaten_officer).get(f"/api/audit/{kupang_entry.pk}/").status_code == 404


def test_the_admin_lists_only_users_inside_the_scope(
    klaten_officer: User, kupang_officer: User, kupang_facilitator: User
) -> None:
    body = client_for(klaten_officer).get("/admin/accounts/user/").content.decode()
    assert "klaten" in body
    assert "kupang" not in body


def test_the_admin_does_not_open_a_user_of_another_regency(
    klaten_officer: User, kupang_facilitator: User
) -> None:
    client = client_for(klaten_officer)
    response = client.get(f"/admin/accounts/user/{kupang_facilitator.pk}/change/")
    body = response.content.decode()
    assert "kupang-pendamping" not in body
    assert response.status_code == 404  # like every other route (issue 12, item 17)


def test_the_admin_audit_log_hides_another_regency(klaten_officer: User, kupang_officer: User) -> None:
    body = client_for(klaten_officer).get("/admin/core/auditentry/").content.decode()
    assert "53.01" not in body


def test_a_facilitator_cannot_list_users_through_the_api(make_user: Callable[..., User]) -> None:
    facilitator = make_user("pendamping", Role.FACILITATOR, "33.10.01")
    assert client_for(facilitator).get("/api/users/").status_code == 403
    assert client_for(facilitator).get("/api/users/me/").json()["username"] == "pendamping"


def test_a_facilitator_is_kept_out_of_the_admin(make_user: Callable[..., User]) -> None:
    facilitator = make_user("pendamping", Role.FACILITATOR, "33.10.01")
    response = client_for(facilitator).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    from django.test import Client

    response = Client().get("/regions/33/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert Client().get("/api/users/").status_code in (401, 403)
