"""The API tokens page (/account/tokens/): an API client creates and revokes its own tokens, a
national administrator those of any user. A new token is shown once, in the answer to the form
that created it, and never again (only its digest is stored)."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from entas.accounts import tokens
from entas.accounts.models import ApiToken, User
from entas.accounts.roles import Role
from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404, visible

MANAGES_TOKENS = {Role.API_CLIENT, Role.NATIONAL_ADMIN}


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100,
                           help_text=gettext_lazy("What will use it, e.g. the dashboard of BPS Jawa Tengah."))
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=tokens.MAX_LIFETIME_DAYS,
                              required=False)
    username = forms.CharField(label=gettext_lazy("For user"), max_length=150, required=False,
                               help_text=gettext_lazy("Empty: for yourself."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["days"].widget.attrs["placeholder"] = str(settings.API_TOKEN_LIFETIME_DAYS)
        if user.role != Role.NATIONAL_ADMIN:
            del self.fields["username"]

    def clean_username(self) -> User:
        username = self.cleaned_data.get("username", "").strip()
        if not username:
            return self.user
        found = User.objects.filter(username=username).first()
        if found is None:
            raise ValidationError(_("There is no user %(username)s.") % {"username": username})
        return found


def _may_manage(request: AuthenticatedHttpRequest) -> User:
    if request.user.role not in MANAGES_TOKENS:
        raise PermissionDenied
    return request.user


def _listed(user: User) -> list[ApiToken]:
    every = ApiToken.objects.select_related("user")
    found = list((visible(user, every) if user.role == Role.NATIONAL_ADMIN else every.filter(user=user))[:500])
    now = timezone.now()
    for token in found:
        token.expired = token.expires_at <= now  # type: ignore[attr-defined]
    return found


@never_cache
@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = _may_manage(request)
    form = TokenForm(request.POST or None, user=user)
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            created = tokens.issue_token(user, form.cleaned_data.get("username") or user,
                                         name=form.cleaned_data["name"], lifetime_days=form.cleaned_data["days"])
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm(user=user)
    return render(request, "accounts/tokens.html", {
        "form": form, "created": created, "tokens": _listed(user),
        "is_admin": user.role == Role.NATIONAL_ADMIN})


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = _may_manage(request)
    # Another client's token answers 404 and is logged, like an object outside the scope.
    found = get_visible_or_404(user, ApiToken.objects.select_related("user"), pk=pk)
    if user.role != Role.NATIONAL_ADMIN and found.user_id != user.pk:
        audit.record(user, audit.Action.SCOPE_DENIED, details={"model": "accounts.apitoken", "lookup": {"pk": str(pk)}})
        raise Http404
    tokens.revoke_token(user, found)
    messages.success(request, _("The token %(prefix)s… no longer works.") % {"prefix": found.prefix})
    return redirect("accounts:tokens")
