"""API tokens: issued, revoked and checked here, nowhere else.

A token is 32 random bytes (`secrets.token_urlsafe`), shown once to whoever creates it. Only its
SHA-256 digest is stored, with its first 8 characters so that its owner can tell tokens apart: a
stolen database holds no usable token, and checking one costs a hash and an indexed lookup (never
the password hasher, which is slow on purpose: bench/README.md). A token expires (by default after
`settings.API_TOKEN_LIFETIME_DAYS`, 90 days) and can be revoked; either way it is refused with a
message that says so.

Clients send `Authorization: Bearer <token>` (or `Token <token>`, as DRF's old tokens did).
`BearerTokenAuthentication` is the API's first authentication class, so that a call without any
credentials answers 401 with `WWW-Authenticate: Bearer`.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from entas.accounts.models import ApiToken, User
from entas.accounts.roles import Role
from entas.core import audit, numbers

PREFIX_LENGTH = 8
MAX_LIFETIME_DAYS = 3650
# A token's last use is written at most this often (a busy client would otherwise write on every call).
LAST_USED_EVERY = timedelta(minutes=1)
KEYWORDS = ("bearer", "token")


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage_tokens(actor: User, user: User) -> bool:
    """An API client manages its own tokens, a national administrator those of any user."""
    if actor.role == Role.NATIONAL_ADMIN:
        return True
    return actor.role == Role.API_CLIENT and actor.pk == user.pk


def _check_actor(actor: User | None, user: User) -> None:
    # actor None: the system itself (the `entas create-token` command of an operator).
    if actor is not None and not may_manage_tokens(actor, user):
        raise PermissionDenied(_("Only an API client (its own) or a national administrator manages API tokens."))


@transaction.atomic
def issue_token(actor: User | None, user: User, *, name: str, lifetime_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the stored record and the token itself, which is never
    stored and so cannot be shown again."""
    _check_actor(actor, user)
    days = settings.API_TOKEN_LIFETIME_DAYS if lifetime_days is None else lifetime_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_LIFETIME_DAYS:
        raise ValidationError({"days": _("%(days)s is not a lifetime: give a whole number of days from 1 to "
                                         "%(max)s.") % {"days": days, "max": MAX_LIFETIME_DAYS}})
    name = name.strip()
    max_name = ApiToken._meta.get_field("name").max_length or 100
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that will use it.")})
    if len(name) > max_name:
        raise ValidationError({"name": _("The name is %(length)d characters long: at most %(max)d.")
                               % {"length": len(name), "max": max_name}})
    if not user.is_active:
        raise ValidationError({"user": _("%(username)s is disabled: an API token would not work.")
                               % {"username": user.get_username()}})
    token = secrets.token_urlsafe(32)
    issued = ApiToken.objects.create(user=user, name=name, digest=digest_of(token), prefix=token[:PREFIX_LENGTH],
                                     expires_at=timezone.now() + timedelta(days=days))
    audit.record(actor, audit.Action.API_TOKEN_ISSUED, issued, details={
        "user": user.get_username(), "name": name, "prefix": issued.prefix,
        "expires_at": issued.expires_at.isoformat()})
    return issued, token


@transaction.atomic
def issue_access_token(user: User, *, name: str, lifetime: timedelta) -> tuple[ApiToken, str]:
    """A short-lived token for a client that proved who it is (OAuth2 client credentials, entas/sharing).
    The client itself is the actor: the grant is audited, not each renewal's reason."""
    token = secrets.token_urlsafe(32)
    issued = ApiToken.objects.create(user=user, name=name, digest=digest_of(token), prefix=token[:PREFIX_LENGTH],
                                     expires_at=timezone.now() + lifetime)
    audit.record(user, audit.Action.API_TOKEN_ISSUED, issued, details={
        "user": user.get_username(), "name": name, "prefix": issued.prefix,
        "expires_at": issued.expires_at.isoformat()})
    return issued, token


@transaction.atomic
def revoke_token(actor: User | None, token: ApiToken) -> ApiToken:
    """Refuse `token` from now on. Revoking a revoked token changes nothing (and writes nothing)."""
    _check_actor(actor, token.user)
    now = timezone.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        token.revoked_at = now
        audit.record(actor, audit.Action.API_TOKEN_REVOKED, token, details={
            "user": token.user.get_username(), "name": token.name, "prefix": token.prefix})
    else:
        token.refresh_from_db(fields=["revoked_at"])
    return token


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`), checked against the stored digests."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() not in KEYWORDS:
            return None  # another scheme, or none: the next authentication class decides
        if len(parts) != 2:
            raise AuthenticationFailed(_("Give the token after the word Bearer, separated by one space."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("This is not an Entas API token.")) from None
        found = ApiToken.objects.select_related("user").filter(digest=digest_of(token)).first()
        if found is None:
            raise AuthenticationFailed(_("This is not an Entas API token."))
        now = timezone.now()
        if found.revoked_at is not None:
            raise AuthenticationFailed(_("This API token was revoked on %(when)s: create a new one.")
                                       % {"when": numbers.moment(found.revoked_at)})
        if found.expires_at <= now:
            raise AuthenticationFailed(_("This API token expired on %(when)s: create a new one.")
                                       % {"when": numbers.moment(found.expires_at)})
        if not found.user.is_active:
            raise AuthenticationFailed(_("The account of this API token is disabled."))
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        return found.user, found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI document (drf-spectacular)."""

    target_class = "entas.accounts.tokens.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer",
                "description": "An Entas API token (page /account/tokens/ or `entas create-token`); "
                               "`Token <token>` is accepted too."}
