"""List filters; the same forms validate the query strings of the pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.enterprises.kbli import LETTERS
from entas.enterprises.models import CooperativeType, EnterpriseStatus, GroupKind
from entas.enterprises.queries import CooperativeFilter, EnterpriseFilter
from entas.enterprises.scale import Scale
from entas.regions.codes import CODE_PATTERN
from entas.regions.models import Region

ANY = ("", "—")
SECTION_CHOICES = [ANY, *[(letter, letter) for letter in LETTERS]]


class RegionField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Region code"), required=False, max_length=13, **kwargs)

    def clean(self, value: Any) -> str:
        code = str(super().clean(value) or "").strip()
        if code and (not CODE_PATTERN.match(code) or not Region.objects.filter(code=code).exists()):
            raise forms.ValidationError(_("'%(code)s' is not a known region code."), params={"code": code})
        return code


class EnterpriseFilterForm(forms.Form):
    region = RegionField()
    section = forms.ChoiceField(label=_("KBLI section"), choices=SECTION_CHOICES, required=False)
    scale = forms.ChoiceField(label=_("Scale"), choices=[ANY, *Scale.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[ANY, *EnterpriseStatus.choices], required=False)
    formal = forms.TypedChoiceField(
        label=_("Has NIB"), choices=[("", _("all")), ("1", _("yes")), ("0", _("no"))],
        coerce=lambda v: v == "1", empty_value=None, required=False,
    )
    q = forms.CharField(label=_("NIB, owner NIK or name"), required=False, max_length=100)

    def to_filter(self) -> EnterpriseFilter:
        data = self.cleaned_data
        return EnterpriseFilter(region=data.get("region") or "", section=data.get("section") or "",
                                scale=data.get("scale") or "", status=data.get("status") or "",
                                formal=data.get("formal"), q=data.get("q") or "")


class CooperativeFilterForm(forms.Form):
    region = RegionField()
    type = forms.ChoiceField(label=_("Type"), choices=[ANY, *CooperativeType.choices], required=False)
    q = forms.CharField(label=_("Registration number or name"), required=False, max_length=100)

    def to_filter(self) -> CooperativeFilter:
        data = self.cleaned_data
        return CooperativeFilter(region=data.get("region") or "", type=data.get("type") or "", q=data.get("q") or "")


class GroupFilterForm(forms.Form):
    region = RegionField()
    kind = forms.ChoiceField(label=_("Kind"), choices=[ANY, *GroupKind.choices], required=False)
    sector = forms.ChoiceField(label=_("Sector (KBLI section)"), choices=SECTION_CHOICES, required=False)
