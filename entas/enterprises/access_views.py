"""The page where an administrator or a regional officer chooses which cooperative-manager
accounts act for a cooperative (enterprises.access)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entas.accounts.models import User
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import get_visible_or_404
from entas.enterprises import access
from entas.enterprises.models import Cooperative


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("Cooperative-manager account"))

    def __init__(self, *args: object, accounts: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].queryset = accounts  # type: ignore[attr-defined]


@login_required
def cooperative_access(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cooperative = get_visible_or_404(request.user, Cooperative.objects.select_related("village"), pk=pk)
    if not access.may_grant(request.user, cooperative):
        raise PermissionDenied
    form = GrantForm(request.POST or None, accounts=access.candidates(request.user, cooperative))
    if request.method == "POST" and "revoke" in request.POST:
        found = cooperative.accounts.filter(pk=request.POST["revoke"]).select_related("user").first()
        if found is not None:
            access.revoke_access(request.user, found)
            messages.success(request, _("%(name)s no longer acts for this cooperative.") % {"name": found.user})
        return redirect("enterprises:cooperative_access", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            access.grant_access(request.user, cooperative, form.cleaned_data["user"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            granted = form.cleaned_data["user"]
            messages.success(request, _("%(name)s now acts for this cooperative.") % {"name": granted})
            return redirect("enterprises:cooperative_access", pk=pk)
    holders = cooperative.accounts.select_related("user").order_by("user__username")
    return render(request, "enterprises/cooperative_access.html", {
        "cooperative": cooperative, "form": form, "holders": holders,
    }, status=400 if request.method == "POST" else 200)
