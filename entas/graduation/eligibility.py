"""Who may be enrolled in a programme: its target group (desil decile_min to decile_max; only
extreme-poor households when it asks; only households receiving one of its chosen assistance
programmes when it names some; and, when it asks, inside the places of its chosen priority list,
or of its latest saved list when none is chosen). Used by enrolment one by one
(`why_not_eligible`, whose answer the enrol form shows on the field) and in bulk (`eligible`, one
query over any number of households)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from entas.programmes.models import PriorityList, PriorityLocation, Programme
from entas.registry.models import AssistanceReceipt, Household


def priority_list_of(programme: Programme) -> PriorityList | None:
    """The list whose places the programme enrols in: the chosen one, else the latest saved."""
    if programme.priority_list_id is not None:
        return programme.priority_list
    return programme.priority_lists.first()


def receiving_any(programme: Programme) -> Exists:
    # Any receipt of a chosen programme, whatever its period: "has received" is the target group.
    return Exists(AssistanceReceipt.objects.filter(household=OuterRef("pk"), programme__in=programme.assistance))


def eligible(programme: Programme, households: QuerySet[Household]) -> QuerySet[Household]:
    """Households matching the programme's target group, in one query (a programme that asks for
    priority locations but has no list matches nobody)."""
    found = households.filter(decile__gte=programme.decile_min, decile__lte=programme.decile_max)
    if programme.extreme_poor_only:
        found = found.filter(extreme_poor=True)
    if programme.assistance:
        found = found.filter(receiving_any(programme))
    if not programme.priority_locations_only:
        return found
    chosen = priority_list_of(programme)
    codes = list(PriorityLocation.objects.filter(priority_list=chosen).values_list("region_id", flat=True))
    return within_any(found, codes)


def why_not_eligible(programme: Programme, household: Household) -> str | None:
    """The first reason the household is outside the target group, in words; None when it is inside."""
    if household.decile is None or not programme.decile_min <= household.decile <= programme.decile_max:
        return _("decile %(decile)s is outside the programme's desil %(low)s-%(high)s") % {
            "decile": household.decile if household.decile is not None else "—",
            "low": programme.decile_min, "high": programme.decile_max}
    if programme.extreme_poor_only and household.extreme_poor is not True:
        return _("the programme takes extreme-poor households only, and this household is not marked extreme poor")
    one = Household.objects.filter(pk=household.pk)
    if programme.assistance and not one.filter(receiving_any(programme)).exists():
        return _("the household receives none of the programme's assistance programmes (%(codes)s)") % {
            "codes": ", ".join(programme.assistance)}
    if not eligible(programme, one).exists():
        chosen = priority_list_of(programme)
        if chosen is None:
            return _("the programme enrols in priority locations only and has no priority list yet")
        return _("village %(village)s is not in the programme's priority locations (list '%(list)s')") % {
            "village": household.village_id, "list": chosen.name}
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
