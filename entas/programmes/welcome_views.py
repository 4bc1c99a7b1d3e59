"""The first sign-in page of a facilitator account made by an administrator (programmes.welcome):
Django's password-reset confirmation with the first sign-in token, so the link checks, the
password rules and the one-time use are Django's."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy

from entas.core import audit
from entas.programmes.welcome import FIRST_SIGN_IN


class Welcome(auth_views.PasswordResetConfirmView):
    token_generator = FIRST_SIGN_IN
    template_name = "programmes/welcome.html"
    success_url = reverse_lazy("login")
    reset_url_token = "set-password"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(form.user, audit.Action.USER_CHANGED, form.user, details={"password": "chosen at first sign-in"})
        return response


welcome = Welcome.as_view()
