"""The data-sharing pages in a real browser: the national administrator registers a DCI client
through the form and sees its secret once, then reads the client, what the agreement gave out and
whom a person's data went to."""

import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client as Browser
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.registry.models import Person
from entas.sharing import keys
from entas.sharing.models import Client
from tests.browser.test_overview_in_browser import log_in
from tests.registry.factories import household
from tests.sharing.kit import make_partner, search_message, terms

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("ENTAS_SHARING_SHOTS", "/tmp/shots"))
NIK = "3310014105850001"


def test_an_administrator_registers_a_client_and_reads_what_was_shared(page: Page, national_admin: User) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    household("3310010101250001", "33.10.01.2001", head_nik=NIK)
    sharing = terms()
    partner = make_partner(sharing)
    answer = partner.post(Browser(), "sync/search", partner.envelope("search", search_message(
        {"type": "NIK", "value": NIK})))
    assert answer.status_code == 200
    person = Person.objects.get(nik=NIK)
    jwks = json.dumps({"keys": [keys.public_jwk(Ed25519PrivateKey.generate().public_key(), "dinsos-2026")]})

    log_in(page, "nasional")
    page.get_by_test_id("menu-sharing").click()
    page.get_by_test_id("new-client").click()
    form = page.get_by_test_id("client-form")
    form.locator("select[name=data_sharing]").select_option(str(sharing.pk))
    form.locator("input[name=client_id]").fill("dinsos-klaten")
    form.locator("input[name=name]").fill("Sistem Dinsos Klaten")
    form.locator("textarea[name=jwks]").fill(jwks)
    form.locator("textarea[name=callback_uris]").fill("https://dinsos.example/dci")
    page.screenshot(path=str(SHOTS / "client_form.png"), full_page=True)
    form.locator("button[type=submit]").click()

    secret = page.get_by_test_id("secret").input_value()
    client = Client.objects.get(client_id="dinsos-klaten")
    assert len(secret) > 30 and secret.startswith(client.secret_prefix)
    expect(page.get_by_test_id("token-url")).to_contain_text("/dci/oauth2/client/token")
    page.screenshot(path=str(SHOTS / "client_secret.png"), full_page=True)

    page.get_by_test_id("client-link").click()
    expect(page.get_by_test_id("kids")).to_have_text("dinsos-2026")
    assert secret not in page.content()
    page.screenshot(path=str(SHOTS / "client_detail.png"), full_page=True)

    page.goto("/sharing/clients/")
    expect(page.locator("table[data-testid=clients] tbody tr")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "client_list.png"), full_page=True)

    page.goto(f"/sharing/agreements/{sharing.pk}/")
    expect(page.locator("table[data-testid=disclosures] tbody tr")).to_have_count(1)
    expect(page.locator("table[data-testid=disclosures]")).to_contain_text(NIK)
    page.screenshot(path=str(SHOTS / "owner_page.png"), full_page=True)

    page.goto(f"/registry/households/{person.household_id}/")
    page.get_by_test_id("sharing-history").first.click()
    expect(page.get_by_test_id("person-disclosures")).to_contain_text("Mitra PKS-01/2026")
    page.screenshot(path=str(SHOTS / "person_page.png"), full_page=True)

    page.goto(f"/partnerships/{sharing.agreement_id}/")
    expect(page.get_by_test_id("sharing-status")).to_have_text("berlaku")
    page.screenshot(path=str(SHOTS / "agreement_page.png"), full_page=True)
