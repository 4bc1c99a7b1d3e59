from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.regions.codes import CODE_PATTERN
from entas.regions.models import Region
from entas.registry.models import Programme
from entas.registry.queries import HouseholdFilter

DECILES = [(str(d), str(d)) for d in range(1, 11)]


class HouseholdFilterForm(forms.Form):
    """The list filters; the same form validates the query string of the exports."""

    region = forms.CharField(label=_("Region code"), required=False, max_length=13)
    decile_min = forms.TypedChoiceField(label=_("Decile from"), choices=[("", "—"), *DECILES], coerce=int,
                                        empty_value=None, required=False)
    decile_max = forms.TypedChoiceField(label=_("Decile to"), choices=[("", "—"), *DECILES], coerce=int,
                                        empty_value=None, required=False)
    programme = forms.ChoiceField(label=_("Receives"), choices=[("", _("any assistance")), *Programme.choices],
                                  required=False)
    extreme_poor = forms.TypedChoiceField(
        label=_("Extreme poor"), choices=[("", _("all")), ("1", _("yes")), ("0", _("no"))],
        coerce=lambda v: v == "1", empty_value=None, required=False,
    )
    q = forms.CharField(label=_("NIK, No. KK or name"), required=False, max_length=100)

    def clean_region(self) -> str:
        code = str(self.cleaned_data["region"]).strip()
        if code and (not CODE_PATTERN.match(code) or not Region.objects.filter(code=code).exists()):
            raise forms.ValidationError(_("'%(code)s' is not a known region code."), params={"code": code})
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("decile_min"), data.get("decile_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("'Decile from' must not be above 'Decile to'."))
        return data

    def to_filter(self) -> HouseholdFilter:
        data = self.cleaned_data
        return HouseholdFilter(
            region=data.get("region") or "", decile_min=data.get("decile_min"), decile_max=data.get("decile_max"),
            programme=data.get("programme") or "", extreme_poor=data.get("extreme_poor"), q=data.get("q") or "",
        )
