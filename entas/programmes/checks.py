"""Checks shared by the services of programmes and of the apps above it (graduation): each raises a
ValidationError naming the field."""

from typing import Any

from django.core.exceptions import ValidationError


def fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def rupiah(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(field, f"'{value}' is not a whole number of rupiah: write the amount in digits, e.g. 1500000")
    if value < 0:
        raise fail(field, f"{value} is below 0: an amount cannot be negative")
    return value
