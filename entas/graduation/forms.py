"""Forms for the pathway buttons and the enterprise links on the enrolment page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.core.forms import DATE
from entas.enterprises.models import Cooperative, Enterprise
from entas.programmes.models import ExitReason
from entas.registry.models import Person

# The buttons a person presses; "sustain" is not one: only the 24-month follow-up sets it.
ACTIONS = [("activate", _("Activate")), ("mark_ready", _("Mark ready")), ("graduate", _("Graduate")),
           ("follow_up", _("Record follow-up")), ("relapse", _("Relapse")), ("exit", _("Exit"))]
FOLLOW_UP_MONTHS = [("", "—"), ("6", "6"), ("12", "12"), ("24", "24")]


class TransitionForm(forms.Form):
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
    on = forms.DateField(label=_("Joined"), widget=DATE)
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
