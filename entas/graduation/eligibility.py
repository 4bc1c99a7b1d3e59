"""Who may be enrolled in a programme: its target rule (desil 1 to the programme's highest decile
and, when it asks, inside the places of its latest saved priority list). Used by enrolment one by
one (`why_not_eligible`, whose answer the enrol form shows on the field) and in bulk (`eligible`,
one query over any number of households)."""

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from entas.programmes.models import PriorityLocation, Programme
from entas.registry.models import Household


def eligible(programme: Programme, households: QuerySet[Household]) -> QuerySet[Household]:
    """Households matching the programme's target rule: its deciles and, when it asks, inside its
    latest priority list (a programme that asks but has saved none matches nobody)."""
    found = households.filter(decile__lte=programme.decile_max)
    if not programme.priority_locations_only:
        return found
    latest = programme.priority_lists.first()
    codes = list(PriorityLocation.objects.filter(priority_list=latest).values_list("region_id", flat=True))
    return within_any(found, codes)


def why_not_eligible(programme: Programme, household: Household) -> str | None:
    if household.decile is None or household.decile > programme.decile_max:
        return f"decile {household.decile} is outside the programme's desil 1-{programme.decile_max}"
    if not eligible(programme, Household.objects.filter(pk=household.pk)).exists():
        return f"village {household.village_id} is not in the programme's priority locations"
    return None


def within_any(queryset: QuerySet[Any], codes: list[str], field: str = "village_id") -> QuerySet[Any]:
    """Rows whose region code lies inside any of `codes`. One `substr(code, 1, n) IN (...)` per code
    length instead of one LIKE per code: with all 38 provinces or 100 regencies chosen, a million
    rows are tested four times, not a hundred times."""
    by_length: dict[int, list[str]] = {}
    for code in codes:
        by_length.setdefault(len(code), []).append(code)
    q = Q(pk__in=[])
    for length, group in by_length.items():
        name = f"prefix_{length}"
        queryset = queryset.alias(**{name: Substr(field, 1, length)})
        q |= Q(**{f"{name}__in": group})
    return queryset.filter(q)
