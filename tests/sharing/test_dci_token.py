"""POST /dci/oauth2/client/token: OAuth2 client credentials (RFC 6749 4.4). The access token it gives
is one credential for the DCI API and the REST API alike."""

import base64
from typing import Any

import pytest
from django.test import Client as Browser

from entas.partnerships.models import Purpose
from tests.registry.factories import household
from tests.sharing.kit import Partner, make_partner, search_message, terms

NIK = "3310014105850001"
TOKEN = "/dci/oauth2/client/token"


@pytest.fixture
def partner(db: Any) -> Partner:
    household("3310010101250001", "33.10.01.2001", head_nik=NIK)
    return make_partner(terms())


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def works(partner: Partner, token: str) -> None:
    """The token finds a person over DCI and reads the REST API."""
    partner.token = token
    response = partner.post(Browser(), "sync/search", partner.envelope(
        "search", search_message({"type": "NIK", "value": NIK})))
    assert response.status_code == 200, response.content
    item = response.json()["message"]["search_response"][0]
    assert item["status"] == "succ" and len(item["data"]["reg_records"]) == 1
    regions = Browser().get("/api/regions/", {"limit": 2}, HTTP_AUTHORIZATION=f"Bearer {token}",
                            HTTP_X_PURPOSE=Purpose.TARGETING)
    assert regions.status_code == 200, regions.content
    assert regions.json()["results"]


def granted(response: Any) -> str:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"]
    assert "no-store" in response["Cache-Control"]  # RFC 6749 5.1 (core.middleware, on every answer)
    return str(body["access_token"])


def test_client_credentials_in_the_form_give_a_usable_token(partner: Partner) -> None:
    response = Browser().post(TOKEN, {"grant_type": "client_credentials", "client_id": partner.client.client_id,
                                      "client_secret": partner.secret})
    works(partner, granted(response))


def test_client_credentials_in_http_basic_give_a_usable_token(partner: Partner) -> None:
    response = Browser().post(TOKEN, {"grant_type": "client_credentials"},
                              HTTP_AUTHORIZATION=basic(partner.client.client_id, partner.secret))
    works(partner, granted(response))


def test_each_grant_is_a_new_token(partner: Partner) -> None:
    form = {"grant_type": "client_credentials", "client_id": partner.client.client_id,
            "client_secret": partner.secret}
    first, second = granted(Browser().post(TOKEN, form)), granted(Browser().post(TOKEN, form))
    assert first != second


@pytest.mark.parametrize("how", ["form", "basic"])
def test_a_wrong_secret_is_an_invalid_client(partner: Partner, how: str) -> None:
    if how == "form":
        response = Browser().post(TOKEN, {"grant_type": "client_credentials",
                                          "client_id": partner.client.client_id, "client_secret": "wrong"})
    else:
        response = Browser().post(TOKEN, {"grant_type": "client_credentials"},
                                  HTTP_AUTHORIZATION=basic(partner.client.client_id, "wrong"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert "access_token" not in response.json()


def test_an_unknown_client_is_an_invalid_client(partner: Partner) -> None:
    response = Browser().post(TOKEN, {"grant_type": "client_credentials", "client_id": "nobody",
                                      "client_secret": partner.secret})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_a_stopped_client_gets_no_token(partner: Partner) -> None:
    partner.client.active = False
    partner.client.save(update_fields=["active"])
    response = Browser().post(TOKEN, {"grant_type": "client_credentials", "client_id": partner.client.client_id,
                                      "client_secret": partner.secret})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("grant", ["password", "authorization_code", "", None])
def test_another_grant_is_refused(partner: Partner, grant: str | None) -> None:
    form = {"client_id": partner.client.client_id, "client_secret": partner.secret}
    if grant is not None:
        form["grant_type"] = grant
    response = Browser().post(TOKEN, form)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_missing_credentials_are_a_bad_request(partner: Partner) -> None:
    response = Browser().post(TOKEN, {"grant_type": "client_credentials"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    response = Browser().post(TOKEN, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION="Basic %%%")
    assert response.status_code in (400, 401)


def test_the_token_address_takes_only_post(partner: Partner) -> None:
    assert Browser().get(TOKEN).status_code == 405
