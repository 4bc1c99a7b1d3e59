"""Checks shared by the services of programmes and of the apps above it (graduation): each raises a
ValidationError naming the field."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def rupiah(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(field, _("'%(value)s' is not a whole number of rupiah: write the amount in digits, e.g. 1500000.")
                   % {"value": value})
    if value < 0:
        raise fail(field, _("%(value)s is below 0: an amount cannot be negative.") % {"value": value})
    return value
