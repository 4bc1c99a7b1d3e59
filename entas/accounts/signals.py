from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from entas.accounts import lockout
from entas.accounts.models import User
from entas.core import audit
from entas.core.middleware import client_address


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.record(user, audit.Action.AUTH_LOGIN)
    lockout.succeeded(user.get_username())


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:  # Django sends None when nobody was signed in
        audit.record(user, audit.Action.AUTH_LOGOUT)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    # The password is never written; the username tried is, to spot guessing.
    username = str(credentials.get("username", ""))[:150]
    address = client_address(request) if request is not None else ""
    refused = lockout.current_lock(username, address) is not None
    audit.record(None, audit.Action.AUTH_FAILED,
                 details={"username": username, **({"refused": "locked"} if refused else {})})
    if not refused:
        lockout.failed(username, address)
