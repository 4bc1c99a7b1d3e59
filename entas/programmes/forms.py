"""The forms of the programme and priority ranking pages. They only parse input: the rules live in the services,
whose ValidationError is put back on the form by `entas.core.forms.show_errors()`."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from entas.accounts.models import Agency
from entas.programmes import priority
from entas.programmes.models import PriorityList, Programme
from entas.registry.models import Programme as Assistance


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


# type=date needs ISO dates: the Indonesian locale would write 31-12-2027, which the browser drops.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.Form):
    """A programme's fields for programmes.services.create_programme/change_programme; the checks
    across fields (period, desil range, the priority list's programme) are the services'."""

    name = forms.CharField(label=_("Name"), max_length=200)
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.order_by("name"))
    partner_agencies = forms.ModelMultipleChoiceField(label=_("Partner agencies"), required=False,
                                                      queryset=Agency.objects.order_by("name"),
                                                      widget=forms.CheckboxSelectMultiple)
    start = forms.DateField(label=_("Start"), widget=ISO_DATE)
    end = forms.DateField(label=_("End"), widget=ISO_DATE)
    budget = forms.IntegerField(label=_("Budget (Rp)"), initial=0)
    decile_min = forms.IntegerField(label=_("Lowest desil"), initial=1)
    decile_max = forms.IntegerField(label=_("Highest desil"), initial=2)
    extreme_poor_only = forms.BooleanField(label=_("Extreme-poor households only"), required=False)
    assistance = forms.MultipleChoiceField(label=_("Receiving assistance (any of)"), required=False,
                                           choices=Assistance.choices, widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Leave all unticked to take households whatever they receive."))
    priority_locations_only = forms.BooleanField(label=_("Only in priority locations"), required=False)
    priority_list = forms.ModelChoiceField(label=_("Priority list"), required=False,
                                           queryset=PriorityList.objects.none(),
                                           help_text=_("Empty: the programme's latest saved list."))
    yearly_target = forms.IntegerField(label=_("Yearly graduations per facilitator"), initial=10)

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programme is None:
            # Lists are saved for an existing programme (ranking page): chosen when editing.
            del self.fields["priority_list"]
        else:
            # Any list may be posted, so that one of another programme gets the service's message.
            field = self.fields["priority_list"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = PriorityList.objects.order_by("-created_at", "-id")
            field.widget.choices = [("", "—"), *((p.pk, str(p)) for p in programme.priority_lists.all())]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["partner_agencies"] = list(data["partner_agencies"])
        data["assistance"] = list(data["assistance"])
        return data
