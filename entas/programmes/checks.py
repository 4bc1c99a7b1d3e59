"""Checks shared by the programme services: each raises a ValidationError naming the field."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from entas.programmes.models import OPEN_STATUSES, Enrolment, Facilitator, PriorityLocation, Programme
from entas.regions.codes import within
from entas.registry.models import Household


def fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def rupiah(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(field, f"'{value}' is not a whole number of rupiah: write the amount in digits, e.g. 1500000")
    if value < 0:
        raise fail(field, f"{value} is below 0: an amount cannot be negative")
    return value


def cohort_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def caseload(facilitator: Facilitator) -> int:
    return Enrolment.objects.filter(facilitator=facilitator, status__in=OPEN_STATUSES).count()


def has_room(facilitator: Facilitator, household_village: str) -> None:
    """Lock the facilitator row so that two enrolments at once cannot both take the last place."""
    Facilitator.objects.select_for_update().filter(pk=facilitator.pk).first()
    if not facilitator.active:
        raise fail("facilitator", f"{facilitator} is not active")
    if not within(household_village, facilitator.region_id):
        raise fail("facilitator", f"{facilitator} works in {facilitator.region_id}, not in {household_village}")
    load = caseload(facilitator)
    if load >= facilitator.capacity:
        raise fail("facilitator", f"{facilitator} is at capacity: {load} of {facilitator.capacity} families")


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
