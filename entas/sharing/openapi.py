"""The OpenAPI 3.0.3 description of /dci/, written by hand from what entas.sharing does (not copied
from the spec's YAML): the envelope each route takes, the answer it gives and the one refusal body
shared by every route and status (protocol.refused). Served at /dci/openapi.json."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from entas.sharing import protocol, search

JSON = "application/json"
ID = {"type": "string", "minLength": 1, "maxLength": protocol.ID_LENGTH}
DATE_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with a time zone."}
ERROR_CODES = [
    "err.request.bad", "err.request.unauthorized", "err.request.forbidden", "err.request.not_found",
    "err.request.timeout", "err.version.not_supported", "err.request.too_many_requests", "err.sender_id.invalid",
    "err.sender_uri.invalid", "err.receiver_id.invalid", "err.signature.missing", "err.signature.invalid",
    "err.encryption.invalid", "err.service.unavailable"]
HEADER_CODES = ["rjct.version.invalid", "rjct.message_id.duplicate", "rjct.message_ts.invalid", "rjct.action.invalid",
                "rjct.action.not_supported", "rjct.total_count.invalid", "rjct.total_count.limit_exceeded",
                "rjct.errors.too_many"]
STATUS = {"type": "string", "enum": ["rcvd", "pdng", "succ", "rjct"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _request_header(action: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(protocol.REQUIRED_HEADER),
        "properties": {
            "version": {"type": "string", "enum": [protocol.VERSION], "default": protocol.VERSION},
            "message_id": ID,
            "message_ts": DATE_TIME,
            "action": {"type": "string", "enum": [action]},
            "sender_id": {**ID, "description": "The client id; also the first part of the signature's kidId."},
            "sender_uri": {"type": "string", "format": "uri", "maxLength": 500, "description":
                           "Async routes only: where the answer is POSTed. A registered callback address of the "
                           "client, or an address under one; anything else is refused (err.sender_uri.invalid)."},
            "receiver_id": {"type": "string", "maxLength": protocol.ID_LENGTH},
            "total_count": {"type": "integer", "minimum": 0},
            "is_msg_encrypted": {"type": "boolean", "enum": [False], "default": False,
                                 "description": "Encrypted messages are refused."},
            "meta": {"type": "object"},
        },
    }


def _envelope(action: str, message: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["signature", "header", "message"],
        "properties": {"signature": _ref("Signature"), "header": _request_header(action), "message": _ref(message)},
    }


def _answer(action: str, message: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["signature", "header", "message"],
        "properties": {
            "signature": _ref("Signature"),
            "header": {"allOf": [_ref("CallbackHeader"),
                                 {"type": "object", "properties": {"action": {"type": "string", "enum": [action]}}}]},
            "message": _ref(message),
        },
    }


PAGINATION = {
    "type": "object",
    "properties": {
        "page_size": {"type": "integer", "minimum": 1, "default": search.DEFAULT_PAGE_SIZE, "description":
                      f"At most {search.MAX_PAGE_SIZE}; more is rejected per request (rjct.pagination.invalid)."},
        "page_number": {"type": "integer", "minimum": 1, "default": 1},
    },
}
PURPOSE = {
    "type": "object",
    "properties": {
        "@type": {"type": "string"},
        "ts": DATE_TIME,
        "purpose": {"type": "object", "properties": {
            "code": {"type": "string", "description": "targeting, verification, monitoring_evaluation or research "
                     "(a prefix up to the last ':' is ignored); must be one of the agreement's purposes."},
            "text": {"type": "string"},
            "ref_uri": {"type": "string", "description": "The person's consent: needed for verification."}}},
    },
}
CRITERIA = {
    "type": "object",
    "required": ["query_type", "query"],
    "properties": {
        "version": {"type": "string"},
        "reg_type": {"type": "string", "example": "ns:org:RegistryType:Social"},
        "reg_record_type": {"type": "string", "description": "Group (a household) or Member (a person)."},
        "response_entity": {"type": "string", "description": "Group or Member."},
        "query_type": {"type": "string", "enum": ["idtype-value", "expression", "predicate"]},
        "query": {"description": "idtype-value: {type: NIK|KK|entas-id, value}; expression: {collection, query} "
                  "with $and/$or/$not and $eq/$ne/$lt/$le/$gt/$ge/$in/$nin (optionally wrapped in "
                  "{type, value: {expression: …}}); predicate: a list of {seq_num, expression1, condition, "
                  "expression2}.",
                  "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]},
        "sort": {"type": "array", "maxItems": 5, "items": {"type": "object", "properties": {
            "attribute_name": {"type": "string"}, "sort_order": {"type": "string", "enum": ["asc", "desc"]}}}},
        "pagination": PAGINATION,
        "authorize": PURPOSE,
        "consent": PURPOSE,
    },
}
ITEM_ANSWER = {
    "type": "object",
    "required": ["reference_id", "timestamp", "status"],
    "properties": {
        "reference_id": ID,
        "timestamp": DATE_TIME,
        "status": STATUS,
        "status_reason_code": {"type": "string", "description": "rjct.* (e.g. rjct.search_criteria.invalid, "
                               "rjct.filter.invalid, rjct.pagination.invalid)."},
        "status_reason_message": {"type": "string", "maxLength": 999},
        "data": {"type": "object", "properties": {
            "version": {"type": "string"}, "reg_type": {"type": "string"},
            "reg_record_type": {"type": "string", "enum": [search.GROUP, search.MEMBER]},
            "reg_records": {"type": "array", "items": {"type": "object", "description":
                            "A Group or Member record holding only the agreement's field groups."}}}},
        "pagination": {"type": "object", "properties": {
            "page_size": {"type": "integer"}, "page_number": {"type": "integer"}, "total_count": {"type": "integer"}}},
        "locale": {"type": "string"},
    },
}

SCHEMAS: dict[str, Any] = {
    "Signature": {"type": "string", "maxLength": 2000, "description":
                  'namespace="dci", kidId="{sender_id}|{key_id}|ed25519", algorithm="ed25519", created="{unix}", '
                  'expires="{unix}", headers="(created) (expires) digest", signature="{base64}": Ed25519 over '
                  '"(created): …\\n(expires): …\\ndigest: " + base64(SHA-256(canonical JSON of {header, message})). '
                  "Missing or unsigned: err.signature.missing; wrong: err.signature.invalid (401)."},
    "CallbackHeader": {
        "type": "object",
        "required": ["version", "message_id", "message_ts", "action", "status", "sender_id", "total_count"],
        "properties": {
            "version": {"type": "string"}, "message_id": ID, "message_ts": DATE_TIME, "action": {"type": "string"},
            "status": STATUS, "status_reason_code": {"type": "string", "enum": HEADER_CODES},
            "status_reason_message": {"type": "string", "maxLength": 999},
            "total_count": {"type": "integer"}, "completed_count": {"type": "integer"},
            "sender_id": {"type": "string"}, "receiver_id": {"type": "string"},
            "is_msg_encrypted": {"type": "boolean"},
        },
    },
    "SearchRequest": {
        "type": "object",
        "required": ["transaction_id", "search_request"],
        "properties": {
            "transaction_id": ID,
            "search_request": {"type": "array", "minItems": 1, "maxItems": protocol.MAX_SEARCH_REQUESTS, "items": {
                "type": "object",
                "required": ["reference_id", "timestamp", "search_criteria"],
                "properties": {"reference_id": ID, "timestamp": DATE_TIME,
                               "locale": {"type": "string", "pattern": "^[a-z]{3}$"}, "search_criteria": CRITERIA}}},
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": ["transaction_id", "correlation_id", "search_response"],
        "properties": {"transaction_id": {"type": "string"}, "correlation_id": {"type": "string"},
                       "search_response": {"type": "array", "items": ITEM_ANSWER}},
    },
    "TxnStatusRequest": {
        "type": "object",
        "required": ["transaction_id", "txnstatus_request"],
        "properties": {
            "transaction_id": ID,
            "txnstatus_request": {
                "type": "object",
                "required": ["attribute_type", "attribute_value"],
                "properties": {
                    "reference_id": ID,
                    "txn_type": {"type": "string", "enum": ["search", "subscribe", "unsubscribe"]},
                    "attribute_type": {"type": "string",
                                       "enum": ["transaction_id", "correlation_id", "reference_id_list"]},
                    "attribute_value": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"},
                                                                        "minItems": 1}]},
                },
            },
        },
    },
    "TxnStatusResponse": {
        "type": "object",
        "required": ["transaction_id", "correlation_id", "txnstatus_response"],
        "properties": {
            "transaction_id": {"type": "string"}, "correlation_id": {"type": "string"},
            "txnstatus_response": {"type": "object", "required": ["txn_type", "txn_status"], "properties": {
                "txn_type": {"type": "string"},
                "txn_status": {"description": "The SearchResponse of that transaction (empty for an unknown one).",
                               "allOf": [_ref("SearchResponse")]}}},
        },
    },
    "SubscribeRequest": {
        "type": "object",
        "required": ["transaction_id", "subscribe_request"],
        "properties": {
            "transaction_id": ID,
            "subscribe_request": {"type": "array", "minItems": 1, "maxItems": protocol.MAX_SEARCH_REQUESTS, "items": {
                "type": "object",
                "required": ["reference_id", "timestamp", "subscribe_criteria"],
                "properties": {
                    "reference_id": ID, "timestamp": DATE_TIME,
                    "locale": {"type": "string", "pattern": "^[a-z]{3}$"},
                    "subscribe_criteria": {"type": "object", "required": ["reg_event_type"], "properties": {
                        "reg_event_type": {"type": "string", "enum": ["DECILE_CHANGED", "ENROLLED", "GRADUATED",
                                                                      "RELAPSED"]},
                        "authorize": PURPOSE, "consent": PURPOSE}}}}},
        },
    },
    "SubscribeResponse": {
        "type": "object",
        "required": ["transaction_id", "correlation_id", "subscribe_response"],
        "properties": {"transaction_id": {"type": "string"}, "correlation_id": {"type": "string"},
                       "subscribe_response": {"type": "array", "items": {
                           "type": "object", "required": ["reference_id", "timestamp", "status"], "properties": {
                               "reference_id": {"type": "string"}, "timestamp": DATE_TIME, "status": STATUS,
                               "status_reason_code": {"type": "string"},
                               "subscriptions": {"type": "array", "items": {"type": "object", "properties": {
                                   "code": ID, "status": {"type": "string", "enum": ["subscribe", "unsubscribe"]},
                                   "timestamp": DATE_TIME, "reg_event_type": {"type": "string"}}}}}}}},
    },
    "UnsubscribeRequest": {
        "type": "object",
        "required": ["transaction_id", "subscription_codes"],
        "properties": {"transaction_id": ID, "timestamp": DATE_TIME,
                       "subscription_codes": {"type": "array", "minItems": 1, "maxItems": 100, "items": ID}},
    },
    "UnsubscribeResponse": {
        "type": "object",
        "required": ["transaction_id", "correlation_id", "timestamp", "status"],
        "properties": {"transaction_id": {"type": "string"}, "correlation_id": {"type": "string"},
                       "timestamp": DATE_TIME, "status": STATUS,
                       "subscription_status": {"type": "array", "items": {"type": "object", "properties": {
                           "code": {"type": "string"}, "status": {"type": "string"}}}}},
    },
    "Ack": {
        "type": "object",
        "required": ["message"],
        "properties": {"message": {"type": "object", "required": ["ack_status", "timestamp", "correlation_id"],
                                   "properties": {
                                       "ack_status": {"type": "string", "enum": ["ACK", "NACK", "ERR"]},
                                       "timestamp": DATE_TIME,
                                       "correlation_id": {"type": "string", "maxLength": protocol.ID_LENGTH,
                                                          "description": "The request's header.message_id; the "
                                                          "callback carries the same."},
                                       "error": _ref("Error")}}},
    },
    "Error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "enum": ERROR_CODES}, "message": {"type": "string", "maxLength": 999}}},
    "Refusal": {
        "description": "One body for every refusal: an Ack with ack_status ERR, the spec's HTTP error "
                       "(errors[]) and a signed callback header with status rjct.",
        "type": "object",
        "required": ["signature", "header", "message", "errors"],
        "properties": {
            "signature": _ref("Signature"),
            "header": _ref("CallbackHeader"),
            "message": {"type": "object", "required": ["ack_status", "timestamp", "correlation_id", "error"],
                        "properties": {"ack_status": {"type": "string", "enum": ["ERR"]}, "timestamp": DATE_TIME,
                                       "correlation_id": {"type": "string"}, "error": _ref("Error")}},
            "errors": {"type": "array", "minItems": 1, "items": _ref("Error")},
        },
    },
    "TokenAnswer": {"type": "object", "required": ["access_token", "token_type", "expires_in"], "properties": {
        "access_token": {"type": "string"}, "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer"}}},
    "TokenError": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string", "enum": ["invalid_request", "invalid_client", "unsupported_grant_type"]},
        "error_description": {"type": "string"}}},
    "JWKS": {"type": "object", "required": ["keys"], "properties": {"keys": {"type": "array", "items": {
        "type": "object", "required": ["kty", "crv", "x", "kid"], "properties": {
            "kty": {"type": "string", "enum": ["OKP"]}, "crv": {"type": "string", "enum": ["Ed25519"]},
            "x": {"type": "string"}, "kid": {"type": "string"}, "use": {"type": "string"},
            "alg": {"type": "string"}}}}}},
}

REFUSALS = {
    "400": "Malformed envelope or message (err.request.bad, err.version.not_supported, err.sender_uri.invalid).",
    "401": "No or bad access token (err.request.unauthorized); no or bad signature (err.signature.*).",
    "403": "Not a client, sender_id not the client's (err.sender_id.invalid), client stopped or agreement "
           "not in force (err.request.forbidden).",
    "409": "A replayed message_id (header.status_reason_code rjct.message_id.duplicate).",
    "413": f"A body larger than {protocol.MAX_BODY // 1024} KB, refused before it is read.",
    "415": "A Content-Type other than application/json.",
    "429": "Past the client's requests per minute or records per day (err.request.too_many_requests); "
           "see Retry-After.",
}


def _refusals() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for status, text in REFUSALS.items():
        found[status] = {"description": text, "content": {JSON: {"schema": _ref("Refusal")}}}
        if status == "429":
            found[status]["headers"] = {"Retry-After": {"description": "Seconds to wait.",
                                                        "schema": {"type": "integer"}}}
    return found


def _operation(summary: str, action: str, message: str, answer: dict[str, Any], answer_text: str,
               operation_id: str) -> dict[str, Any]:
    return {"post": {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["registry"],
        "requestBody": {"required": True, "content": {JSON: {"schema": _envelope(action, message)}}},
        "responses": {"200": {"description": answer_text, "content": {JSON: {"schema": answer}}}, **_refusals()},
    }}


ACK_TEXT = "Acknowledged (ack_status ACK); the signed answer is POSTed to header.sender_uri."


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Entas DCI Social Registry API",
            "version": protocol.VERSION,
            "description": "The DCI (spdci) Social Registry API v1.0.0 as Entas serves it. Every request is the "
                           "envelope {signature, header, message}, signed with the client's Ed25519 key, sent "
                           "with an OAuth2 access token (POST /oauth2/client/token). Entas's answers are signed "
                           "with the key published at /.well-known/jwks.json.",
        },
        "servers": [{"url": "/dci"}],
        "security": [{"bearer": []}],
        "tags": [{"name": "registry"}, {"name": "auth"}],
        "paths": {
            "/oauth2/client/token": {"post": {
                "operationId": "token", "summary": "OAuth2 client credentials: an access token.", "tags": ["auth"],
                "security": [{}, {"basic": []}],
                "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                    "type": "object", "required": ["grant_type"], "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string"}, "client_secret": {"type": "string"}}}}}},
                "responses": {
                    "200": {"description": "An access token.", "content": {JSON: {"schema": _ref("TokenAnswer")}}},
                    "400": {"description": "Wrong grant or missing credentials.",
                            "content": {JSON: {"schema": _ref("TokenError")}}},
                    "401": {"description": "Unknown client or wrong secret (invalid_client).",
                            "content": {JSON: {"schema": _ref("TokenError")}}},
                },
            }},
            "/.well-known/jwks.json": {"get": {
                "operationId": "jwks", "summary": "Entas's public signing keys.", "tags": ["auth"], "security": [{}],
                "responses": {"200": {"description": "A JWKS (RFC 7517, Ed25519 keys per RFC 8037).",
                                      "content": {JSON: {"schema": _ref("JWKS")}}}},
            }},
            "/registry/sync/search": _operation(
                "Search, answered at once.", "search", "SearchRequest", _answer("on-search", "SearchResponse"),
                "The signed on-search envelope: one search_response item per request item, succ or rjct.",
                "sync_search"),
            "/registry/search": _operation(
                "Search, answered at the client's callback address.", "search", "SearchRequest", _ref("Ack"),
                ACK_TEXT, "search"),
            "/registry/sync/txn/status": _operation(
                "The status (and answer) of an earlier transaction, at once.", "txn-status", "TxnStatusRequest",
                _answer("txn-on-status", "TxnStatusResponse"), "The signed txn-on-status envelope.",
                "sync_txn_status"),
            "/registry/txn/status": _operation(
                "The status of an earlier transaction, answered at the callback address.", "txn-status",
                "TxnStatusRequest", _ref("Ack"), ACK_TEXT, "txn_status"),
            "/registry/subscribe": _operation(
                "Subscribe to registry events (on-subscribe at the callback address).", "subscribe",
                "SubscribeRequest", _ref("Ack"), ACK_TEXT, "subscribe"),
            "/registry/unsubscribe": _operation(
                "End subscriptions (on-unsubscribe at the callback address).", "unsubscribe", "UnsubscribeRequest",
                _ref("Ack"), ACK_TEXT, "unsubscribe"),
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "An access token from /oauth2/client/token (or an Entas API token)."},
                "basic": {"type": "http", "scheme": "basic", "description": "client_id:client_secret."},
            },
            "schemas": SCHEMAS,
        },
    }


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(document())
