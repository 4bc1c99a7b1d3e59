"""Forms of the rule-set and poverty-line pages. A criterion row is checked by the same
`criteria.check` the service uses, so a wrong threshold is shown on its own cell."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from entas.core.forms import DATE
from entas.graduation import criteria
from entas.graduation.models import Area
from entas.regions.codes import Level
from entas.regions.models import Region

# criteria.check's names of a criterion's parts -> this form's fields
PARTS = {"field": "field", "operator": "operator", "threshold": "threshold", "unit": "unit",
         "condition.field": "condition_field", "condition.operator": "condition_operator",
         "condition.value": "condition_value"}


def _measures(blank: str) -> list[tuple[str, Any]]:
    return [("", blank), *((m.code, m.label) for m in criteria.MEASURES.values())]


class CriterionForm(forms.Form):
    field = forms.ChoiceField(label=_("Measure"), required=False, choices=())
    # Not required: an empty row (no measure) is dropped whatever its comparison says.
    operator = forms.ChoiceField(label=_("Comparison"), required=False, choices=list(criteria.OPERATORS.items()),
                                 initial=">=")
    threshold = forms.CharField(label=_("Threshold"), required=False, max_length=20,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}))
    unit = forms.ChoiceField(label=_("Unit"), required=False,
                             choices=[("", _("the measure's own"))] + [(u.code, u.label)
                                                                      for u in criteria.UNITS.values()])
    essential = forms.BooleanField(label=_("Essential (must be met)"), required=False, initial=True)
    condition_field = forms.ChoiceField(label=_("Applies only when"), required=False, choices=())
    condition_operator = forms.ChoiceField(label=_("Condition comparison"), required=False,
                                           choices=list(criteria.OPERATORS.items()), initial=">")
    condition_value = forms.CharField(label=_("Condition value"), required=False, max_length=20,
                                      widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))
    label = forms.CharField(label=_("Label (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _measures("—")  # type: ignore[attr-defined]
        self.fields["condition_field"].choices = _measures(str(_("always")))  # type: ignore[attr-defined]

    def item(self) -> dict[str, Any] | None:
        """The criterion as the service takes it; None for an empty row."""
        data = self.cleaned_data
        if not data.get("field"):
            return None
        condition = ({"field": data["condition_field"], "operator": data["condition_operator"] or ">",
                      "value": data["condition_value"]} if data.get("condition_field") else None)
        return {"field": data["field"], "operator": data["operator"] or ">=", "threshold": data["threshold"],
                "unit": data["unit"] or None, "essential": data["essential"], "condition": condition,
                "label": data["label"]}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (item := self.item()) is not None:
            try:
                criteria.check(item, "row")
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    self.add_error(PARTS.get(key.removeprefix("row.")), messages)
        return data


CriterionFormSet = formset_factory(CriterionForm, extra=3, max_num=20, absolute_max=20)


def initial_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A definition's criteria as the formset's initial rows."""
    rows = []
    for item in items:
        condition = item.get("condition") or {}
        rows.append({"field": item["field"], "operator": item["operator"],
                     "threshold": _text(item["threshold"], item["field"]),
                     "unit": item["unit"], "essential": item["essential"], "label": item.get("label", ""),
                     "condition_field": condition.get("field", ""),
                     "condition_operator": condition.get("operator", ">"),
                     "condition_value": _text(condition["value"], condition["field"]) if condition else ""})
    return rows


def _text(value: Any, field: str) -> str:
    if criteria.MEASURES[field].type == criteria.YES_NO:
        return "yes" if value else "no"
    return str(value)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What changes, and why"), required=False, max_length=300)


def _provinces() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in
            Region.objects.filter(level=Level.PROVINCE).order_by("code").values_list("code", "name")]


class PovertyLineForm(forms.Form):
    ALIASES = {"province": "province_code"}

    province_code = forms.ChoiceField(label=_("Province"), choices=())
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE,
                                 help_text=_("BPS publishes the lines of March and September: give the first day."))
    amount = forms.IntegerField(label=_("Rp per person per month"), min_value=1, max_value=100_000_000)
    source = forms.CharField(label=_("Source"), required=False, max_length=200, initial="BPS")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province_code"].choices = _provinces()  # type: ignore[attr-defined]


class ProvinceFilter(forms.Form):
    province = forms.ChoiceField(label=_("Province"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All provinces")), *_provinces()]  # type: ignore[attr-defined]


class PovertyUploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("'%(name)s' is not a CSV or XLSX file."), params={"name": upload.name})
        if upload.size == 0:
            raise forms.ValidationError(_("'%(name)s' is empty."), params={"name": upload.name})
        return upload
