"""The authentication backend: Django's own, refusing locked accounts before checking the password.

Every way in calls django.contrib.auth.authenticate (the login page, the admin's login, DRF's
session login), so the lock holds on all of them. Raising PermissionDenied stops authenticate at
once and sends `user_login_failed`, which `signals.on_login_failed` sees as a refused try."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from entas.accounts import lockout
from entas.core.middleware import client_address


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        address = client_address(request) if request is not None else ""
        if username is not None and lockout.current_lock(str(username), address) is not None:
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
