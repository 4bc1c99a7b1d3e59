from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import timezone

from entas.core.models import AuditEntry
from entas.partnerships.models import SharedField
from entas.sharing import services
from entas.sharing.models import Disclosure, ReceivedMessage
from tests.registry.factories import household
from tests.sharing.kit import make_partner, schema_errors, search_message, terms

KLATEN = "33.10.01.2001"


@pytest.fixture
def families(db: Any) -> None:
    household("3310010101250001", KLATEN, decile=1, head_nik="3310014105850001")
    household("3310010101250002", KLATEN, decile=3, head_nik="3310014105850002")
    household("5301010101250003", "53.01.01.2001", decile=1, head_nik="5301014105850003")


def test_it_finds_a_person_by_nik(families: None) -> None:
    partner = make_partner(terms())
    response = partner.post(Browser(), "sync/search", partner.envelope(
        "search", search_message({"type": "NIK", "value": "3310014105850001"})))
    assert response.status_code == 200, response.content
    body = response.json()
    assert schema_errors("search_response", body) == []
    assert schema_errors("envelope", body) == []
    item = body["message"]["search_response"][0]
    assert item["status"] == "succ"
    record = item["data"]["reg_records"][0]
    assert schema_errors("member_record", record) == []
    assert record["member_identifier"][0] == {"identifier_type": "NIK", "identifier_value": "3310014105850001"}
    assert record["poverty_score"] == 10 and record["desil"] == 1
    shared = Disclosure.objects.get()
    assert shared.purpose == "targeting" and shared.person_id is not None
    entry = AuditEntry.objects.get(action="data.shared")
    assert entry.details["client"] == "bappenas-sepakat" and entry.details["purposes"] == ["targeting"]


def test_fields_outside_the_agreement_are_never_returned(families: None) -> None:
    partner = make_partner(terms(fields=[SharedField.POVERTY, SharedField.LOCATION]))
    response = partner.post(Browser(), "sync/search", partner.envelope("search", search_message(
        {"collection": "Group", "query": {"poverty_score": {"$ge": 9}}}, query_type="expression")))
    item = response.json()["message"]["search_response"][0]
    assert item["status"] == "succ", item
    records = item["data"]["reg_records"]
    assert len(records) == 2
    text = str(records)
    assert "3310010101250001" not in text and "Siti" not in text and "member_list" not in text


def test_it_keeps_to_the_agreements_region(families: None) -> None:
    partner = make_partner(terms(region="33.10"))
    response = partner.post(Browser(), "sync/search", partner.envelope(
        "search", search_message({"type": "NIK", "value": "5301014105850003"})))
    item = response.json()["message"]["search_response"][0]
    assert item["status"] == "succ" and item["data"]["reg_records"] == []


def test_it_refuses_a_region_outside_the_agreement(families: None) -> None:
    partner = make_partner(terms(region="33.10"))
    response = partner.post(Browser(), "sync/search", partner.envelope("search", search_message(
        [{"seq_num": 1, "expression1": {"attribute_name": "location", "operator": "eq",
                                        "attribute_value": "53.01"}}], query_type="predicate")))
    item = response.json()["message"]["search_response"][0]
    assert item["status"] == "rjct" and item["status_reason_code"] == "rjct.search_criteria.invalid"
    assert "53.01" in item["status_reason_message"]


def test_old_message_ids_are_dropped_now_and_then(families: None, monkeypatch: pytest.MonkeyPatch) -> None:
    partner = make_partner(terms())
    old = ReceivedMessage.objects.create(client=partner.client, message_id="old")
    ReceivedMessage.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(minutes=11))
    monkeypatch.setattr(services, "PRUNE_SHARE", 1.0)
    partner.post(Browser(), "sync/search", partner.envelope("search", search_message({"type": "NIK", "value": "1"})))
    assert not ReceivedMessage.objects.filter(message_id="old").exists()
