from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.partnerships.models import Agreement, AgreementKind, AgreementStatus, Partner, PartnerKind
from entas.programmes.models import Programme

ISO = "%Y-%m-%d"


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *AgreementStatus.choices], required=False)


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("all")), *PartnerKind.choices], required=False)


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=PartnerKind.choices)


class AgreementForm(forms.Form):
    """Collects the fields; the service decides whether they make an agreement."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    number = forms.CharField(label=_("Number"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=300)
    parties = forms.ModelMultipleChoiceField(label=_("Parties"), queryset=Partner.objects.order_by("name"))
    # ISO whatever the language: a date input takes no other spelling.
    signed = forms.DateField(label=_("Signed"), widget=forms.DateInput(attrs={"type": "date"}, format=ISO))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format=ISO))
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    programmes = forms.ModelMultipleChoiceField(label=_("Programmes"), queryset=Programme.objects.order_by("name"),
                                                required=False)
    document = forms.FileField(label=_("Document (PDF)"), required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def of(cls, agreement: Agreement, data: Any = None, files: Any = None) -> "AgreementForm":
        """The form filled with an agreement's fields, to change it."""
        initial = {"kind": agreement.kind, "number": agreement.number, "title": agreement.title,
                   "parties": list(agreement.parties.all()), "signed": agreement.signed,
                   "valid_until": agreement.valid_until, "scope": agreement.scope,
                   "programmes": list(agreement.programmes.all()), "document": agreement.document}
        return cls(data, files, initial=initial)
