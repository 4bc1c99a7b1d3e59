"""Forms of the target pages: they collect the fields; the services decide whether they make a target."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.monitoring.models import Indicator, Period

QUARTERS = [("", _("whole year")), ("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")]


def _years() -> list[tuple[str, str]]:
    years = Period.objects.filter(quarter__isnull=True).order_by("-year").values_list("year", flat=True)
    return [(str(y), str(y)) for y in years]


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name_id}"


class TargetFilterForm(forms.Form):
    indicator = IndicatorChoice(label=_("Indicator"), queryset=Indicator.objects.order_by("code"), required=False,
                                to_field_name="code", empty_label=_("all"))
    period = forms.CharField(label=_("Period"), required=False, max_length=8,
                             widget=forms.TextInput(attrs={"placeholder": "2026 / 2026-Q1"}))
    region = forms.CharField(label=_("Region code"), required=False, max_length=13,
                             help_text=_("The region and the regions inside it."))


class TargetForm(forms.Form):
    indicator = IndicatorChoice(label=_("Indicator"), queryset=Indicator.objects.order_by("code"),
                                to_field_name="code")
    region = forms.CharField(label=_("Region code"), required=False, max_length=13,
                             help_text=_("Empty: the national target (national administrators only)."))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, empty_value=None, choices=QUARTERS,
                                     required=False)
    value = forms.DecimalField(label=_("Target value"), min_value=None, max_digits=20, decimal_places=2,
                               localize=False, widget=forms.NumberInput(attrs={"step": "any"}))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"indicator": data["indicator"], "region_code": (data["region"] or "").strip(), "year": data["year"],
                "quarter": data["quarter"], "value": data["value"]}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Target file (XLSX or CSV)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("'%(name)s' is not an XLSX or CSV file."), params={"name": upload.name})
        if not upload.size:
            raise forms.ValidationError(_("'%(name)s' is empty."), params={"name": upload.name})
        return upload


class AchievementForm(forms.Form):
    achieved = forms.DecimalField(label=_("Achieved"), max_digits=20, decimal_places=2, localize=False,
                                  widget=forms.NumberInput(attrs={"step": "any"}))
    evidence = forms.FileField(label=_("Evidence (PDF or image)"), required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
