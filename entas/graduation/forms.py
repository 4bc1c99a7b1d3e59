"""Forms for the enrolment pages: enrolling (one family or whole regions), the enrolment page's
actions (visit with assessment, pathway step, reassignment, loan and its status, market access,
cooperative membership, job placement) and training sessions with attendance. They only parse
input: the rules live in the services, whose ValidationError is put back on the form by
`entas.core.forms.show_errors()`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.core.forms import DATE
from entas.enterprises.models import Cooperative, Enterprise
from entas.graduation.models import Channel, Enrolment, ExitReason, LoanStatus, Scheme, SessionKind
from entas.programmes.models import Facilitator, Programme
from entas.registry.models import Person

# The buttons a person presses; "sustain" is not one: only the 24-month follow-up sets it.
ACTIONS = [("activate", _("Activate")), ("mark_ready", _("Mark ready")), ("graduate", _("Graduate")),
           ("follow_up", _("Record follow-up")), ("relapse", _("Relapse")), ("exit", _("Exit"))]
FOLLOW_UP_MONTHS = [("", "—"), ("6", "6"), ("12", "12"), ("24", "24")]


class TransitionForm(forms.Form):
    # The pathway refuses a step by naming the family's status: the step chosen is what was wrong.
    ALIASES = {"status": "action", "rule_set": "action"}
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    reason = forms.ChoiceField(label=_("Exit reason"), choices=[("", "—"), *ExitReason.choices], required=False)
    month = forms.TypedChoiceField(label=_("Follow-up month"), choices=FOLLOW_UP_MONTHS, coerce=int,
                                   empty_value=None, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "exit" and not data.get("reason"):
            self.add_error("reason", _("Say why the family leaves the programme."))
        if data.get("action") == "follow_up" and not data.get("month"):
            self.add_error("month", _("Choose the follow-up month."))
        return data


class _PersonForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Household member"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people  # type: ignore[attr-defined]


class CooperativeMembershipForm(_PersonForm):
    cooperative = forms.ModelChoiceField(label=_("Cooperative"), queryset=Cooperative.objects.none())
    on = forms.DateField(label=_("Date joined"), widget=DATE)
    share_principal = forms.IntegerField(label=_("Simpanan pokok paid (Rp)"), min_value=0, initial=0)

    def __init__(self, *args: Any, cooperatives: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if cooperatives is not None:
            self.fields["cooperative"].queryset = cooperatives  # type: ignore[attr-defined]


class JobPlacementForm(_PersonForm):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    on = forms.DateField(label=_("Start"), widget=DATE)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)

    def __init__(self, *args: Any, enterprises: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]


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



class OverrideForm(forms.Form):
    reason = forms.CharField(label=_("Why the family should be marked ready"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The essential criteria are not met: a regional officer or a national "
                                         "administrator decides."))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve: mark ready")),
                                                               ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Needed to reject: the facilitator reads it."))



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
