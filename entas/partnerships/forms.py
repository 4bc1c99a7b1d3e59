from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.partnerships.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    DataSharing,
    Partner,
    PartnerKind,
    Purpose,
    SharedField,
)
from entas.programmes.models import Programme
from entas.regions.codes import CODE_PATTERN
from entas.regions.models import Region

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


class DataSharingForm(forms.Form):
    """The data-sharing terms of a PKS; `sharing_terms.set_data_sharing` decides whether they hold."""

    purposes = forms.MultipleChoiceField(label=_("Purposes allowed"), choices=Purpose.choices,
                                         widget=forms.CheckboxSelectMultiple)
    field_groups = forms.MultipleChoiceField(label=_("Fields allowed"), choices=SharedField.choices,
                                             widget=forms.CheckboxSelectMultiple)
    region = forms.CharField(label=_("Region code"), required=False, max_length=13,
                             help_text=_("Empty: the whole country."))
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format=ISO))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format=ISO))
    daily_records = forms.IntegerField(label=_("Records per day"), min_value=1,
                                       help_text=_("All the agreement's clients together."))

    # The service names its fields as the model does.
    SERVICE_NAMES = {"fields": "field_groups"}

    def clean_region(self) -> Region | None:
        code = str(self.cleaned_data["region"] or "").strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first() if CODE_PATTERN.match(code) else None
        if region is None:
            raise forms.ValidationError(_("'%(code)s' is not a known region code."), params={"code": code})
        return region

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["fields"] = data.pop("field_groups")
        return data

    @classmethod
    def of(cls, agreement: Agreement, terms: DataSharing | None, data: Any = None) -> "DataSharingForm":
        """The form filled with the current terms, or with the PKS's own period when there are none."""
        if terms is None:
            initial: dict[str, Any] = {"valid_from": agreement.signed, "valid_until": agreement.valid_until}
        else:
            initial = {"purposes": terms.purposes, "field_groups": terms.fields, "region": terms.region_id or "",
                       "valid_from": terms.valid_from, "valid_until": terms.valid_until,
                       "daily_records": terms.daily_records}
        return cls(data, initial=initial)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))
