"""The linkage page's forms: start a job, upload an agency file, say which column is which."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from entas.linkage.model import Thresholds
from entas.linkage.models import AgencyUpload, Source
from entas.linkage.uploads import KEYS

ALLOWED_SUFFIXES = (".csv", ".xlsx")
DEFAULT = Thresholds()
KEY_LABELS = {
    "record_id": _("Record id"),
    "name": _("Name"),
    "nik": _("NIK"),
    "kk_number": _("No. KK"),
    "birth_date": _("Birth date"),
    "sex": _("Sex"),
    "address": _("Address"),
    "village_code": _("Village code"),
}


class StartJobForm(forms.Form):
    source = forms.ChoiceField(label=_("Link the registry with"), choices=Source.choices)
    upload = forms.ModelChoiceField(label=_("Agency file"), queryset=AgencyUpload.objects.none(), required=False,
                                    help_text=_("Only for the source \"Agency file\"."))
    upper = forms.FloatField(label=_("Accept at or above"), min_value=0, max_value=1, initial=DEFAULT.upper,
                             help_text=_("Match probability from which a pair is linked without asking."))
    lower = forms.FloatField(label=_("Reject below"), min_value=0, max_value=1, initial=DEFAULT.lower,
                             help_text=_("Pairs between the two thresholds go to the review queue."))

    def __init__(self, uploads: QuerySet[AgencyUpload], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].queryset = uploads  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == Source.AGENCY_FILE and not data.get("upload"):
            self.add_error("upload", _("Choose the agency file to link."))
        if data.get("source") != Source.AGENCY_FILE:
            data["upload"] = None
        upper, lower = data.get("upper"), data.get("lower")
        if upper is not None and lower is not None and lower > upper:
            self.add_error("lower", _("The lower threshold must not be above the upper one."))
        return data

    def thresholds(self) -> Thresholds:
        return Thresholds(upper=self.cleaned_data["upper"], lower=self.cleaned_data["lower"])


class AgencyFileForm(forms.Form):
    title = forms.CharField(label=_("What the file is"), max_length=200,
                           help_text=_("E.g. the agency and the programme: \"Dinas Sosial, penerima BLT 2025\"."))
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("'%(name)s' is not a CSV or XLSX file."), params={"name": upload.name})
        if upload.size == 0:
            raise forms.ValidationError(_("'%(name)s' is empty."), params={"name": upload.name})
        return upload


class MappingForm(forms.Form):
    """One choice per link key among the file's columns, prefilled from the headers."""

    title = forms.CharField(label=_("What the file is"), max_length=200)

    def __init__(self, columns: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)")), *((c, c) for c in columns)]
        for key in KEYS:
            self.fields[key] = forms.ChoiceField(label=KEY_LABELS[key], choices=choices, required=False)
        self.fields["record_id"].help_text = _("Empty: the row number is the record's id.")
        self.fields["name"].help_text = _("Required: the model cannot link without names.")

    def mapping(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in KEYS if self.cleaned_data.get(key)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data[key] for key in KEYS if data.get(key)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("A column can be used for one field only."))
        return data
