"""Answering a partner's DCI request: who it is, whether its agreement lets it ask, the answer, and
the record of what it received. Views, the worker and the tests all go through here.

Order of checks: the access token (who), the envelope (well-formed, this route's action), the
signature (with a key of that client), freshness and replay, the agreement in force, the rate
limit; then each search request on its own (purpose, query, region, page). A refusal writes one
audit entry and nothing else; an answer writes its audit entry, one `Disclosure` per record and the
usage counters in one transaction.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from entas.accounts.tokens import BearerTokenAuthentication
from entas.core import audit
from entas.partnerships.models import PURPOSES_NEEDING_CONSENT, Purpose
from entas.registry.models import Household
from entas.sharing import keys, limits, protocol, records, search, signatures
from entas.sharing.models import Client, Disclosure, ReceivedMessage
from entas.sharing.protocol import Envelope, Refusal

JWKS_REFRESH_AFTER = 300  # seconds: an unknown key id fetches the client's JWKS again at most this often
SUCCEEDED, REJECTED = "succ", "rjct"
PRUNE_SHARE = 0.001  # of the requests, which also drop the message ids no longer needed


def client_of(request: HttpRequest) -> Client:
    """The client whose OAuth2 access token (or API token) the request carries; 401 otherwise."""
    try:
        found = BearerTokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    except AuthenticationFailed as error:
        raise Refusal(401, "err.request.unauthorized", str(error.detail)) from None
    if found is None:
        raise Refusal(401, "err.request.unauthorized", "Send 'Authorization: Bearer <access token>' (POST "
                      "/dci/oauth2/client/token with your client id and secret gives one).")
    client = Client.objects.select_related("data_sharing__agreement", "user").filter(user=found[0]).first()
    if client is None:
        raise Refusal(403, "err.request.forbidden", "This account is not a DCI client: an administrator registers "
                      "clients under a data-sharing agreement.")
    return client


def check_signature(envelope: Envelope, client: Client) -> None:
    if envelope.signature in (None, "", "unsigned", "unsigned-stub"):
        raise Refusal(401, "err.signature.missing", "The envelope is not signed: sign it with your Ed25519 key "
                      "(docs/dci.md).")
    try:
        parsed = signatures.parse(envelope.signature)
        if parsed.sender_id != client.client_id or envelope.header.get("sender_id") != client.client_id:
            raise signatures.SignatureError("the key id names another sender than this client")
        key = keys.public_key(client.jwks, parsed.key_id) or _refetched(client, parsed.key_id)
        if key is None:
            raise signatures.SignatureError(f"key '{parsed.key_id[:40]}' is not one of this client's keys")
        signatures.verify(parsed, key, envelope.header, envelope.message)
    except signatures.SignatureError as error:
        code = "err.signature.missing" if error.missing else "err.signature.invalid"
        raise Refusal(401, code, f"Signature refused: {error}.") from None


def _refetched(client: Client, kid: str) -> Any:
    """A key id we do not know: the client may have rotated; read its JWKS address again (not too often)."""
    fetched = client.jwks_fetched_at
    if not client.jwks_uri or (fetched and (timezone.now() - fetched).total_seconds() < JWKS_REFRESH_AFTER):
        return None
    try:
        found = keys.fetch_jwks(client.jwks_uri)
    except keys.KeyError_:
        found = client.jwks
    Client.objects.filter(pk=client.pk).update(jwks=found, jwks_fetched_at=timezone.now())
    client.jwks = found
    return keys.public_key(found, kid)


def admit(request: HttpRequest, action: str) -> tuple[Client, Envelope]:
    """Everything checked before any work: the client, its envelope and signature, its agreement and
    its rate limit. Raises Refusal."""
    client = client_of(request)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > protocol.MAX_BODY:  # refused before reading it
        raise Refusal(413, "err.request.bad", f"The request is larger than {protocol.MAX_BODY // 1024} KB.")
    envelope = protocol.read(request.body, action, request.content_type or "")
    if envelope.header["sender_id"] != client.client_id:
        raise Refusal(403, "err.sender_id.invalid", f"header.sender_id is not your client id '{client.client_id}'.")
    check_signature(envelope, client)
    protocol.check_fresh(envelope)
    protocol.check_form(action, envelope.message)
    terms = client.data_sharing
    if not client.active:
        raise Refusal(403, "err.request.forbidden", "This client has been stopped by the data owner.")
    if terms.revoked_at is not None:
        raise Refusal(403, "err.request.forbidden", f"The data-sharing agreement {terms.agreement.number} was "
                      f"revoked on {terms.revoked_at:%Y-%m-%d}.")
    if not terms.in_force():
        raise Refusal(403, "err.request.forbidden", f"The data-sharing agreement {terms.agreement.number} is valid "
                      f"from {terms.valid_from} to {terms.valid_until}, not today.")
    limits.count_request(client)
    return client, envelope


def remember(client: Client, envelope: Envelope) -> None:
    """Keep the message id: the same one again is a replay. Call inside the answer's transaction.
    Ids older than twice the freshness window are dropped now and then: such a message is refused
    as stale before its id is looked at."""
    if random.random() < PRUNE_SHARE:
        ReceivedMessage.objects.filter(received_at__lt=timezone.now() - 2 * protocol.MESSAGE_TS_WINDOW).delete()
    table = ReceivedMessage._meta.db_table
    with connection.cursor() as cursor:  # no savepoint: a conflict inserts nothing and returns no row
        cursor.execute(f"INSERT INTO {table} (client_id, message_id, received_at) VALUES (%s, %s, %s) "
                       "ON CONFLICT (client_id, message_id) DO NOTHING RETURNING id",
                       [client.pk, envelope.message_id, connection.ops.adapt_datetimefield_value(timezone.now())])
        if cursor.fetchone() is None:
            raise Refusal(409, "err.request.bad", f"message_id '{envelope.message_id}' was already received: a "
                          "replayed message is refused.", header_code="rjct.message_id.duplicate")


def refusal_logged(client: Client | None, refusal: Refusal, action: str, message_id: str = "") -> None:
    audit.record(client.user if client else None, audit.Action.DATA_SHARING_REFUSED,
                 region_code=client.data_sharing.region_code if client else "",
                 details={"client": client.client_id if client else "", "action": action, "code": refusal.code,
                          "header_code": refusal.header_code, "reason": refusal.reason[:300],
                          "message_id": message_id[:100]})


@dataclass
class Answer:
    """What one search message gave: the items of `search_response` and what they disclosed."""

    items: list[dict[str, Any]] = field(default_factory=list)
    people: list[tuple[int, int | None, str]] = field(default_factory=list)  # person, household, purpose
    households: list[tuple[int, str]] = field(default_factory=list)  # household, purpose

    @property
    def record_count(self) -> int:
        return len(self.people) + len(self.households)


def purpose_of(criteria: dict[str, Any], terms: Any) -> str:
    """The purpose the request states, checked against the agreement. Raises search.Invalid."""
    stated = ""
    for key in ("authorize", "consent"):
        part = criteria.get(key)
        purpose = part.get("purpose") if isinstance(part, dict) else None
        code = purpose.get("code") if isinstance(purpose, dict) else purpose
        if isinstance(code, str) and code.strip():
            stated = code.strip().rsplit(":", 1)[-1]
            break
    if not stated:
        raise search.Invalid("rjct.search_criteria.invalid", "State the purpose in authorize.purpose.code (or "
                             f"consent.purpose.code): one of {', '.join(Purpose.values)}.")
    if stated not in Purpose.values:
        raise search.Invalid("rjct.search_criteria.invalid", f"'{stated[:40]}' is not a purpose; use one of "
                             f"{', '.join(Purpose.values)}.")
    if stated not in terms.purposes:
        raise search.Invalid("rjct.search_criteria.invalid", f"The purpose '{stated}' is not allowed by agreement "
                             f"{terms.agreement.number} (allowed: {', '.join(terms.purposes)}).")
    if stated in PURPOSES_NEEDING_CONSENT:
        consent = criteria.get("consent")
        purpose = consent.get("purpose") if isinstance(consent, dict) else None
        reference = (purpose.get("ref_uri") if isinstance(purpose, dict) else None) or (
            consent.get("@id") or consent.get("id") if isinstance(consent, dict) else None)
        if not isinstance(reference, str) or not reference.strip():
            raise search.Invalid("rjct.search_criteria.invalid", f"The purpose '{stated}' needs the reference of "
                                 "the person's consent in consent.purpose.ref_uri.")
    return stated


def answer_search(client: Client, message: dict[str, Any]) -> Answer:
    """The `search_response` items for a search message that passed protocol.check_form (nothing written)."""
    answer, seen = Answer(), set()
    for item in message["search_request"]:
        reference = item["reference_id"]
        try:
            if reference in seen:
                raise search.Invalid("rjct.reference_id.duplicate", f"reference_id '{reference}' is repeated.")
            seen.add(reference)
            answer.items.append(_run(client, reference, item["search_criteria"], item.get("locale"), answer))
        except search.Invalid as invalid:
            answer.items.append({
                "reference_id": reference, "timestamp": protocol.now_iso(),
                "status": REJECTED, "status_reason_code": invalid.code, "status_reason_message": invalid.reason[:999]})
    return answer


def _run(client: Client, reference: str, criteria: dict[str, Any], locale: Any, answer: Answer) -> dict[str, Any]:
    terms = client.data_sharing
    purpose = purpose_of(criteria, terms)
    allowed = frozenset(terms.fields)
    compiled = search.compile_criteria(criteria, allowed)
    if far := search.outside(compiled.regions, terms.region_code):
        raise search.Invalid("rjct.search_criteria.invalid", f"{', '.join(far)} lies outside the region of agreement "
                             f"{terms.agreement.number} ({terms.region_code}).")
    found = search.base(compiled.entity, terms.region_code)
    if search.GROUP_SIZE in compiled.attributes or any(search.GROUP_SIZE in o for o in compiled.order):
        found = found.annotate(group_size=Count("members"))
    found = found.filter(compiled.condition)
    # The ids of all matches (at most DCI_MAX_MATCHES + 1), then the page by its ids: asked for
    # "ORDER BY id LIMIT 100" at once, PostgreSQL walks the whole registry in id order looking for
    # the few thousand matches of a regency (bench/bench_dci.py).
    ids = list(found.order_by().values_list("pk", flat=True)[: settings.DCI_MAX_MATCHES + 1])
    total = len(ids)
    if total > settings.DCI_MAX_MATCHES:
        raise search.Invalid("rjct.search.too_many_records_found", f"More than {settings.DCI_MAX_MATCHES} "
                             "records match: narrow the query (a village or district, a desil).")
    start = (compiled.page_number - 1) * compiled.page_size
    if compiled.order == ["id"]:
        page = list(found.filter(pk__in=sorted(ids)[start:start + compiled.page_size]).order_by("id"))
    else:
        page = list(found.order_by(*compiled.order)[start:start + compiled.page_size])
    if compiled.entity == search.MEMBER:
        rows = [records.member_record(p, allowed, p.household) for p in page]
        answer.people.extend((p.pk, p.household_id, purpose) for p in page)
    else:
        households: Sequence[Household] = page
        members = records.members_by_household(households) if "household" in allowed else {}
        rows = [records.group_record(h, members.get(h.pk, []), allowed) for h in households]
        answer.households.extend((h.pk, purpose) for h in households)
        answer.people.extend((p.pk, h.pk, purpose) for h in households for p in members.get(h.pk, []))
    return {
        "reference_id": reference, "timestamp": protocol.now_iso(), "status": SUCCEEDED,
        "data": {"version": protocol.VERSION, "reg_type": "ns:org:RegistryType:Social",
                 "reg_record_type": compiled.entity, "reg_records": rows},
        "pagination": {"page_size": compiled.page_size, "page_number": compiled.page_number, "total_count": total},
        "locale": locale or "ind"}


def record_disclosure(client: Client, answer: Answer, *, transaction_id: str, message_id: str) -> None:
    """The audit entry of an answer and one Disclosure per record in it. Inside the answer's transaction."""
    terms = client.data_sharing
    purposes = sorted({p for *_, p in answer.people} | {p for _, p in answer.households})
    entry = audit.record(client.user, audit.Action.DATA_SHARED, region_code=terms.region_code, details={
        "client": client.client_id, "agreement": terms.agreement.number, "purposes": purposes,
        "transaction_id": transaction_id, "message_id": message_id, "count": answer.record_count,
        "people": sorted({p for p, _, _ in answer.people}), "households": sorted(
            {h for h, _ in answer.households} | {h for _, h, _ in answer.people if h})})
    now = timezone.now()
    rows = [Disclosure(client=client, data_sharing=terms, purpose=purpose, person_id=None, household_id=household,
                       audit_entry_id=entry.pk, transaction_id=transaction_id, at=now)
            for household, purpose in answer.households]
    rows += [Disclosure(client=client, data_sharing=terms, purpose=purpose, person_id=person, household_id=household,
                        audit_entry_id=entry.pk, transaction_id=transaction_id, at=now)
             for person, household, purpose in answer.people]
    Disclosure.objects.bulk_create(rows, batch_size=2000)
    limits.count_records(client, answer.record_count)


def search_message(client: Client, envelope: Envelope, answer: Answer) -> dict[str, Any]:
    return {"transaction_id": envelope.message["transaction_id"], "correlation_id": envelope.message_id,
            "search_response": answer.items}


def sync_search(client: Client, envelope: Envelope) -> dict[str, Any]:
    """Answer a synchronous search: the whole signed on-search envelope."""
    answer = answer_search(client, envelope.message)
    limits.check_records(client, answer.record_count)
    with transaction.atomic():
        remember(client, envelope)
        record_disclosure(client, answer, transaction_id=envelope.message["transaction_id"],
                          message_id=envelope.message_id)
    return answered("on-search", client, answer.items, search_message(client, envelope, answer))


def answered(action: str, client: Client, items: Sequence[dict[str, Any]], message: dict[str, Any]) -> dict[str, Any]:
    """The signed envelope of an answer whose items each succeeded or were rejected."""
    status = SUCCEEDED if any(item.get("status") == SUCCEEDED for item in items) or not items else REJECTED
    header = protocol.answer_header(action, client.client_id, status=status, total=len(items), completed=len(items))
    return protocol.signed(header, message)
