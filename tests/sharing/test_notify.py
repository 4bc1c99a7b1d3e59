from typing import Any

import pytest
from django.test import Client as Browser

from entas.accounts.models import Agency
from entas.partnerships.models import Purpose
from entas.sharing import exchanges
from entas.sharing.models import Disclosure, Notification
from tests.graduation.factories import enrol
from tests.programmes.factories import programme
from tests.sharing.kit import make_partner, schema_errors, terms

RECEIVER = "http://127.0.0.1:9/dci"
Commit = Any  # pytest-django's django_capture_on_commit_callbacks: commits run their callbacks (events, tasks)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    calls: list[tuple[str, dict[str, Any]]] = []

    def post(url: str, body: dict[str, Any]) -> tuple[bool, str]:
        calls.append((url, body))
        return True, ""

    monkeypatch.setattr(exchanges, "post", post)
    return calls


def subscribe(event: str, region: str | None = None) -> Any:
    partner = make_partner(terms(region=region), callback_uris=(RECEIVER,))
    message = {"transaction_id": "t-1", "subscribe_request": [{
        "reference_id": "r-1", "timestamp": "2026-01-01T00:00:00Z", "subscribe_criteria": {
            "reg_event_type": event, "filter": {"type": "location", "value": region or ""},
            "notify_record_type": "Group",
            "authorize": {"purpose": {"code": Purpose.TARGETING}}}}]}
    response = partner.post(Browser(), "subscribe", partner.envelope(
        "subscribe", message, sender_uri=f"{RECEIVER}/registry/on-subscribe"))
    assert response.json()["message"]["ack_status"] == "ACK", response.content
    return partner


def test_an_enrolment_is_told_to_its_subscriber(agency: Agency, sent: list[tuple[str, dict[str, Any]]],
                                                django_capture_on_commit_callbacks: Commit) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        subscribe("ENROLLED")
    prog = programme(agency)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(prog)
    assert [b["header"]["action"] for _, b in sent][:1] == ["on-subscribe"]
    notices = [body for url, body in sent if body["header"]["action"] == "notify"]
    assert len(notices) == 1
    assert schema_errors("notify_request", notices[0]) == []
    record = notices[0]["message"]["notify_event"][0]["data"]["reg_records"][0]
    assert {"identifier_type": "KK", "identifier_value": enrolment.household.kk_number} in record["group_identifier"]
    assert Notification.objects.get().sent_at is not None
    assert Disclosure.objects.filter(household_id=enrolment.household_id, person_id=None).count() == 1


def test_a_subscriber_hears_nothing_outside_its_region(agency: Agency, sent: list[tuple[str, dict[str, Any]]],
                                                       django_capture_on_commit_callbacks: Commit) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        subscribe("ENROLLED", region="53.01")
    prog = programme(agency)
    with django_capture_on_commit_callbacks(execute=True):
        enrol(prog)  # a Klaten family
    assert [b for _, b in sent if b["header"]["action"] == "notify"] == []
    assert not Notification.objects.exists()
