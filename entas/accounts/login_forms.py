"""The login forms (site and admin): a locked account or address gets a message saying so, in the
user's language, instead of "wrong password"."""

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from entas.accounts import lockout
from entas.core.middleware import client_address


def _message(found: lockout.Lock) -> str:
    minutes = found.minutes_left()
    if found.kind == lockout.ACCOUNT:
        return _("Too many failed login attempts for this account. Try again in %(minutes)s minutes or ask an "
                 "administrator to unlock it.") % {"minutes": minutes}
    return _("Too many failed login attempts from your network. Try again in %(minutes)s minutes.") % {
        "minutes": minutes}


class LockoutMixin:
    """Checks the lock before the password (which a locked account never gets checked) and after a
    failure (the one that reached the limit), and says so."""

    request: Any
    cleaned_data: dict[str, Any]
    locked: lockout.Lock | None = None

    def _refuse_if_locked(self) -> None:
        username = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request) if self.request is not None else ""
        found = lockout.current_lock(username, address)
        if found is not None:
            self.locked = found
            raise ValidationError(_message(found), code="locked")

    def clean(self) -> dict[str, Any]:
        self._refuse_if_locked()
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            self._refuse_if_locked()
            raise


class LoginForm(LockoutMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    pass
