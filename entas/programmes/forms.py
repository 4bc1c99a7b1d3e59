"""The form of the priority ranking page. It only parses input: the rules live in the services,
whose ValidationError is put back on the form by `entas.core.forms.show_errors()`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from entas.programmes import priority
from entas.programmes.models import Programme


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
