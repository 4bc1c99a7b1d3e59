"""Forms for the enrolment pages. They only parse input: the rules live in the services, whose
ValidationError is put back on the form by `entas.core.forms.show_errors()`."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from entas.core.forms import DATE
from entas.programmes import priority
from entas.programmes.models import Channel, Enrolment, Facilitator, LoanStatus, Programme, Scheme, SessionKind


class EnrolOneForm(forms.Form):
    kk_number = forms.CharField(label=_("No. KK"), max_length=16, min_length=16)
    facilitator = forms.ModelChoiceField(label=_("Facilitator"), queryset=Facilitator.objects.none(), required=False)

    def __init__(self, *args: Any, facilitators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if facilitators is not None:
            self.fields["facilitator"].queryset = facilitators  # type: ignore[attr-defined]


class BulkEnrolForm(forms.Form):
    regions = forms.CharField(label=_("Region codes"), max_length=2000,
                              help_text=_("One or more codes separated by spaces or commas, e.g. 33.10 33.11"))

    def clean_regions(self) -> list[str]:
        codes = [c for c in str(self.cleaned_data["regions"]).replace(",", " ").split() if c]
        if not codes:
            raise forms.ValidationError(_("Give at least one region code."))
        return codes


class ReassignForm(forms.Form):
    facilitator = forms.ModelChoiceField(label=_("New facilitator"), queryset=Facilitator.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, facilitators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if facilitators is not None:
            self.fields["facilitator"].queryset = facilitators  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    per_capita_income = forms.IntegerField(label=_("Income per person per month (Rp)"), required=False, min_value=0)
    income_sources = forms.IntegerField(label=_("Income sources"), required=False, min_value=0)
    business_months = forms.IntegerField(label=_("Months the business has run"), required=False, min_value=0)
    savings = forms.IntegerField(label=_("Savings (Rp)"), required=False, min_value=0)
    cooperative_member = forms.NullBooleanField(label=_("Cooperative member"), required=False)
    school_age_children = forms.IntegerField(label=_("School-age children"), required=False, min_value=0)
    children_in_school = forms.IntegerField(label=_("School-age children in school"), required=False, min_value=0)
    food_shortage = forms.NullBooleanField(label=_("Food shortage in the past year"), required=False)

    ASSESSMENT = ("per_capita_income", "income_sources", "business_months", "savings", "cooperative_member",
                  "school_age_children", "children_in_school", "food_shortage")

    def assessment(self) -> dict[str, Any] | None:
        """The items answered; None when the visit had no assessment at all."""
        answered = {k: self.cleaned_data[k] for k in self.ASSESSMENT if self.cleaned_data.get(k) is not None}
        return answered or None


class LoanForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices)
    lender = forms.CharField(label=_("Lender"), max_length=200)
    amount = forms.IntegerField(label=_("Amount (Rp)"))
    on = forms.DateField(label=_("Applied on"), widget=DATE)


class LoanStatusForm(forms.Form):
    loan = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"), choices=LoanStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)


class MarketAccessForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    sales_value = forms.IntegerField(label=_("Sales value (Rp)"))
    on = forms.DateField(label=_("Date"), widget=DATE)


class PriorityListForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.order_by("name"))
    name = forms.CharField(label=_("Name of the list"), max_length=200)
    quotas = forms.CharField(label=_("Quotas per province"), required=False, max_length=2000,
                             help_text=_("e.g. 53=3 33=2; leave empty to take the best N overall"))
    limit = forms.IntegerField(label=_("Best N overall"), required=False, min_value=1)

    def clean_quotas(self) -> dict[str, int]:
        try:
            return priority.quotas_from(self.cleaned_data.get("quotas") or "")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class TrainingSessionForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.order_by("name"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    on = forms.DateField(label=_("Date"), widget=DATE)
    region = forms.CharField(label=_("Held in (region code)"), max_length=13,
                             help_text=_("The village, district or regency where the session took place"))


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(label=_("Families who attended"), queryset=Enrolment.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            field = self.fields["attendees"]
            field.queryset = candidates  # type: ignore[attr-defined]
            field.label_from_instance = lambda e: f"{e.household.kk_number} · {e.village.name}"  # type: ignore[attr-defined]
