"""Forms of the pages that change cooperatives, jobs and groups. They check the shape of what was
typed; the rules (a member twice at the same time, leaving before joining, a second Merah Putih
in a village) are the services', whose ValidationError `entas.core.forms.show_errors` puts on the form."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.forms import DATE
from entas.enterprises.kbli import LETTERS
from entas.enterprises.models import CooperativeType, GroupKind

# Roles that record memberships, jobs and groups; analysts and API clients only read.
CHANGES_KUMKM = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER, Role.FACILITATOR, Role.COOPERATIVE_MANAGER}


def may_change(user: User | None) -> bool:
    return user is not None and user.role in CHANGES_KUMKM


def nik_field() -> forms.CharField:
    return forms.CharField(label=_("NIK"), min_length=16, max_length=16,
                           help_text=_("16 digits; the person must be in the registry inside your region."))


class Rupiah(forms.IntegerField):
    def __init__(self, label: Any) -> None:
        super().__init__(label=label, min_value=0, initial=0,
                         help_text=_("Whole rupiah in digits, without 'Rp' or units (e.g. 50000)."))


class JoinForm(forms.Form):
    nik = nik_field()
    joined = forms.DateField(label=_("Date joined"), widget=DATE)
    share_principal = Rupiah(_("Simpanan pokok paid (Rp)"))
    share_mandatory = Rupiah(_("Simpanan wajib paid (Rp)"))
    ALIASES = {"person": "nik"}


class LeaveForm(forms.Form):
    left = forms.DateField(label=_("Date left"), widget=DATE)


class JobForm(forms.Form):
    nik = nik_field()
    start = forms.DateField(label=_("From"), widget=DATE)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    ALIASES = {"person": "nik"}


class EndJobForm(forms.Form):
    end = forms.DateField(label=_("Until"), widget=DATE)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    sector = forms.ChoiceField(label=_("Sector (KBLI section)"), choices=[(x, x) for x in LETTERS])
    region = forms.CharField(label=_("Region code"), max_length=13,
                             help_text=_("The village, district or regency the group works in, e.g. 33.10.01."))
    formed = forms.DateField(label=_("Formed"), widget=DATE)
    cooperative = forms.CharField(label=_("Inside cooperative (registration number)"), max_length=32,
                                  required=False)


class GroupMemberForm(forms.Form):
    nib = forms.CharField(label=_("Enterprise NIB"), max_length=13, required=False)
    nik = forms.CharField(label=_("or person NIK"), max_length=16, required=False)
    joined = forms.DateField(label=_("Date joined"), widget=DATE)
    ALIASES = {"enterprise": "nib", "person": "nik"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("nib")) == bool(data.get("nik")):
            raise ValidationError(_("Give the NIB of an enterprise or the NIK of a person, not both or neither."))
        return data


class CooperativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=CooperativeType.choices)
    village = forms.CharField(label=_("Village code"), max_length=13)
    registration_number = forms.CharField(label=_("Registration number"), max_length=32, required=False)
    legal_entity_number = forms.CharField(label=_("Legal entity number"), max_length=64, required=False)
    founded = forms.DateField(label=_("Founded"), widget=DATE, required=False)
