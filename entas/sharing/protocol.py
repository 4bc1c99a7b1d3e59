"""The DCI envelope: reading a request's `{signature, header, message}` and writing answers.

A refusal before any search runs is one body for every route and status, readable as the spec's
acknowledgement (`message.ack_status = ERR` with an `err.*` code), as its HTTP error (`errors[]`)
and as a callback header (`header.status = rjct` with the header's `rjct.*` code where one fits).
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import JsonResponse

from entas.sharing import keys, signatures

VERSION = "1.0.0"
MAX_BODY = 1024 * 1024  # a search request is small; an answer may be larger
MAX_SEARCH_REQUESTS = 10
MAX_NESTING = 64  # JSON levels: a search needs about 20; deeper cannot be signed or stored again safely
MESSAGE_TS_WINDOW = timedelta(minutes=5)
REQUIRED_HEADER = ("message_id", "message_ts", "action", "sender_id", "total_count")
ID_LENGTH = 99


class Refusal(Exception):
    """An envelope refused as a whole: the HTTP status, the `err.*` code and, where the spec has one,
    the header's `rjct.*` code; `reason` is said to the client."""

    def __init__(self, status: int, code: str, reason: str, *, header_code: str = "", retry_after: int = 0) -> None:
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason
        self.header_code, self.retry_after = header_code, retry_after


@dataclass
class Envelope:
    signature: Any
    header: dict[str, Any]
    message: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)

    @property
    def message_id(self) -> str:
        return str(self.header.get("message_id", ""))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def read(body: bytes, action: str, content_type: str = "application/json") -> Envelope:
    """The envelope of a request to the route of `action`, or a Refusal naming what is wrong."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise Refusal(415, "err.request.bad", "Send the envelope as Content-Type: application/json.")
    if len(body) > MAX_BODY:
        raise Refusal(413, "err.request.bad", f"The request is larger than {MAX_BODY // 1024} KB.")
    if b"\\u0000" in body:  # JSON carries a NUL only escaped; PostgreSQL stores none (text or jsonb)
        raise Refusal(400, "err.request.bad", "The request holds a NUL character (\\u0000).")
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        raise Refusal(400, "err.request.bad", "The request body is not JSON.") from None
    if not isinstance(raw, dict):
        raise Refusal(400, "err.request.bad", "The request must be a JSON object {signature, header, message}.")
    if _too_deep(raw):
        raise Refusal(400, "err.request.bad", f"The request is nested more than {MAX_NESTING} levels deep.")
    header, message = raw.get("header"), raw.get("message")
    if not isinstance(header, dict) or not isinstance(message, dict):
        raise Refusal(400, "err.request.bad", "The envelope needs a 'header' object and a 'message' object.")
    if missing := [name for name in REQUIRED_HEADER if header.get(name) in (None, "")]:
        raise Refusal(400, "err.request.bad", f"header: missing {', '.join(missing)}.")
    header.setdefault("version", VERSION)  # optional in the spec, "1.0.0" by default
    for name in ("message_id", "sender_id", "action", "version"):
        if not isinstance(header[name], str) or len(header[name]) > ID_LENGTH:
            raise Refusal(400, "err.request.bad", f"header.{name} must be a text of at most {ID_LENGTH} characters.")
    if header["version"] != VERSION:
        raise Refusal(400, "err.version.not_supported", f"header.version '{header['version'][:20]}' is not "
                      f"supported: this registry speaks {VERSION}.", header_code="rjct.version.invalid")
    if header["action"] != action:
        raise Refusal(400, "err.request.bad", f"header.action is '{header['action'][:30]}'; this address takes "
                      f"'{action}'.", header_code="rjct.action.invalid")
    total = header["total_count"]
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise Refusal(400, "err.request.bad", "header.total_count must be a whole number.",
                      header_code="rjct.total_count.invalid")
    if header.get("is_msg_encrypted") is True:
        raise Refusal(400, "err.request.bad", "Encrypted messages are not accepted: send the message in the "
                      "clear over HTTPS.")
    return Envelope(raw.get("signature"), header, message, raw)


def _too_deep(value: Any) -> bool:
    """Whether JSON nests past MAX_NESTING (without recursing: the parser stopped at Python's limit,
    but json.dumps, run deeper in the stack to check the signature and to store it, would not)."""
    level: list[tuple[Any, int]] = [(value, 1)]
    while level:
        found, depth = level.pop()
        if depth > MAX_NESTING:
            return True
        children = found.values() if isinstance(found, dict) else found if isinstance(found, list) else ()
        level.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


LOCALE = re.compile(r"^[a-z]{3}$")
ITEMS = {"search": "search_request", "subscribe": "subscribe_request"}


def _bad(reason: str) -> Refusal:
    return Refusal(400, "err.request.bad", reason)


def _text(value: Any, where: str, *, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value or len(value) > ID_LENGTH:
        raise _bad(f"{where} must be a text of 1 to {ID_LENGTH} characters.")


def check_form(action: str, message: dict[str, Any]) -> None:
    """The message's form as the spec types it (lengths, date-times with a time zone, ISO 639-3
    locales, page numbers from 1). A form error refuses the whole message (400, err.request.bad,
    the spec's reason code named in the text); what the registry decides about a well-formed
    request (a purpose, an attribute, too many records) is answered per request instead."""
    _text(message.get("transaction_id"), "message.transaction_id")
    key = ITEMS.get(action)
    if action == "unsubscribe":
        codes = message.get("subscription_codes")
        if not isinstance(codes, list) or not codes or len(codes) > 100:
            raise _bad("message.subscription_codes must be a list of 1 to 100 codes.")
        for code in codes:
            _text(code, "a subscription code (rjct.subscription_code.invalid)")
        return
    if action == "txn-status":
        ask = message.get("txnstatus_request")
        if not isinstance(ask, dict):
            raise _bad("message.txnstatus_request must be an object.")
        _text(ask.get("reference_id"), "txnstatus_request.reference_id", required=False)
        _text(ask.get("txn_type"), "txnstatus_request.txn_type", required=False)  # echoed in the answer
        return
    items = message.get(key) if key else None
    if not isinstance(items, list) or not items:
        raise _bad(f"message.{key} must be a list of at least one request.")
    if len(items) > MAX_SEARCH_REQUESTS:
        raise Refusal(400, "err.request.bad", f"At most {MAX_SEARCH_REQUESTS} requests in one message.",
                      header_code="rjct.total_count.limit_exceeded")
    for number, item in enumerate(items, start=1):
        where = f"{key}[{number}]"
        if not isinstance(item, dict):
            raise _bad(f"{where} must be an object.")
        _text(item.get("reference_id"), f"{where}.reference_id (rjct.reference_id.invalid)")
        stamp = item.get("timestamp", item.get("timesstamp"))  # the spec spells it both ways
        if stamp is not None and parse_time(stamp) is None:
            raise _bad(f"{where}.timestamp is not an ISO 8601 date-time with a time zone (rjct.timestamp.invalid).")
        locale = item.get("locale")
        if locale is not None and (not isinstance(locale, str) or not LOCALE.match(locale)):
            raise _bad(f"{where}.locale must be an ISO 639-3 code of three lower-case letters, e.g. 'ind' or 'eng'.")
        criteria = item.get("search_criteria" if action == "search" else "subscribe_criteria")
        if not isinstance(criteria, dict):
            raise _bad(f"{where} needs its criteria object.")
        pages = criteria.get("pagination")
        if isinstance(pages, dict):
            for name in ("page_size", "page_number"):
                value = pages.get(name, 1)
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise _bad(f"{where}.pagination.{name} must be a whole number from 1 (rjct.pagination.invalid).")
        elif pages is not None:
            raise _bad(f"{where}.pagination must be an object (rjct.pagination.invalid).")


def check_fresh(envelope: Envelope) -> None:
    sent = parse_time(envelope.header.get("message_ts"))
    if sent is None:
        raise Refusal(400, "err.request.bad", "header.message_ts is not an ISO 8601 date-time with a time zone.",
                      header_code="rjct.message_ts.invalid")
    if abs(datetime.now(UTC) - sent) > MESSAGE_TS_WINDOW:
        raise Refusal(400, "err.request.bad", "header.message_ts is more than 5 minutes from now: the message is "
                      "stale (or the sender's clock is wrong).", header_code="rjct.message_ts.invalid")


def answer_header(action: str, receiver: str, *, status: str, total: int, completed: int,
                  reason_code: str = "", reason: str = "") -> dict[str, Any]:
    header: dict[str, Any] = {
        "version": VERSION, "message_id": str(uuid.uuid4()), "message_ts": now_iso(), "action": action,
        "status": status, "total_count": total, "completed_count": completed,
        "sender_id": settings.DCI_SENDER_ID, "receiver_id": receiver, "is_msg_encrypted": False}
    if reason_code:
        header["status_reason_code"] = reason_code
    if reason:
        header["status_reason_message"] = reason[:999]
    return header


def signed(header: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    key, kid = keys.server_key()
    return {"signature": signatures.sign(header, message, key=key, sender_id=settings.DCI_SENDER_ID, key_id=kid),
            "header": header, "message": message}


def ack(correlation_id: str) -> dict[str, Any]:
    return {"message": {"ack_status": "ACK", "timestamp": now_iso(), "correlation_id": correlation_id}}


def refused(refusal: Refusal, action: str, receiver: str, correlation_id: str) -> JsonResponse:
    header = answer_header(f"on-{action}", receiver, status="rjct", total=0, completed=0,
                           reason_code=refusal.header_code, reason=refusal.reason)
    body = signed(header, {"ack_status": "ERR", "timestamp": now_iso(), "correlation_id": correlation_id,
                           "error": {"code": refusal.code, "message": refusal.reason[:999]}})
    body["errors"] = [{"code": refusal.code, "message": refusal.reason[:999]}]
    response = JsonResponse(body, status=refusal.status)
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response
