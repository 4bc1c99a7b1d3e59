"""Households and people per child region on the region pages, counted inside the viewer's scope."""


from django.utils.translation import gettext_lazy as _

from entas.accounts.models import User
from entas.core.scoping import visible
from entas.regions.sections import Column, count_by_child
from entas.registry.models import Household, Person


def registry_columns(user: User | None, child_codes: list[str], child_level: int) -> list[Column]:
    households = visible(user, Household.objects.all())
    people = visible(user, Person.objects.filter(household__isnull=False))
    return [
        Column(_("Households"), count_by_child(households, "village_id", child_codes, child_level)),
        Column(_("Extreme-poor households"),
               count_by_child(households.filter(extreme_poor=True), "village_id", child_codes, child_level)),
        Column(_("People"), count_by_child(people, "household__village_id", child_codes, child_level)),
    ]


