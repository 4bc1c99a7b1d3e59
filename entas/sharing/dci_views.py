"""The DCI Social Registry API's addresses (under /dci/): plain views, because the envelope, its
signature and its refusals are the protocol's own, not a REST framework's."""

import base64
import binascii
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from entas.sharing import clients, exchanges, keys, protocol, services
from entas.sharing.models import Client
from entas.sharing.protocol import Envelope, Refusal

Work = Callable[[Client, Envelope], dict[str, Any]]


def _handle(request: HttpRequest, action: str, work: Work) -> JsonResponse:
    client: Client | None = None
    message_id = ""
    try:
        client, envelope = services.admit(request, action)
        message_id = envelope.message_id
        return JsonResponse(work(client, envelope))
    except Refusal as refusal:
        services.refusal_logged(client, refusal, action, message_id)
        return protocol.refused(refusal, action, client.client_id if client else "", message_id)


def _endpoint(action: str, work: Work) -> Callable[[HttpRequest], JsonResponse]:
    """One signed DCI operation: the envelope checked by `_handle`, the message answered by `work`."""

    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> JsonResponse:
        return _handle(request, action, work)

    return view


sync_search = _endpoint("search", services.sync_search)
search = _endpoint("search", exchanges.accept_search)
sync_txn_status = _endpoint("txn-status", exchanges.sync_txn_status)
txn_status = _endpoint("txn-status", exchanges.accept_txn_status)
subscribe = _endpoint("subscribe", exchanges.accept_subscribe)
unsubscribe = _endpoint("unsubscribe", exchanges.accept_unsubscribe)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(keys.server_jwks())


def _token_error(status: int, error: str, description: str) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="dci"'
    return response


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """OAuth2 client credentials (RFC 6749 4.4): the id and secret in the form or in HTTP Basic."""
    form = request.POST
    if form.get("grant_type") != "client_credentials":
        return _token_error(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    basic = request.META.get("HTTP_AUTHORIZATION", "")
    if basic.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        except (ValueError, binascii.Error):
            return _token_error(400, "invalid_request", "The Basic credentials are not base64 of id:secret.")
    if not client_id or not secret:
        return _token_error(400, "invalid_request", "Give client_id and client_secret.")
    client = clients.authenticated(client_id, secret)
    if client is None:
        return _token_error(401, "invalid_client", "Unknown client or wrong secret.")
    access, lifetime = clients.access_token(client)
    return JsonResponse({"access_token": access, "token_type": "Bearer", "expires_in": lifetime})
