"""What every app's forms share: the date widget, and putting a service's refusal on the form."""

from django import forms
from django.core.exceptions import ValidationError

# ISO dates whatever the language: a type=date input shows nothing for "05-12-2026".
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has one
    (a form whose fields are named differently from the service's maps them in `ALIASES`),
    otherwise at the top, prefixed with the field name so the user still knows what was wrong."""
    found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    aliases: dict[str, str] = getattr(form, "ALIASES", {})
    for field, messages in found.items():
        name = aliases.get(field, field)
        if name in form.fields:
            form.add_error(name, messages)
        else:
            form.add_error(None, [f"{field}: {m}" if field else m for m in messages])
