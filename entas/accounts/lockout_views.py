"""The locked-accounts page: national administrators (every account) and regional officers (the
accounts inside their region) see who is locked out and can unlock them at once."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.accounts import lockout
from entas.accounts.models import User
from entas.accounts.roles import MANAGES_USERS
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404


def _may_unlock(request: AuthenticatedHttpRequest) -> None:
    if request.user.role not in MANAGES_USERS:
        raise PermissionDenied


@login_required
def locked_accounts(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_unlock(request)
    return render(request, "accounts/locked_accounts.html", {
        "locked": lockout.locked_accounts(request.user), "limit": settings.LOGIN_FAILURES_PER_ACCOUNT,
        "window": settings.LOGIN_FAILURE_WINDOW_MINUTES, "lockout": settings.LOGIN_LOCKOUT_MINUTES})


@login_required
@require_POST
def unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _may_unlock(request)
    # An account outside the officer's region answers 404 and is logged, like every other route.
    account = get_visible_or_404(request.user, User.objects.all(), pk=pk)
    lockout.unlock(request.user, account)
    messages.success(request, _("%(username)s can log in again.") % {"username": account.get_username()})
    return redirect("accounts:locked")
