"""The form on which a family's facilitator (or an officer of its region) records whether the family
agrees to be contacted by a cooperative of its village (graduation.consent); linked from the
family's page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import DATE, show_errors
from entas.graduation.consent import record_contact_consent
from entas.graduation.models import Enrolment
from entas.graduation.queries import get_enrolment_or_404, may_change


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=gettext_lazy("The family agrees to be contacted by a cooperative of its village"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False,
                            help_text=gettext_lazy("08… or +62…; leave empty if the family has no phone."))
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE, required=False,
                         help_text=gettext_lazy("When the family said so; empty: today."))


@login_required
def consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not may_change(request.user):
        raise PermissionDenied
    enrolment = get_enrolment_or_404(request.user, pk, Enrolment.objects.select_related(
        "programme", "household", "village"))
    initial = {"consent": enrolment.contact_consent, "phone": enrolment.contact_phone}
    form = ConsentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_contact_consent(request.user, enrolment, consent=data["consent"], phone=data["phone"],
                                   on=data["on"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The family's consent is recorded.") if data["consent"]
                             else _("The family is no longer shown to cooperatives."))
            return redirect("graduation:enrolment", enrolment.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "graduation/consent_form.html", {"e": enrolment, "form": form}, status=status)
