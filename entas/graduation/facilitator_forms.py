"""The forms of the facilitator pages. They only parse input: the rules are in
programmes.services, programmes.facilitator_import and graduation.handover, whose ValidationError
lands on the field it names (core.forms.show_errors)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from entas.accounts.models import Agency
from entas.programmes.models import Facilitator


class FacilitatorForm(forms.Form):
    """Make an existing user a facilitator, or create her account in the same form."""

    existing = forms.CharField(label=_("Existing user (username)"), required=False, max_length=150,
                               help_text=_("Leave empty to create a new account below."))
    username = forms.CharField(label=_("New account: username"), required=False, max_length=150)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.order_by("name"))
    region = forms.CharField(label=_("Area (region code)"), max_length=13,
                             help_text=_("A province, regency, district or village code, e.g. 33.10.01"))
    capacity = forms.IntegerField(label=_("Capacity (families)"), initial=30)
    yearly_target = forms.IntegerField(label=_("Yearly graduation target"), initial=10)

    ALIASES = {"user": "existing"}


class ChangeFacilitatorForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity (families)"))
    yearly_target = forms.IntegerField(label=_("Yearly graduation target"))
    region = forms.CharField(label=_("Area (region code)"), max_length=13)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=150)
    to = forms.ModelChoiceField(label=_("Hand all families to"), required=False, queryset=Facilitator.objects.none(),
                                help_text=_("Empty: to the facilitators around each family's village with room left."))

    def __init__(self, *args: Any, others: QuerySet[Facilitator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = others


class UploadForm(forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file"))
