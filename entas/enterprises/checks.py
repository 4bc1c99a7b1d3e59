"""Scalar checks shared by the services and forms: each returns why a value is not acceptable
(None when it is), in the reader's language."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from entas.regions.models import Region

NIB_LENGTH = 13


def nib_problem(value: str) -> str | None:
    if not value.isascii() or not value.isdigit():
        return _("'%(value)s' has characters other than digits: a NIB is %(length)s digits.") % {
            "value": value, "length": NIB_LENGTH}
    if len(value) != NIB_LENGTH:
        return _("%(count)s digits: a NIB is %(length)s digits.") % {"count": len(value), "length": NIB_LENGTH}
    return None


def money_problem(value: Any) -> str | None:
    """Rupiah are whole numbers of 0 or more, given as numbers, never as text like '2 M'."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _("'%(value)s' is not a whole number of rupiah: write the amount in digits, e.g. 1500000.") % {
            "value": value}
    if value < 0:
        return _("%(value)s is below 0: an amount cannot be negative.") % {"value": value}
    return None


def fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def money(field: str, value: Any) -> int | None:
    if value is None:
        return None
    problem = money_problem(value)
    if problem:
        raise fail(field, problem)
    return int(value)


def village(code: str, field: str = "village") -> Region:
    found = Region.objects.filter(code=code, level=4).first()
    if found is None:
        raise fail(field, _("'%(code)s' is not a village in the Kemendagri 2025 list.") % {"code": code})
    return found


def region(code: str, field: str = "region") -> Region:
    found = Region.objects.filter(code=code).first()
    if found is None:
        raise fail(field, _("'%(code)s' is not a region code in the Kemendagri 2025 list.") % {"code": code})
    return found
