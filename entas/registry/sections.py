"""Households and people per child region on the region pages, counted inside the viewer's scope."""

from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from entas.core.scoping import region_q, visible
from entas.regions.queries import CODE_LENGTH
from entas.regions.sections import Column
from entas.registry.models import Household, Person


def _count_by_child(queryset: Any, field: str, child_codes: list[str], child_level: int) -> dict[str, int]:
    if not child_codes:
        return {}
    parent = child_codes[0].rsplit(".", 1)[0] if child_level > 1 else ""
    if parent:
        queryset = queryset.filter(region_q(parent, field))
    rows = queryset.annotate(child=Substr(field, 1, CODE_LENGTH[child_level])).values("child").annotate(n=Count("pk"))
    wanted = set(child_codes)
    return {row["child"]: row["n"] for row in rows if row["child"] in wanted}


def registry_columns(user: Any, child_codes: list[str], child_level: int) -> list[Column]:
    households = visible(user, Household.objects.all())
    people = visible(user, Person.objects.filter(household__isnull=False))
    return [
        Column(_("Households"), _count_by_child(households, "village_id", child_codes, child_level)),
        Column(_("Extreme-poor households"),
               _count_by_child(households.filter(extreme_poor=True), "village_id", child_codes, child_level)),
        Column(_("People"), _count_by_child(people, "household__village_id", child_codes, child_level)),
    ]


