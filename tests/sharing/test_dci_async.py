"""The asynchronous DCI exchanges end to end: acknowledged at once, then answered by the worker with a
signed POST to the partner's own callback server (a real HTTP server on 127.0.0.1 here), which
verifies it with the keys Entas publishes."""

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client as Browser

from entas.core.models import AuditEntry
from entas.partnerships.models import Purpose
from entas.sharing import exchanges, keys, protocol, signatures
from entas.sharing.models import Disclosure, Subscription, Transaction
from tests.registry.factories import household
from tests.sharing.kit import Partner, make_partner, schema_errors, search_message, terms

KLATEN = "33.10.01.2001"
NIK = "3310014105850001"


@dataclass
class Receiver:
    """The partner's callback server: keeps what it was sent, answers with `status`."""

    port: int = 0
    status: int = 200
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def only(self, path: str) -> dict[str, Any]:
        assert [p for p, _ in self.received] == [path], self.received
        return self.received[0][1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            found.received.append((self.path, json.loads(body)))
            answer = json.dumps({"message": {"ack_status": "ACK", "timestamp": protocol.now_iso(),
                                             "correlation_id": "x"}}).encode()
            self.send_response(found.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def partner(db: Any, receiver: Receiver) -> Partner:
    household("3310010101250001", KLATEN, decile=1, head_nik=NIK)
    return make_partner(terms(), callback_uris=(receiver.base,))


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST an envelope and run what it left for after the commit (the worker's task, inline)."""
    def post(partner: Partner, path: str, body: dict[str, Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return partner.post(Browser(), path, body)
    return post


def acknowledged(response: Any, body: dict[str, Any]) -> str:
    assert response.status_code == 200, response.content
    ack = response.json()
    assert schema_errors("ack", ack) == []
    assert ack["message"]["ack_status"] == "ACK"
    assert ack["message"]["correlation_id"] == body["header"]["message_id"]
    return str(ack["message"]["correlation_id"])


def verified(body: dict[str, Any]) -> None:
    """The callback's signature, checked as a partner checks it: with Entas's published JWKS."""
    jwks = Browser().get("/dci/.well-known/jwks.json").json()
    parsed = signatures.parse(body["signature"])
    assert parsed.sender_id == "entas" == body["header"]["sender_id"]
    key = keys.public_key(jwks, parsed.key_id)
    assert key is not None
    signatures.verify(parsed, key, body["header"], body["message"])
    changed = json.loads(json.dumps(body["message"]))
    changed["transaction_id"] = "changed"
    with pytest.raises(signatures.SignatureError):
        signatures.verify(parsed, key, body["header"], changed)


def test_an_async_search_is_answered_at_the_callback_address(
        partner: Partner, receiver: Receiver, send: Callable[..., Any]) -> None:
    message = search_message({"type": "NIK", "value": NIK})
    body = partner.envelope("search", message, sender_uri=f"{receiver.base}/registry/on-search")
    correlation = acknowledged(send(partner, "search", body), body)
    answer = receiver.only("/registry/on-search")
    assert schema_errors("search_response", answer) == []
    assert schema_errors("envelope", answer) == []
    assert answer["header"]["action"] == "on-search" and answer["header"]["status"] == "succ"
    assert answer["header"]["receiver_id"] == partner.client.client_id
    assert answer["message"]["transaction_id"] == message["transaction_id"]
    assert answer["message"]["correlation_id"] == correlation
    item = answer["message"]["search_response"][0]
    assert item["status"] == "succ" and item["reference_id"] == "ref-1"
    assert item["data"]["reg_records"][0]["member_identifier"][0]["identifier_value"] == NIK
    verified(answer)
    txn = Transaction.objects.get()
    assert (txn.status, txn.attempts, txn.last_error) == ("succ", 1, "")
    assert AuditEntry.objects.filter(action="sharing.callback_sent").count() == 1

    # The same answer, asked for again by transaction id.
    status = partner.post(Browser(), "sync/txn/status", partner.envelope("txn-status", {
        "transaction_id": str(uuid.uuid4()), "txnstatus_request": {
            "reference_id": "status-1", "txn_type": "search", "attribute_type": "transaction_id",
            "attribute_value": message["transaction_id"]}}))
    assert status.status_code == 200, status.content
    reply = status.json()
    assert schema_errors("txn_status_response", reply) == []
    assert reply["header"]["action"] == "txn-on-status"
    found = reply["message"]["txnstatus_response"]
    assert found["txn_type"] == "search"
    assert found["txn_status"]["transaction_id"] == message["transaction_id"]
    assert found["txn_status"]["correlation_id"] == correlation
    assert found["txn_status"]["search_response"] == answer["message"]["search_response"]
    verified(reply)


def test_the_status_of_an_unknown_transaction_is_an_empty_answer(partner: Partner) -> None:
    response = partner.post(Browser(), "sync/txn/status", partner.envelope("txn-status", {
        "transaction_id": "t-2", "txnstatus_request": {"attribute_type": "transaction_id",
                                                       "attribute_value": "never-sent"}}))
    assert response.status_code == 200, response.content
    assert schema_errors("txn_status_response", response.json()) == []
    assert response.json()["message"]["txnstatus_response"]["txn_status"]["search_response"] == []


def test_an_async_txn_status_is_answered_at_the_callback_address(
        partner: Partner, receiver: Receiver, send: Callable[..., Any]) -> None:
    message = search_message({"type": "NIK", "value": NIK})
    send(partner, "search", partner.envelope("search", message, sender_uri=f"{receiver.base}/registry/on-search"))
    receiver.received.clear()
    ask = {"transaction_id": str(uuid.uuid4()), "txnstatus_request": {
        "reference_id": "status-1", "txn_type": "search", "attribute_type": "transaction_id",
        "attribute_value": message["transaction_id"]}}
    body = partner.envelope("txn-status", ask, sender_uri=f"{receiver.base}/registry/txn/on-status")
    correlation = acknowledged(send(partner, "txn/status", body), body)
    answer = receiver.only("/registry/txn/on-status")
    assert schema_errors("txn_status_response", answer) == []
    assert answer["header"]["action"] == "txn-on-status"
    assert answer["message"]["transaction_id"] == ask["transaction_id"]
    assert answer["message"]["txnstatus_response"]["txn_status"]["transaction_id"] == message["transaction_id"]
    assert answer["message"]["txnstatus_response"]["txn_status"]["search_response"][0]["status"] == "succ"
    assert correlation == body["header"]["message_id"]
    verified(answer)


def subscribe_message(**criteria: Any) -> dict[str, Any]:
    return {"transaction_id": str(uuid.uuid4()), "subscribe_request": [{
        "reference_id": "sub-1", "timestamp": protocol.now_iso(), "locale": "ind",
        "subscribe_criteria": {"reg_event_type": "DECILE_CHANGED", **criteria}}]}


def test_subscribe_and_unsubscribe_are_answered_at_the_callback_address(
        partner: Partner, receiver: Receiver, send: Callable[..., Any]) -> None:
    message = subscribe_message(authorize={"purpose": {"code": Purpose.TARGETING}})
    body = partner.envelope("subscribe", message, sender_uri=f"{receiver.base}/registry/on-subscribe")
    correlation = acknowledged(send(partner, "subscribe", body), body)
    answer = receiver.only("/registry/on-subscribe")
    assert schema_errors("subscribe_response", answer) == []
    assert answer["header"]["action"] == "on-subscribe"
    assert answer["message"]["transaction_id"] == message["transaction_id"]
    assert answer["message"]["correlation_id"] == correlation
    item = answer["message"]["subscribe_response"][0]
    assert item["status"] == "succ"
    code = item["subscriptions"][0]["code"]
    subscription = Subscription.objects.get(code=code)
    assert subscription.events == ["DECILE_CHANGED"] and subscription.purpose == "targeting"
    assert subscription.notify_uri == f"{receiver.base}/registry/on-subscribe"
    verified(answer)

    receiver.received.clear()
    message = {"transaction_id": str(uuid.uuid4()), "timestamp": protocol.now_iso(),
               "subscription_codes": [code, "sub-unknown"]}
    body = partner.envelope("unsubscribe", message, sender_uri=f"{receiver.base}/registry/on-unsubscribe")
    correlation = acknowledged(send(partner, "unsubscribe", body), body)
    answer = receiver.only("/registry/on-unsubscribe")
    assert schema_errors("unsubscribe_response", answer) == []
    assert answer["header"]["action"] == "on-unsubscribe"
    assert answer["message"]["transaction_id"] == message["transaction_id"]
    assert answer["message"]["correlation_id"] == correlation
    assert answer["message"]["subscription_status"] == [{"code": code, "status": "unsubscribe"}]
    assert answer["message"]["status"] == "rjct"  # one of the two codes is not a subscription
    assert answer["message"]["status_reason_code"] == "rjct.subscription_code.invalid"
    assert "sub-unknown" in answer["message"]["status_reason_message"]
    subscription.refresh_from_db()
    assert subscription.ended_at is not None
    verified(answer)


def test_a_subscription_without_a_purpose_is_rejected_in_the_callback(
        partner: Partner, receiver: Receiver, send: Callable[..., Any]) -> None:
    message = subscribe_message()
    body = partner.envelope("subscribe", message, sender_uri=f"{receiver.base}/registry/on-subscribe")
    acknowledged(send(partner, "subscribe", body), body)
    answer = receiver.only("/registry/on-subscribe")
    assert schema_errors("subscribe_response", answer) == []
    item = answer["message"]["subscribe_response"][0]
    assert item["status"] == "rjct"
    assert item["status_reason_code"] == "rjct.notify_details.invalid"
    assert "purpose" in item["status_reason_message"]
    assert Subscription.objects.count() == 0


def test_a_callback_that_fails_is_kept_for_another_attempt(
        partner: Partner, receiver: Receiver, send: Callable[..., Any]) -> None:
    receiver.status = 500
    message = search_message({"type": "NIK", "value": NIK})
    body = partner.envelope("search", message, sender_uri=f"{receiver.base}/registry/on-search")
    acknowledged(send(partner, "search", body), body)
    assert len(receiver.received) == 1
    txn = Transaction.objects.get()
    assert txn.attempts == 1
    assert "500" in txn.last_error
    assert txn.status == "succ" and txn.response["search_response"][0]["status"] == "succ"
    failed = AuditEntry.objects.get(action="sharing.callback_failed")
    assert failed.details["attempt"] == 1 and failed.details["url"].endswith("/registry/on-search")
    assert not AuditEntry.objects.filter(action="sharing.callback_sent").exists()
    receiver.status = 200
    assert exchanges.retry_pending() == (1, 0)
    assert len(receiver.received) == 2
    txn.refresh_from_db()
    assert txn.attempts == 2 and txn.last_error == ""
    assert exchanges.retry_pending() == (0, 0)  # delivered: not sent again
    assert Disclosure.objects.filter(transaction_id=txn.transaction_id).count() == 1  # disclosed once
