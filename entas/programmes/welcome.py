"""How a facilitator account made by an administrator (one by one or 33,000 from a file) signs in
the first time: it has an unusable password, and the administrator hands on a one-time link on which
the facilitator chooses her own password.

The link is Django's password-reset token (HMAC of the account's id, password hash, last login and
the time) with a salt of its own, so a reset link is not a first sign-in link and the reverse. Nothing
secret is stored: the link stops working once a password is chosen (the hash it signs changes) or
after PASSWORD_RESET_TIMEOUT; the administrator can download fresh links for the accounts that have
not signed in yet. Making a token costs one HMAC, so links for 33,000 accounts take a second,
where hashing 33,000 initial passwords with the password hasher would take hours.
"""

import functools
import io
from collections.abc import Callable

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import sheets
from entas.programmes.models import Facilitator


class FirstSignIn(PasswordResetTokenGenerator):
    key_salt = "entas.programmes.welcome.FirstSignIn"


FIRST_SIGN_IN = FirstSignIn()


def link_path(user: User) -> str:
    """The path of the user's first sign-in page (the caller makes it absolute). The URL is
    reversed once and filled in: reversing it per account was half the time of 33,000 links."""
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), FIRST_SIGN_IN.make_token(user)
    return _pattern().replace("UID", uid, 1).replace("TOKEN", token, 1)


@functools.cache
def _pattern() -> str:
    return reverse("programmes:welcome", kwargs={"uidb64": "UID", "token": "TOKEN"})


def waiting(facilitators: QuerySet[Facilitator]) -> QuerySet[Facilitator]:
    """The facilitators whose account has never signed in and has no password yet."""
    return facilitators.filter(user__last_login__isnull=True, user__password__startswith="!",
                               user__is_active=True)


def links_workbook(facilitators: QuerySet[Facilitator], absolute: Callable[[str], str]) -> bytes:
    """An XLSX with a fresh first sign-in link per facilitator (`absolute` makes a path a URL)."""
    out = io.BytesIO()
    book = sheets.workbook(out, in_memory=True)
    sheet = book.add_worksheet(_("Sign-in links"))
    sheets.write_row(book, sheet, 0, [_("Username"), _("Name"), _("Area"), _("Agency"), _("First sign-in link")])
    for number, f in enumerate(facilitators.select_related("user", "agency").order_by("region_id", "user__username"),
                               start=1):
        sheets.write_row(book, sheet, number, [f.user.username, f.user.get_full_name(), f.region_id, f.agency.code,
                                               absolute(link_path(f.user))])
    book.close()
    return out.getvalue()
