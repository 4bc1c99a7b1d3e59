"""Partner systems' clients: registered, given keys, limits and secrets here, nowhere else.

A client is one API-client account (accounts.User, role api_client) bound to one data-sharing
agreement: its OAuth2 access tokens are ordinary API tokens of that account, so the REST API and
the DCI API accept the same credential and apply the same agreement.
"""

import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts import services as accounts
from entas.accounts.models import ApiToken, User
from entas.accounts.roles import Role
from entas.accounts.tokens import digest_of, issue_access_token
from entas.core import audit
from entas.partnerships.models import DataSharing
from entas.sharing import keys
from entas.sharing.models import Client

CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
MAX_CALLBACKS = 10
MAX_REQUESTS_PER_MINUTE = 100_000
MAX_RECORDS_PER_DAY = 50_000_000


def _check_actor(actor: User | None) -> None:
    # Clients receive personal data under a national agreement: the data owner registers them.
    if actor is not None and actor.role != Role.NATIONAL_ADMIN:
        raise ValidationError(_("Only a national administrator registers and changes DCI clients."))


def _callbacks(uris: Iterable[str]) -> list[str]:
    kept = sorted({u.strip() for u in uris if u and u.strip()})
    if len(kept) > MAX_CALLBACKS:
        raise ValidationError({"callback_uris": _("At most %(max)d callback addresses.") % {"max": MAX_CALLBACKS}})
    for uri in kept:
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", uri) or len(uri) > 500:
            raise ValidationError({"callback_uris": _("'%(uri)s' is not an http(s) address.") % {"uri": uri[:100]}})
    return kept


def _limits(requests_per_minute: int, records_per_day: int) -> None:
    for name, value, top in (("requests_per_minute", requests_per_minute, MAX_REQUESTS_PER_MINUTE),
                             ("records_per_day", records_per_day, MAX_RECORDS_PER_DAY)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise ValidationError({name: _("Give a whole number from 1 to %(max)s.") % {"max": top}})


def _keys(jwks: Any, jwks_uri: str) -> dict[str, Any]:
    try:
        if jwks:
            return keys.checked_jwks(jwks)
        if jwks_uri:
            return keys.fetch_jwks(jwks_uri)
    except keys.KeyError_ as error:
        raise ValidationError({"jwks": str(error)}) from None
    raise ValidationError({"jwks": _("Give the client's public keys: a JWKS address or the JWKS itself.")})


@transaction.atomic
def register_client(actor: User | None, *, client_id: str, name: str, data_sharing: DataSharing,
                    jwks: Any = None, jwks_uri: str = "", callback_uris: Iterable[str] = (),
                    requests_per_minute: int = 600, records_per_day: int = 100_000) -> tuple[Client, str]:
    """A new client and its secret (shown once, never stored)."""
    _check_actor(actor)
    client_id, name = client_id.strip().lower(), name.strip()
    if not CLIENT_ID.match(client_id):
        raise ValidationError({"client_id": _("A client id is 3 to 64 lower-case letters, digits, '.', '_' or '-'.")})
    if Client.objects.filter(client_id=client_id).exists():
        raise ValidationError({"client_id": _("The client id '%(id)s' is taken.") % {"id": client_id}})
    if not name:
        raise ValidationError({"name": _("A client needs a name, e.g. the partner's system.")})
    if data_sharing.revoked_at is not None:
        raise ValidationError({"data_sharing": _("This agreement's data sharing was revoked.")})
    _limits(requests_per_minute, records_per_day)
    found_keys, uris = _keys(jwks, jwks_uri), _callbacks(callback_uris)
    user = accounts.create_user(actor, username=f"dci-{client_id}"[:150], password=None, role=Role.API_CLIENT,
                                agency=None, region_code=data_sharing.region_id, first_name=name[:150])
    secret = secrets.token_urlsafe(32)
    client = Client.objects.create(
        client_id=client_id, name=name, data_sharing=data_sharing, user=user, secret_digest=digest_of(secret),
        secret_prefix=secret[:8], jwks_uri=jwks_uri, jwks=found_keys,
        jwks_fetched_at=timezone.now() if jwks_uri and not jwks else None, callback_uris=uris,
        requests_per_minute=requests_per_minute, records_per_day=records_per_day)
    audit.record_change(actor, audit.Action.SHARING_CLIENT_REGISTERED, client, details={
        "client_id": client_id, "agreement": data_sharing.agreement.number,
        "keys": [k["kid"] for k in found_keys["keys"]], "callback_uris": uris})
    return client, secret


@transaction.atomic
def change_client(actor: User | None, client: Client, *, callback_uris: Iterable[str], requests_per_minute: int,
                  records_per_day: int, active: bool) -> Client:
    _check_actor(actor)
    client = Client.objects.select_for_update().get(pk=client.pk)
    _limits(requests_per_minute, records_per_day)
    before = {"callback_uris": client.callback_uris, "requests_per_minute": client.requests_per_minute,
              "records_per_day": client.records_per_day, "active": client.active}
    client.callback_uris, client.active = _callbacks(callback_uris), active
    client.requests_per_minute, client.records_per_day = requests_per_minute, records_per_day
    client.save()
    after = {k: getattr(client, k) for k in before}
    if not active:
        # A stopped client's tokens stop with it.
        ApiToken.objects.filter(user=client.user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record_change(actor, audit.Action.SHARING_CLIENT_CHANGED, client, details={
        "changed": {k: [v, after[k]] for k, v in before.items() if v != after[k]}})
    return client


@transaction.atomic
def set_keys(actor: User | None, client: Client, *, jwks: Any = None, jwks_uri: str = "") -> Client:
    """Rotate: the new key set replaces the old one from the next request (publish the new key in
    the JWKS beside the old one first, then drop the old one, and no request is refused)."""
    _check_actor(actor)
    client = Client.objects.select_for_update().get(pk=client.pk)
    found = _keys(jwks, jwks_uri)
    before = [k["kid"] for k in client.jwks.get("keys", [])]
    client.jwks, client.jwks_uri = found, jwks_uri
    client.jwks_fetched_at = timezone.now() if jwks_uri and not jwks else None
    client.save(update_fields=["jwks", "jwks_uri", "jwks_fetched_at"])
    audit.record_change(actor, audit.Action.SHARING_CLIENT_KEYS_CHANGED, client, details={
        "before": before, "after": [k["kid"] for k in found["keys"]], "jwks_uri": jwks_uri})
    return client


@transaction.atomic
def new_secret(actor: User | None, client: Client) -> str:
    _check_actor(actor)
    secret = secrets.token_urlsafe(32)
    Client.objects.filter(pk=client.pk).update(secret_digest=digest_of(secret), secret_prefix=secret[:8])
    audit.record_change(actor, audit.Action.SHARING_CLIENT_SECRET_ISSUED, client, details={"prefix": secret[:8]})
    return secret


def authenticated(client_id: str, secret: str) -> Client | None:
    """The active client with this id and secret, else None (the same answer for either mistake)."""
    client = Client.objects.select_related("user").filter(client_id=client_id, active=True).first()
    expected = client.secret_digest if client is not None else "0" * 64
    if not hmac.compare_digest(expected, digest_of(secret)) or client is None or not client.user.is_active:
        return None
    return client


def access_token(client: Client) -> tuple[str, int]:
    """An OAuth2 access token (client credentials grant) and its lifetime in seconds."""
    _, token = issue_access_token(client.user, name="oauth2", lifetime=ACCESS_TOKEN_LIFETIME)
    return token, int(ACCESS_TOKEN_LIFETIME.total_seconds())


