"""What the DCI API does with requests it must refuse: each refusal names its DCI code, reads as the
spec's acknowledgement and HTTP error, says nothing of the registry's people, and writes nothing but
its audit entry. Requests refused per search request (a purpose, an attribute, a page) answer 200
with a `rjct` item and give out no record."""

import datetime
import json
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import timezone

from entas.core.models import AuditEntry
from entas.partnerships import sharing_terms
from entas.partnerships.models import DataSharing, Purpose
from entas.registry.models import Household, Person
from entas.sharing import exchanges, limits, signatures
from entas.sharing.models import Disclosure, Subscription, Transaction
from tests.registry.factories import household
from tests.sharing.kit import Partner, make_partner, schema_errors, search_message, terms

KLATEN = "33.10.01.2001"
NIKS = ("3310014105850001", "3310014105850002")
KKS = ("3310010101250001", "3310010101250002")
NAME = "Siti Aminah"
REFUSED = "data_sharing.refused"


@pytest.fixture
def families(db: Any) -> None:
    household(KKS[0], KLATEN, decile=1, head_nik=NIKS[0])
    household(KKS[1], KLATEN, decile=3, head_nik=NIKS[1])


@pytest.fixture
def partner(families: None) -> Partner:
    return make_partner(terms())


def written() -> tuple[int, int, int]:
    return Disclosure.objects.count(), Transaction.objects.count(), Subscription.objects.count()


def nik_search(nik: str = NIKS[0], **criteria: Any) -> dict[str, Any]:
    return search_message({"type": "NIK", "value": nik}, **criteria)


@contextmanager
def only_audited() -> Iterator[None]:
    """Nothing but audit entries written inside the block."""
    before = written()
    yield
    assert written() == before


def assert_refused(response: Any, status: int, code: str, *, header_code: str = "") -> dict[str, Any]:
    """A refusal as a whole: its status and code, the spec's two shapes, nothing of the registry in it,
    and its audit entry."""
    assert response.status_code == status, response.content
    assert response.status_code < 500
    body = response.json()
    assert body["message"]["ack_status"] == "ERR"
    assert body["message"]["error"]["code"] == code
    assert body["errors"][0]["code"] == code
    assert schema_errors("ack", {"message": body["message"]}) == []
    assert schema_errors("http_error", body) == []
    assert body["header"]["status"] == "rjct"
    if header_code:
        assert body["header"]["status_reason_code"] == header_code
    text = response.content.decode()
    for secret in (*NIKS, *KKS, NAME):
        assert secret not in text
    entry = AuditEntry.objects.filter(action=REFUSED).order_by("-id").first()
    assert entry is not None and entry.details["code"] == code
    return body


def assert_rejected_item(response: Any, code: str) -> dict[str, Any]:
    """A well-formed message whose search request is refused: 200, the item `rjct` with its code, no record."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert schema_errors("search_response", body) == []
    item = body["message"]["search_response"][0]
    assert item["status"] == "rjct", item
    assert item["status_reason_code"] == code
    assert "data" not in item
    text = response.content.decode()
    for secret in (*NIKS, *KKS, NAME):
        assert secret not in text
    shared = AuditEntry.objects.filter(action="data.shared").order_by("-id").first()
    assert shared is not None and shared.details["count"] == 0
    return item


# --- the envelope -------------------------------------------------------------------------------------------


def test_it_refuses_a_body_that_is_not_json(partner: Partner) -> None:
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", b"{not json"), 400, "err.request.bad")


def test_it_refuses_a_json_body_that_is_not_an_object(partner: Partner) -> None:
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", b"[1, 2]"), 400, "err.request.bad")


def test_it_refuses_an_envelope_without_a_message(partner: Partner) -> None:
    body = partner.envelope("search", nik_search())
    del body["message"]
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 400, "err.request.bad")


@pytest.mark.parametrize("missing", ["message_id", "message_ts", "action", "sender_id", "total_count"])
def test_it_refuses_a_header_missing_a_field(partner: Partner, missing: str) -> None:
    body = partner.envelope("search", nik_search())
    del body["header"][missing]
    with only_audited():
        reply = assert_refused(partner.post(Browser(), "sync/search", body), 400, "err.request.bad")
    assert missing in reply["message"]["error"]["message"]


def test_it_refuses_the_wrong_action(partner: Partner) -> None:
    body = partner.envelope("subscribe", nik_search())
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 400, "err.request.bad",
                       header_code="rjct.action.invalid")


def test_it_refuses_version_2(partner: Partner) -> None:
    body = partner.envelope("search", nik_search(), version="2.0.0")
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 400, "err.version.not_supported",
                       header_code="rjct.version.invalid")


def test_it_refuses_another_content_type(partner: Partner) -> None:
    body = json.dumps(partner.envelope("search", nik_search()))
    with only_audited():
        response = Browser().post("/dci/registry/sync/search", data=body, content_type="text/plain",
                                  HTTP_AUTHORIZATION=f"Bearer {partner.token}")
        assert_refused(response, 415, "err.request.bad")


@pytest.mark.parametrize("size", [0, -1])
def test_it_refuses_a_page_size_below_one(partner: Partner, size: int) -> None:
    message = nik_search(pagination={"page_size": size, "page_number": 1})
    with only_audited():
        reply = assert_refused(partner.post(Browser(), "sync/search", partner.envelope("search", message)), 400,
                               "err.request.bad")
    assert "rjct.pagination.invalid" in reply["message"]["error"]["message"]


def test_it_refuses_a_json_body_nested_a_thousand_deep(partner: Partner) -> None:
    """The JSON itself 1,000 deep: Python's parser gives up, and that is a clean refusal, not a 500."""
    deep = '{"$and": [' * 1000 + '{"desil": 1}' + "]}" * 1000
    body = json.dumps(partner.envelope("search", search_message(
        {"collection": "Group", "query": "@"}, query_type="expression"))).replace('"@"', deep)
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 400, "err.request.bad")
    predicates = '{"seq_num": 1, "expression1": ' * 1000 + "1" + "}" * 1000
    body = json.dumps(partner.envelope("search", search_message("@", query_type="predicate"))).replace(
        '"@"', f"[{predicates}]")
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 400, "err.request.bad")


@pytest.mark.parametrize("path", ["sync/search", "search"])
@pytest.mark.parametrize("depth", [40, 445])
def test_it_refuses_a_signed_expression_nested_too_deep(partner: Partner, path: str, depth: int) -> None:
    """Deep enough to parse but too deep to encode again (445 `$and`s: 890 JSON levels, which once
    answered a RecursionError, 500): refused as a whole before any work."""
    tree: dict[str, Any] = {"desil": 1}
    for _ in range(depth):
        tree = {"$and": [tree]}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(5000)  # the test's own signing and encoding only
    try:
        body = json.dumps(partner.envelope("search", search_message(
            {"collection": "Group", "query": tree}, query_type="expression"),
            sender_uri="http://127.0.0.1:9/dci/registry/on-search"))
    finally:
        sys.setrecursionlimit(limit)
    with only_audited():
        reply = assert_refused(partner.post(Browser(), path, body), 400, "err.request.bad")
    assert "nested" in reply["message"]["error"]["message"]


def test_it_rejects_an_expression_nested_past_its_depth(partner: Partner) -> None:
    tree: dict[str, Any] = {"desil": 1}
    for _ in range(10):
        tree = {"$and": [tree]}
    message = search_message({"collection": "Group", "query": tree}, query_type="expression")
    with only_audited():
        assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope("search", message)),
                             "rjct.search_criteria.invalid")


class Unreadable:
    """A request body that must not be read."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_it_refuses_a_twenty_megabyte_body_before_reading_it(partner: Partner) -> None:
    size = 20 * 1024 * 1024
    with only_audited():
        response = Browser().post("/dci/registry/sync/search", data=b"", content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {partner.token}",
                                  **{"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(size)})  # type: ignore[arg-type]
        assert_refused(response, 413, "err.request.bad")
    # and a real one, sent whole
    body = json.dumps(partner.envelope("search", nik_search(filler="x" * size)))
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 413, "err.request.bad")


# --- the search request -------------------------------------------------------------------------------------


def test_it_rejects_an_unknown_query_type(partner: Partner) -> None:
    message = search_message({"type": "NIK", "value": NIKS[0]}, query_type="sql")
    with only_audited():
        assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope("search", message)),
                             "rjct.search_criteria.invalid")


def test_it_rejects_an_unknown_attribute(partner: Partner) -> None:
    message = search_message({"collection": "Member", "query": {"mother_maiden_name": {"$eq": "x"}}},
                             query_type="expression")
    with only_audited():
        assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope("search", message)),
                             "rjct.filter.invalid")


def predicate(name: str, operator: str, value: Any) -> dict[str, Any]:
    return search_message([{"seq_num": 1, "expression1": {"attribute_name": name, "operator": operator,
                                                           "attribute_value": value}}],
                          query_type="predicate", response_entity="Member")


@pytest.mark.parametrize(("operator", "value"), [("ge", 10**6), ("ge", -(10**6)), ("lt", 1e14), ("le", 9999),
                                                 ("in", [25, 10**6]), ("eq", "abc"), ("eq", True)])
def test_it_rejects_an_age_that_is_no_age(partner: Partner, operator: str, value: Any) -> None:
    """Once a 500: an age of a million years has no date of birth to compare with."""
    with only_audited():
        assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope(
            "search", predicate("age", operator, value))), "rjct.filter.invalid")


@pytest.mark.parametrize(("name", "values", "found"), [
    ("age", [40, 41], 2), ("age", [25], 0), ("poverty_score", [10], 1), ("poverty_score", [10, 8], 2),
    ("poverty_score", [1], 0)])
def test_a_list_of_ages_or_poverty_scores_means_what_one_of_them_means(
        partner: Partner, name: str, values: list[int], found: int) -> None:
    """Once a 500 (ages) and a wrong answer (scores, compared as desils): `in` means any of the values."""
    today = timezone.localdate()
    Person.objects.filter(nik=NIKS[0]).update(birth_date=today.replace(year=today.year - 40))
    Person.objects.filter(nik=NIKS[1]).update(birth_date=today.replace(year=today.year - 42) + datetime.timedelta(
        days=1))  # 41 until tomorrow
    response = partner.post(Browser(), "sync/search", partner.envelope("search", predicate(name, "in", values)))
    item = response.json()["message"]["search_response"][0]
    assert item["status"] == "succ", item
    assert len(item["data"]["reg_records"]) == found


def test_it_rejects_a_page_of_a_million(partner: Partner) -> None:
    message = nik_search(pagination={"page_size": 10**6, "page_number": 1})
    with only_audited():
        assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope("search", message)),
                             "rjct.pagination.invalid")


@pytest.mark.parametrize("text", ["'; DROP TABLE registry_person; --", "$..nik", "\" OR 1=1 --", "{\"$ne\": null}"])
def test_sql_and_json_path_in_values_are_only_values(partner: Partner, text: str) -> None:
    people = Person.objects.count()
    for query_type, query in (
            ("idtype-value", {"type": "NIK", "value": text}),
            ("expression", {"collection": "Member", "query": {"$or": [{"nik": text}, {"name": {"$eq": text}}]}}),
            ("predicate", [{"seq_num": 1, "expression1": {"attribute_name": "kk", "operator": "eq",
                                                          "attribute_value": text}}])):
        response = partner.post(Browser(), "sync/search", partner.envelope(
            "search", search_message(query, query_type=query_type)))
        assert response.status_code == 200, response.content
        item = response.json()["message"]["search_response"][0]
        assert item["status"] == "succ", item
        assert item["data"]["reg_records"] == []
    assert Disclosure.objects.count() == 0
    assert Person.objects.count() == people and Household.objects.count() == 2
    # the table still answers
    found = partner.post(Browser(), "sync/search", partner.envelope("search", nik_search()))
    assert len(found.json()["message"]["search_response"][0]["data"]["reg_records"]) == 1


@pytest.mark.parametrize("path", ["sync/search", "search"])
def test_it_refuses_a_nul_character(partner: Partner, path: str) -> None:
    """Once a 500 on PostgreSQL, which stores no NUL in text or jsonb (the async search keeps its request)."""
    with only_audited():
        assert_refused(partner.post(Browser(), path, partner.envelope("search", nik_search("3310\x00014105850001"))),
                       400, "err.request.bad")
    body = partner.envelope("search", nik_search())
    body["header"]["message_id"] = "m\x00"
    with only_audited():
        assert_refused(partner.post(Browser(), path, body), 400, "err.request.bad")


def test_it_rejects_a_purpose_outside_the_agreement(partner: Partner) -> None:
    with only_audited():
        item = assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope(
            "search", nik_search(purpose=Purpose.RESEARCH))), "rjct.search_criteria.invalid")
    assert "research" in item["status_reason_message"]


def test_it_rejects_a_search_without_a_purpose(partner: Partner) -> None:
    message = nik_search()
    del message["search_request"][0]["search_criteria"]["authorize"]
    with only_audited():
        assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope("search", message)),
                             "rjct.search_criteria.invalid")


def test_it_rejects_verification_without_a_consent_reference(partner: Partner) -> None:
    with only_audited():
        assert_rejected_item(partner.post(Browser(), "sync/search", partner.envelope(
            "search", nik_search(purpose=Purpose.VERIFICATION))), "rjct.search_criteria.invalid")
    message = nik_search(purpose=Purpose.VERIFICATION, consent={"@type": "Consent", "purpose": {
        "code": "verification", "ref_uri": "https://mitra.example/consent/123"}})
    response = partner.post(Browser(), "sync/search", partner.envelope("search", message))
    assert response.json()["message"]["search_response"][0]["status"] == "succ"


# --- who is asking ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["search", "txn/status", "subscribe", "unsubscribe"])
def test_it_refuses_a_sender_uri_not_registered_and_sends_nothing_there(
        partner: Partner, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    def recorded(*args: Any, **kwargs: Any) -> tuple[bool, str]:
        calls.append(args)
        return True, ""

    monkeypatch.setattr(exchanges, "post", recorded)
    monkeypatch.setattr(urllib.request, "urlopen", recorded)
    action, message = {
        "search": ("search", nik_search()),
        "txn/status": ("txn-status", {"transaction_id": "t-1", "txnstatus_request": {
            "attribute_type": "transaction_id", "attribute_value": "t-0"}}),
        "subscribe": ("subscribe", {"transaction_id": "t-1", "subscribe_request": [{
            "reference_id": "r-1", "timestamp": "2026-01-01T00:00:00Z", "subscribe_criteria": {
                "reg_event_type": "DECILE_CHANGED", "authorize": {"purpose": {"code": "targeting"}}}}]}),
        "unsubscribe": ("unsubscribe", {"transaction_id": "t-1", "subscription_codes": ["s-1"]}),
    }[path]
    for uri in ("http://attacker.example/registry/on-search", "http://127.0.0.1:9/dcix/on-search",
                "http://127.0.0.1:9@attacker.example/dci"):
        with only_audited():
            assert_refused(partner.post(Browser(), path, partner.envelope(action, message, sender_uri=uri)), 400,
                           "err.sender_uri.invalid")
    assert calls == []


def test_it_refuses_a_signature_made_with_another_clients_key(families: None) -> None:
    sharing = terms()
    ours, theirs = make_partner(sharing), make_partner(sharing, "bps-mitra")
    forged = Partner(ours.client, ours.secret, theirs.key, theirs.kid, ours.token)  # same kid "key-1"
    with only_audited():
        assert_refused(forged.post(Browser(), "sync/search", forged.envelope("search", nik_search())), 401,
                       "err.signature.invalid")
    # and with the other client's own key id and sender: not this client's signature
    body = ours.envelope("search", nik_search())
    body["signature"] = signatures.sign(body["header"], body["message"], key=theirs.key, sender_id="bps-mitra",
                                        key_id=theirs.kid).replace("bps-mitra|", "bappenas-sepakat|")
    with only_audited():
        assert_refused(ours.post(Browser(), "sync/search", body), 401, "err.signature.invalid")


def test_it_refuses_a_message_changed_after_signing(partner: Partner) -> None:
    body = partner.envelope("search", nik_search())
    body["message"]["search_request"][0]["search_criteria"]["query"]["value"] = NIKS[1]
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 401, "err.signature.invalid")


@pytest.mark.parametrize("signature", [None, "", "unsigned", "unsigned-stub"])
def test_it_refuses_an_unsigned_envelope(partner: Partner, signature: str | None) -> None:
    body = partner.envelope("search", nik_search())
    body["signature"] = signature
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 401, "err.signature.missing")


def test_it_refuses_a_signature_that_is_not_one(partner: Partner) -> None:
    body = partner.envelope("search", nik_search())
    body["signature"] = "invalid-signature"
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", body), 401, "err.signature.invalid")


def test_it_refuses_a_stale_message(partner: Partner) -> None:
    stale = (timezone.now() - datetime.timedelta(minutes=10)).isoformat()
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", partner.envelope("search", nik_search(),
                                                                              message_ts=stale)),
                       400, "err.request.bad", header_code="rjct.message_ts.invalid")


@pytest.mark.parametrize("path", ["sync/search", "search"])
def test_it_refuses_a_replayed_message(partner: Partner, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchanges, "post", lambda url, body: (True, ""))
    body = partner.envelope("search", nik_search(), sender_uri="http://127.0.0.1:9/dci/registry/on-search")
    first = partner.post(Browser(), path, body)
    assert first.status_code == 200, first.content
    with only_audited():
        assert_refused(partner.post(Browser(), path, body), 409, "err.request.bad",
                       header_code="rjct.message_id.duplicate")


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic Zm9vOmJhcg==", "Bearer"])
def test_it_refuses_a_request_without_a_valid_token(partner: Partner, authorization: str | None) -> None:
    extra: dict[str, Any] = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    body = json.dumps(partner.envelope("search", nik_search()))
    with only_audited():
        response = Browser().post("/dci/registry/sync/search", data=body, content_type="application/json", **extra)
        assert_refused(response, 401, "err.request.unauthorized")


def test_it_refuses_a_revoked_token(partner: Partner) -> None:
    from entas.accounts.models import ApiToken
    ApiToken.objects.filter(user=partner.client.user).update(revoked_at=timezone.now())
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", partner.envelope("search", nik_search())), 401,
                       "err.request.unauthorized")


def test_it_refuses_a_client_of_an_expired_agreement(partner: Partner) -> None:
    DataSharing.objects.filter(pk=partner.client.data_sharing_id).update(valid_until=datetime.date(2025, 6, 30))
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", partner.envelope("search", nik_search())), 403,
                       "err.request.forbidden")


def test_it_refuses_a_client_of_a_revoked_agreement(partner: Partner) -> None:
    sharing_terms.revoke_data_sharing(None, partner.client.data_sharing, reason="Perjanjian dihentikan.")
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", partner.envelope("search", nik_search())), 403,
                       "err.request.forbidden")


def test_it_refuses_a_sender_id_that_is_not_the_token_s_client(families: None) -> None:
    sharing = terms()
    ours, theirs = make_partner(sharing), make_partner(sharing, "bps-mitra")
    body = theirs.envelope("search", nik_search())  # well signed by the other client
    with only_audited():
        assert_refused(ours.post(Browser(), "sync/search", body), 403, "err.sender_id.invalid")


# --- how much -----------------------------------------------------------------------------------------------


def test_a_third_request_in_a_minute_is_refused(families: None, monkeypatch: pytest.MonkeyPatch) -> None:
    minute = timezone.now().replace(second=0, microsecond=0)
    monkeypatch.setattr(limits, "_minute", lambda now: minute)  # no minute boundary between the requests
    partner = make_partner(terms(), requests_per_minute=2)
    for _ in range(2):
        response = partner.post(Browser(), "sync/search", partner.envelope("search", nik_search()))
        assert response.status_code == 200, response.content
    with only_audited():
        response = partner.post(Browser(), "sync/search", partner.envelope("search", nik_search()))
        assert_refused(response, 429, "err.request.too_many_requests")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_an_answer_past_the_records_per_day_is_refused(families: None) -> None:
    partner = make_partner(terms(), records_per_day=1)
    everyone = search_message({"collection": "Group", "query": {"desil": {"$le": 5}}}, query_type="expression")
    with only_audited():
        response = partner.post(Browser(), "sync/search", partner.envelope("search", everyone))
        assert_refused(response, 429, "err.request.too_many_requests")
    assert int(response["Retry-After"]) > 0
    # one record still fits
    response = partner.post(Browser(), "sync/search", partner.envelope("search", nik_search()))
    assert response.json()["message"]["search_response"][0]["status"] == "succ"
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", partner.envelope("search", nik_search(NIKS[1]))),
                       429, "err.request.too_many_requests")


def test_an_agreement_past_its_records_per_day_is_refused(families: None) -> None:
    sharing = terms(daily_records=1)
    partner = make_partner(sharing)
    everyone = search_message({"collection": "Group", "query": {"desil": {"$le": 5}}}, query_type="expression")
    with only_audited():
        assert_refused(partner.post(Browser(), "sync/search", partner.envelope("search", everyone)), 429,
                       "err.request.too_many_requests")
