from collections.abc import Callable

import pytest

from entas.accounts.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_it_lists_the_38_provinces(klaten_officer: User) -> None:
    body = client_for(klaten_officer).get("/api/regions/", {"level": 1, "limit": 100}).json()
    assert body["count"] == 38
    assert body["results"][0] == {"code": "11", "name": "Aceh", "level": 1, "kind": "provinsi", "parent": None}


def test_it_retrieves_one_region_with_its_kind(klaten_officer: User) -> None:
    body = client_for(klaten_officer).get("/api/regions/33.10/").json()
    assert body == {"code": "33.10", "name": "Kabupaten Klaten", "level": 2, "kind": "kabupaten", "parent": "33"}


def test_it_lists_the_children_of_a_region(klaten_officer: User) -> None:
    body = client_for(klaten_officer).get("/api/regions/33.10/children/", {"limit": 100}).json()
    assert body["count"] == 26
    assert {r["parent"] for r in body["results"]} == {"33.10"}


def test_it_searches_by_name(klaten_officer: User) -> None:
    body = client_for(klaten_officer).get("/api/regions/", {"q": "prambanan"}).json()
    codes = {r["code"] for r in body["results"]}
    assert "33.10.01" in codes


def test_it_filters_by_parent(klaten_officer: User) -> None:
    body = client_for(klaten_officer).get("/api/regions/", {"parent": "33.10.01", "limit": "100"}).json()
    assert body["count"] > 10
    assert all(r["code"].startswith("33.10.01.") for r in body["results"])


def test_an_unknown_region_code_is_not_found(klaten_officer: User) -> None:
    response = client_for(klaten_officer).get("/api/regions/99.99/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [({"level": "abc"}, "level"), ({"level": 7}, "level"), ({"parent": "33-10"}, "parent"), ({"q": "a"}, "q")],
)
def test_it_answers_malformed_query_parameters_with_400(klaten_officer: User, params: dict, field: str) -> None:
    response = client_for(klaten_officer).get("/api/regions/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_anonymous_clients_are_refused(db: None) -> None:
    from django.test import Client

    response = Client().get("/api/regions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_api_client_authenticates_with_a_token(make_user: Callable[..., User]) -> None:
    from django.test import Client

    from entas.accounts.tokens import issue_token

    client_user = make_user("mitra", "api_client", "33")
    _issued, token = issue_token(None, client_user, name="test")
    response = Client().get("/api/users/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["region"] == "33"
