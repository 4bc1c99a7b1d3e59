"""`{% load numbers %}`: counts, rupiah, percentages and measures as the reader's language writes
them (`entas.core.numbers`). Dates use Django's `date` filter, whose formats `core/formats` sets.
Values read by scripts (`data-*` attributes, JSON for the charts and the map) stay raw."""

from typing import Any

from django import template

from entas.core import numbers

register = template.Library()


@register.filter
def count(value: Any) -> str:
    """`{{ n|count }}`: "2.889" (id), "2,889" (en); "—" for none."""
    return numbers.count(value)


@register.filter
def rupiah(value: Any) -> str:
    """`{{ amount|rupiah }}`: "Rp1.234.567"."""
    return numbers.rupiah(value)


@register.filter
def percent(value: Any) -> str:
    """`{{ share|percent }}` for a value already in percent: "37,5 %" (id), "37.5 %" (en)."""
    return numbers.percent(value)


@register.filter
def decimal(value: Any, places: Any = 1) -> str:
    """`{{ mean|decimal }}` or `{{ score|decimal:3 }}`: a fixed number of decimals, grouped."""
    return numbers.decimal(value, int(places))


@register.filter
def figure(value: Any, kind: str) -> str:
    """`{{ line.achieved|figure:line.kind }}`: one of count, rupiah, percent, decimal, number."""
    return numbers.figure(value, kind)


@register.filter
def share(part: Any, whole: Any) -> str:
    """`{{ graduated|share:target }}`: part of whole as a percentage, "37,5 %"; "—" without a whole."""
    return numbers.share(part, whole)
