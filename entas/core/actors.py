"""Who acts: `accounts.models.User`, or None for the system itself (a command, the demo, a task).

Every service, query helper and the audit and scoping functions take `actor: User | None`. Core
imports no feature app, so it names User for the type checker only (a TYPE_CHECKING import, which
the import-linter contracts leave aside). Views hand the signed-in user on through this module:
`AuthenticatedHttpRequest` is the request of every @login_required view, `acting_user()` the caller
of an API handler, `signed_in()` the user of a request that may have none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

if TYPE_CHECKING:
    from entas.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a @login_required view: someone is signed in (the django-stubs pattern).
    An annotation only: Django hands the view a plain HttpRequest."""

    user: User


def acting_user(request: Request) -> User:
    """The caller of an API handler behind IsAuthenticated (the API's default permission)."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated
    return user


def signed_in(request: HttpRequest | Request) -> User | None:
    """The signed-in user, or None when nobody is: where a request may come without one (the admin,
    a viewset's queryset, which the schema generator builds anonymously). Scoping shows None
    nothing and the audit log records it without an actor, as it did an anonymous user."""
    user = request.user
    return user if user.is_authenticated else None
