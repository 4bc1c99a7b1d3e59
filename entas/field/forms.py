"""The forms of the field app's pages: revoking a device, filtering the conflict queue, deciding a
conflict. The services check what matters (entas.field.devices, entas.field.conflicts); these forms
only carry what the person typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

OPEN, DECIDED = "open", "decided"


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("For example: phone lost, phone replaced, facilitator left."))


class ConflictFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), (OPEN, _("Waiting for a decision")), (DECIDED, _("Decided"))])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("apply", _("Apply the phone's change")), ("discard", _("Keep the server's version"))])
    note = forms.CharField(label=_("Note for the facilitator"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Needed to keep the server's version: the facilitator reads it in the app."))
