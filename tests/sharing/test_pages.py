"""The data-sharing pages: the data-sharing terms on a PKS, the DCI clients (registered, changed,
given keys and secrets by a national administrator only), what an agreement gave out and which
partners received one person's data."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client as Browser

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.partnerships.models import DataSharing
from entas.registry.models import Person
from entas.sharing import keys
from entas.sharing.models import Client, Disclosure
from tests.conftest import client_for
from tests.partnerships.factories import agreement, partner
from tests.registry.factories import household
from tests.sharing.kit import make_partner, search_message, terms

pytestmark = pytest.mark.django_db

KLATEN = "33.10.01.2001"
KUPANG = "53.01.01.2001"
NIK = "3310014105850001"


def jwks_text() -> str:
    return json.dumps({"keys": [keys.public_jwk(Ed25519PrivateKey.generate().public_key(), "key-2026")]})


def shared(sharing: DataSharing, nik: str = NIK) -> Disclosure:
    """A real signed search by a partner's client, which writes the disclosure."""
    partner = make_partner(sharing)
    response = partner.post(Browser(), "sync/search", partner.envelope("search", search_message(
        {"type": "NIK", "value": nik})))
    assert response.status_code == 200, response.content
    return Disclosure.objects.get(person_id__isnull=False)


def test_registering_a_client_shows_its_secret_once(national_admin: User) -> None:
    sharing = terms()
    browser = client_for(national_admin)
    response = browser.post("/sharing/clients/new/", {
        "data_sharing": sharing.pk, "client_id": "dinsos-klaten", "name": "Sistem Dinsos Klaten",
        "jwks": jwks_text(), "callback_uris": "https://dinsos.example/dci\n", "requests_per_minute": "60",
        "records_per_day": "5000"})
    assert response.status_code == 200
    client = Client.objects.get(client_id="dinsos-klaten")
    secret = response.context["secret"]
    assert secret.startswith(client.secret_prefix) and secret.encode() in response.content
    assert b"/dci/oauth2/client/token" in response.content
    assert client.callback_uris == ["https://dinsos.example/dci"] and client.records_per_day == 5000
    again = browser.get(f"/sharing/clients/{client.pk}/")
    assert again.status_code == 200 and secret.encode() not in again.content
    assert b"key-2026" in again.content
    listed = browser.get("/sharing/clients/")
    assert b"dinsos-klaten" in listed.content and secret.encode() not in listed.content


def test_a_client_form_shows_the_services_refusal_on_its_field(national_admin: User) -> None:
    sharing = terms()
    response = client_for(national_admin).post("/sharing/clients/new/", {
        "data_sharing": sharing.pk, "client_id": "X", "name": "Sistem", "jwks": jwks_text(),
        "requests_per_minute": "60", "records_per_day": "10"})
    assert response.status_code == 400
    assert response.context["form"].errors["client_id"]
    assert not Client.objects.exists()


def test_keys_are_replaced_and_a_new_secret_is_shown_once(national_admin: User) -> None:
    partner = make_partner(terms())
    browser = client_for(national_admin)
    response = browser.post(f"/sharing/clients/{partner.client.pk}/keys/", {"jwks": jwks_text()})
    assert response.status_code == 302
    partner.client.refresh_from_db()
    assert [k["kid"] for k in partner.client.jwks["keys"]] == ["key-2026"]
    bad = browser.post(f"/sharing/clients/{partner.client.pk}/keys/", {"jwks": "{not json"})
    assert bad.status_code == 400 and bad.context["keys_form"].errors["jwks"]
    fresh = browser.post(f"/sharing/clients/{partner.client.pk}/secret/")
    assert fresh.status_code == 200 and fresh.context["secret"] != partner.secret
    changed = browser.post(f"/sharing/clients/{partner.client.pk}/change/", {
        "callback_uris": "", "requests_per_minute": "10", "records_per_day": "20"})
    assert changed.status_code == 302
    partner.client.refresh_from_db()
    assert (partner.client.active, partner.client.requests_per_minute) == (False, 10)


@pytest.mark.parametrize("role", [Role.REGIONAL_OFFICER, Role.ANALYST, Role.API_CLIENT])
def test_it_refuses_a_non_administrator(make_user: Callable[..., User], role: str) -> None:
    partner = make_partner(terms())
    user = make_user("pengguna", role, "33.10" if role == Role.REGIONAL_OFFICER else None)
    browser = client_for(user)
    for path in ("/sharing/clients/", "/sharing/clients/new/", f"/sharing/clients/{partner.client.pk}/",
                 f"/sharing/agreements/{partner.client.data_sharing_id}/"):
        assert browser.get(path).status_code == 404, path
    assert browser.post(f"/sharing/clients/{partner.client.pk}/secret/").status_code == 404
    assert not AuditEntry.objects.filter(action="sharing_client.secret_issued").exists()


def test_the_owner_page_lists_a_disclosure(national_admin: User) -> None:
    home = household("3310010101250001", KLATEN, head_nik=NIK)
    sharing = terms()
    given = shared(sharing)
    response = client_for(national_admin).get(f"/sharing/agreements/{sharing.pk}/")
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row.disclosure.pk == given.pk and row.nik == NIK and row.kk == home.kk_number
    assert given.transaction_id.encode() in response.content
    assert response.context["per_purpose"][0][1] == 1
    entry = AuditEntry.objects.get(action="disclosure.listed")
    assert entry.details["people"] == [given.person_id] and entry.details["ids"] == [given.pk]
    other = client_for(national_admin).get(f"/sharing/agreements/{sharing.pk}/", {"purpose": "research"})
    assert other.context["rows"] == []


def test_a_person_page_names_the_partner_who_received_her_data(klaten_officer: User) -> None:
    household("3310010101250001", KLATEN, head_nik=NIK)
    shared(terms())
    person = Person.objects.get(nik=NIK)
    response = client_for(klaten_officer).get(f"/sharing/people/{person.pk}/")
    assert response.status_code == 200
    assert b"Mitra PKS-01/2026" in response.content and b"bappenas-sepakat" in response.content
    assert AuditEntry.objects.filter(action="disclosure.listed", details__people=[person.pk]).exists()
    page = client_for(klaten_officer).get(f"/registry/households/{person.household_id}/")
    assert f"/sharing/people/{person.pk}/".encode() in page.content


def test_a_person_outside_the_viewers_region_is_not_found(kupang_officer: User) -> None:
    household("3310010101250001", KLATEN, head_nik=NIK)
    person = Person.objects.get(nik=NIK)
    assert client_for(kupang_officer).get(f"/sharing/people/{person.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied").exists()


def test_an_administrator_sets_and_revokes_the_terms_of_a_pks(national_admin: User) -> None:
    pks = agreement([partner("Mitra Data")], number="PKS-09/2026", kind="pks")
    browser = client_for(national_admin)
    page = browser.get(f"/partnerships/{pks.pk}/")
    assert b'data-testid="sharing-form"' in page.content
    refused = browser.post(f"/partnerships/{pks.pk}/data-sharing/", {
        "purposes": ["research"], "field_groups": ["location"], "region": "", "valid_from": "2025-01-10",
        "valid_until": "2031-01-01", "daily_records": "1000"})
    assert refused.status_code == 400 and refused.context["sharing_form"].errors["valid_until"]
    saved = browser.post(f"/partnerships/{pks.pk}/data-sharing/", {
        "purposes": ["research"], "field_groups": ["location"], "region": "33.10", "valid_from": "2025-01-10",
        "valid_until": "2029-12-31", "daily_records": "1000"})
    assert saved.status_code == 302
    sharing = DataSharing.objects.get(agreement=pks)
    assert sharing.region_id == "33.10" and sharing.fields == ["location"]
    assert browser.post(f"/partnerships/{pks.pk}/data-sharing/revoke/", {"reason": " "}).status_code == 400
    assert browser.post(f"/partnerships/{pks.pk}/data-sharing/revoke/", {"reason": "Pelanggaran"}).status_code == 302
    sharing.refresh_from_db()
    assert sharing.revoked_at is not None
    shown = browser.get(f"/partnerships/{pks.pk}/")
    assert b'data-testid="sharing-form"' not in shown.content and b"Pelanggaran" in shown.content


def test_it_refuses_a_regional_officer_the_terms_form(klaten_officer: User) -> None:
    pks = agreement([partner("Mitra Data")], number="PKS-09/2026", kind="pks")
    browser = client_for(klaten_officer)
    assert b'data-testid="sharing-form"' not in browser.get(f"/partnerships/{pks.pk}/").content
    response: Any = browser.post(f"/partnerships/{pks.pk}/data-sharing/", {"purposes": ["research"]})
    assert response.status_code == 404 and not DataSharing.objects.exists()
