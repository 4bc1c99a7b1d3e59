"""The asynchronous half of the DCI API: a request is acknowledged at once, answered later by the
worker at the client's registered callback address (its `sender_uri`), signed, with retries; and
the status of a transaction, asked synchronously or asynchronously."""

import json
import urllib.request
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from entas.core import audit
from entas.core.context import origin
from entas.sharing import limits, protocol, services
from entas.sharing.models import Client, Notification, Subscription, Transaction, TransactionStatus
from entas.sharing.protocol import Envelope, Refusal

CALLBACK_TIMEOUT = 10
MAX_ATTEMPTS = 5
EVENTS = {  # DCI reg_event_type -> the domain events (core.events kinds) it follows
    "DECILE_CHANGED": ("household.decile_changed",),
    "ENROLLED": ("enrolment.created", "enrolment.bulk_created"),
    "GRADUATED": ("enrolment.graduate",),
    "RELAPSED": ("enrolment.relapse",),
}


def sender_uri(client: Client, envelope: Envelope) -> str:
    """Where the answer goes: `header.sender_uri`, which must be a callback address the data owner
    registered for this client or lie under one (`https://partner/dci` covers
    `https://partner/dci/registry/on-search`). Any other address is refused before anything is sent
    to it. No sender_uri: the answer waits for txn/status."""
    uri = envelope.header.get("sender_uri")
    if uri is None or uri == "":
        return ""
    if not isinstance(uri, str) or len(uri) > 500 or not any(
            uri.rstrip("/") == base.rstrip("/") or uri.startswith(base.rstrip("/") + "/")
            for base in client.callback_uris):
        raise Refusal(400, "err.sender_uri.invalid", "header.sender_uri is not one of the callback addresses "
                      "registered for this client; nothing was sent to it.")
    return uri


def _accept(client: Client, envelope: Envelope, action: str) -> Transaction:
    uri, transaction_id = sender_uri(client, envelope), envelope.message["transaction_id"]
    with transaction.atomic():
        services.remember(client, envelope)
        return Transaction.objects.create(client=client, transaction_id=transaction_id,
                                          message_id=envelope.message_id, action=action,
                                          status=TransactionStatus.PENDING, request=envelope.message,
                                          callback_uri=uri)


def accept_search(client: Client, envelope: Envelope) -> dict[str, Any]:
    txn = _accept(client, envelope, "search")
    transaction.on_commit(lambda: answer_async_search.enqueue(txn.pk))
    return protocol.ack(envelope.message_id)


@task()
def answer_async_search(transaction_pk: int) -> None:
    with origin("task", f"dci search {transaction_pk}"):
        answer_transaction(transaction_pk)


def answer_transaction(transaction_pk: int) -> None:
    """Work out the answer of a pending async search (once) and send it."""
    txn = Transaction.objects.select_related("client__data_sharing__agreement", "client__user").get(pk=transaction_pk)
    client = txn.client
    if txn.status == TransactionStatus.PENDING and not txn.response:
        try:
            answer = services.answer_search(client, txn.request)
            limits.check_records(client, answer.record_count)
        except Refusal as refusal:
            services.refusal_logged(client, refusal, "search", txn.message_id)
            txn.response = {"transaction_id": txn.transaction_id, "correlation_id": txn.message_id,
                            "search_response": [], "error": {"code": refusal.code, "message": refusal.reason}}
            txn.status = TransactionStatus.REJECTED
        else:
            with transaction.atomic():
                services.record_disclosure(client, answer, transaction_id=txn.transaction_id,
                                           message_id=txn.message_id)
                txn.response = {"transaction_id": txn.transaction_id, "correlation_id": txn.message_id,
                                "search_response": answer.items}
                txn.status = TransactionStatus.SUCCEEDED if any(
                    i["status"] == "succ" for i in answer.items) else TransactionStatus.REJECTED
        txn.completed_at = timezone.now()
        txn.save(update_fields=["response", "status", "completed_at"])
    deliver(txn, "on-search", txn.response.get("search_response", []), txn.response)


def deliver(txn: Transaction, action: str, items: list[dict[str, Any]], message: dict[str, Any]) -> bool:
    """POST the signed answer to the client's callback; on failure try again later (at most MAX_ATTEMPTS)."""
    if not txn.callback_uri:
        return False
    body = services.answered(action, txn.client, items, message)
    url = txn.callback_uri
    ok, error = post(url, body)
    Transaction.objects.filter(pk=txn.pk).update(attempts=txn.attempts + 1, last_error=error[:500])
    txn.attempts += 1
    audit.record(txn.client.user, audit.Action.SHARING_CALLBACK_SENT if ok else audit.Action.SHARING_CALLBACK_FAILED,
                 txn, region_code=txn.client.data_sharing.region_code,
                 details={"url": url, "action": action, "attempt": txn.attempts, "error": error[:300]})
    if not ok and txn.attempts < MAX_ATTEMPTS:
        _retry_later(txn)
    return ok


def _retry_later(txn: Transaction) -> None:
    wait = timedelta(seconds=30 * 2 ** (txn.attempts - 1))
    try:
        retry_callback.using(run_after=timezone.now() + wait).enqueue(txn.pk)
    except Exception:  # a backend without deferred tasks, e.g. the tests' immediate one
        return  # `entas dci-retry` (retry_pending) sends what is left


def retry_pending() -> tuple[int, int]:
    """Send again every answer and notification whose callback failed and has attempts left."""
    from entas.sharing import notify  # notify imports this module

    sent = failed = 0
    for pk in Transaction.objects.filter(attempts__gte=1, attempts__lt=MAX_ATTEMPTS).exclude(
            last_error="").exclude(callback_uri="").values_list("pk", flat=True):
        txn = Transaction.objects.select_related("client__data_sharing", "client__user").get(pk=pk)
        ok = deliver(txn, "on-search", txn.response.get("search_response", []), txn.response)
        sent, failed = sent + ok, failed + (not ok)
    for pk in Notification.objects.filter(sent_at__isnull=True, attempts__gte=1,
                                          attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True):
        ok = notify.send(pk)
        sent, failed = sent + ok, failed + (not ok)
    return sent, failed


@task()
def retry_callback(transaction_pk: int) -> None:
    with origin("task", f"dci callback {transaction_pk}"):
        answer_transaction(transaction_pk)


def post(url: str, body: dict[str, Any]) -> tuple[bool, str]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT) as answer:
            if 200 <= answer.status < 300:
                return True, ""
            return False, f"HTTP {answer.status}"
    except OSError as error:
        return False, str(error)


def _status_of(client: Client, message: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    ask = message["txnstatus_request"]  # an object: protocol.check_form
    kind, value = ask.get("attribute_type"), ask.get("attribute_value")
    found = Transaction.objects.filter(client=client)
    if kind == "transaction_id" and isinstance(value, str):
        found = found.filter(transaction_id=value)
    elif kind == "correlation_id" and isinstance(value, str):
        found = found.filter(message_id=value)
    elif kind == "reference_id_list" and isinstance(value, list) and value:
        references = {str(v) for v in value[:100]}
        found = found.filter(pk__in=[t.pk for t in found.order_by("-id")[:1000]
                                     if references & {str(r.get("reference_id")) for r in
                                                      t.request.get("search_request", []) if isinstance(r, dict)}])
    else:
        raise Refusal(400, "err.request.bad", "txnstatus_request.attribute_type is transaction_id, correlation_id "
                      "or reference_id_list, with attribute_value of that kind.")
    txn = found.order_by("-id").first()
    if txn is None:  # not one of this client's asynchronous transactions: nothing to report, said as such
        return [], {"transaction_id": message["transaction_id"], "correlation_id": str(ask.get("reference_id") or
                                                                                       message["transaction_id"]),
                    "txnstatus_response": {"txn_type": ask.get("txn_type") or "search", "txn_status": {
                        "transaction_id": str(value)[:99], "correlation_id": "", "search_response": []}}}
    status = txn.response or {"transaction_id": txn.transaction_id, "correlation_id": txn.message_id,
                              "search_response": [{"reference_id": str(r.get("reference_id", "")),
                                                   "timestamp": protocol.now_iso(), "status": txn.status}
                                                  for r in txn.request.get("search_request", [])
                                                  if isinstance(r, dict)]}
    item = {"txn_type": ask.get("txn_type") or txn.action, "txn_status": status}
    return status.get("search_response", []), {"transaction_id": message.get("transaction_id", ""),
                                                  "correlation_id": txn.message_id, "txnstatus_response": item}


def sync_txn_status(client: Client, envelope: Envelope) -> dict[str, Any]:
    items, message = _status_of(client, envelope.message)
    services.remember(client, envelope)
    return services.answered("txn-on-status", client, items or [{"status": "succ"}], message)


def accept_txn_status(client: Client, envelope: Envelope) -> dict[str, Any]:
    uri = sender_uri(client, envelope)
    items, message = _status_of(client, envelope.message)
    services.remember(client, envelope)
    body = services.answered("txn-on-status", client, items or [{"status": "succ"}], message)
    transaction.on_commit(lambda: send_body.enqueue(uri, body))
    return protocol.ack(envelope.message_id)


@task()
def send_body(url: str, body: dict[str, Any]) -> None:
    if url:
        post(url, body)


def _event_type(criteria: dict[str, Any]) -> str:
    value = criteria.get("reg_event_type")
    code = value.rsplit(":", 1)[-1].upper() if isinstance(value, str) else ""
    if code not in EVENTS:
        raise services.search.Invalid("rjct.notify_types.invalid", f"reg_event_type must be one of "
                                      f"{', '.join(EVENTS)}.")
    return code


SUBSCRIBE_CODES = frozenset({"rjct.reference_id.invalid", "rjct.reference_id.duplicate", "rjct.timestamp.invalid",
                             "rjct.notify_types.invalid", "rjct.notify_details.invalid", "rjct.person_id.invalid",
                             "rjct.event.already_subscribed"})


def accept_subscribe(client: Client, envelope: Envelope) -> dict[str, Any]:
    uri = sender_uri(client, envelope)
    requests = envelope.message["subscribe_request"]
    made, items = [], []
    for item in requests:  # objects with criteria: protocol.check_form
        try:
            event = _event_type(item["subscribe_criteria"])
            purpose = services.purpose_of(item["subscribe_criteria"], client.data_sharing)
        except services.search.Invalid as invalid:
            # A purpose is a detail of the subscription: the spec's subscribe codes have no search_criteria.
            code = invalid.code if invalid.code in SUBSCRIBE_CODES else "rjct.notify_details.invalid"
            items.append({"reference_id": item["reference_id"], "timestamp": protocol.now_iso(), "status": "rjct",
                          "status_reason_code": code, "status_reason_message": invalid.reason[:999]})
            continue
        made.append((item, event, purpose))
    with transaction.atomic():
        services.remember(client, envelope)
        for item, event, purpose in made:
            subscription = Subscription.objects.create(
                client=client, code=str(uuid.uuid4()), events=[event], region_code=client.data_sharing.region_code,
                purpose=purpose, notify_uri=uri)
            audit.record(client.user, audit.Action.SHARING_SUBSCRIBED, subscription,
                         region_code=client.data_sharing.region_code,
                         details={"client": client.client_id, "event": event, "purpose": purpose})
            items.append({"reference_id": str(item.get("reference_id", "")), "timestamp": protocol.now_iso(),
                          "status": "succ", "subscriptions": [{"code": subscription.code, "status": "subscribe",
                                                               "timestamp": protocol.now_iso(),
                                                               "reg_event_type": event}]})
    body = services.answered("on-subscribe", client, items, {
        "transaction_id": envelope.message.get("transaction_id", ""), "correlation_id": envelope.message_id,
        "subscribe_response": items})
    transaction.on_commit(lambda: send_body.enqueue(uri, body))
    return protocol.ack(envelope.message_id)


def accept_unsubscribe(client: Client, envelope: Envelope) -> dict[str, Any]:
    uri = sender_uri(client, envelope)
    codes = envelope.message["subscription_codes"]  # 1 to 100 texts: protocol.check_form
    with transaction.atomic():
        services.remember(client, envelope)
        mine = {s.code: s for s in Subscription.objects.filter(client=client, code__in=codes)}
        states, unknown = [], []
        for code in codes:
            subscription = mine.get(code)
            if subscription is None:  # said in the message's status: an item's status is subscribe|unsubscribe
                unknown.append(code)
                continue
            if subscription.ended_at is None:
                subscription.ended_at = timezone.now()
                subscription.save(update_fields=["ended_at"])
                audit.record(client.user, audit.Action.SHARING_UNSUBSCRIBED, subscription,
                             region_code=client.data_sharing.region_code, details={"client": client.client_id})
            states.append({"code": code, "status": "unsubscribe"})
    message = {"transaction_id": envelope.message.get("transaction_id", ""), "correlation_id": envelope.message_id,
               "timestamp": protocol.now_iso(), "status": "rjct" if unknown else "succ", "subscription_status": states}
    if unknown:
        message["status_reason_code"] = "rjct.subscription_code.invalid"
        message["status_reason_message"] = f"Not your subscriptions: {', '.join(unknown)}"[:999]
    body = services.answered("on-unsubscribe", client, [{"status": "succ"}], message)
    transaction.on_commit(lambda: send_body.enqueue(uri, body))
    return protocol.ack(envelope.message_id)
