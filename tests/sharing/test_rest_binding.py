import datetime
from typing import Any

from django.test import Client as Browser

from entas.partnerships import sharing_terms
from entas.partnerships.models import SharedField
from entas.sharing.models import Disclosure
from tests.registry.factories import household
from tests.sharing.kit import make_partner, terms


def get(token: str, path: str, **headers: Any) -> Any:
    return Browser().get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def test_a_partner_states_an_allowed_purpose_on_the_rest_api(db: Any) -> None:
    household("3310010101250001", "33.10.01.2001")
    partner = make_partner(terms())
    assert get(partner.token, "/api/households/").status_code == 403
    assert get(partner.token, "/api/households/", HTTP_X_PURPOSE="research").status_code == 403
    answer = get(partner.token, "/api/households/", HTTP_X_PURPOSE="targeting")
    assert answer.status_code == 200 and answer.json()["count"] == 1


def test_a_revoked_agreement_stops_its_rest_client_too(db: Any) -> None:
    sharing = terms()
    partner = make_partner(sharing)
    sharing_terms.revoke_data_sharing(None, sharing, reason="Kebocoran data di mitra")
    answer = get(partner.token, "/api/regions/", HTTP_X_PURPOSE="targeting")
    assert answer.status_code == 403 and "not in force" in answer.json()["detail"]


def test_whole_records_need_an_agreement_allowing_every_field(db: Any) -> None:
    partner = make_partner(terms(fields=[SharedField.POVERTY, SharedField.LOCATION]))
    answer = get(partner.token, "/api/people/", HTTP_X_PURPOSE="targeting")
    assert answer.status_code == 403 and "/dci/registry/sync/search" in answer.json()["detail"]
    assert get(partner.token, "/api/regions/?level=1", HTTP_X_PURPOSE="targeting").status_code == 200


def test_an_expired_agreement_refuses(db: Any) -> None:
    partner = make_partner(terms(valid_until=datetime.date(2025, 6, 30)))
    assert get(partner.token, "/api/regions/", HTTP_X_PURPOSE="targeting").status_code == 403


def test_what_a_partner_reads_through_rest_is_recorded_as_shared(db: Any) -> None:
    home = household("3310010101250001", "33.10.01.2001")
    partner = make_partner(terms())
    assert get(partner.token, "/api/households/", HTTP_X_PURPOSE="targeting").status_code == 200
    assert get(partner.token, f"/api/households/{home.pk}/", HTTP_X_PURPOSE="targeting").status_code == 200
    given = Disclosure.objects.filter(client=partner.client, purpose="targeting")
    assert given.filter(person_id=None, household_id=home.pk).count() == 2
    assert given.filter(person_id__isnull=False).count() == 2  # the head, once per answer
