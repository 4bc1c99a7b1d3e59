"""Apps above `regions` add columns to the region pages without regions importing them.

A provider gets the viewing user and the child region codes of the page and returns columns of
counts, already limited to what that user may see. The registry registers households and people;
enterprises will register cooperatives and enterprises, and so on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.functional import Promise

from entas.core.scoping import region_q
from entas.regions.queries import CODE_LENGTH

if TYPE_CHECKING:
    from entas.accounts.models import User  # regions sits below accounts: for the type checker only


@dataclass
class Column:
    label: str | Promise
    values: dict[str, int]  # child region code -> count

    @property
    def total(self) -> int:
        return sum(self.values.values())


Provider = Callable[["User | None", list[str], int], list[Column]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def columns_for(user: User | None, child_codes: list[str], child_level: int) -> list[Column]:
    return [column for provider in _providers for column in provider(user, child_codes, child_level)]


def count_by_child(queryset: Any, field: str, child_codes: list[str], child_level: int) -> dict[str, int]:
    """{child code: rows of `queryset` whose dotted region `field` lies inside that child}: one
    GROUP BY over the code prefix, for a provider's column."""
    if not child_codes:
        return {}
    parent = child_codes[0].rsplit(".", 1)[0] if child_level > 1 else ""
    if parent:
        queryset = queryset.filter(region_q(parent, field))
    rows = queryset.annotate(child=Substr(field, 1, CODE_LENGTH[child_level])).values("child").annotate(n=Count("pk"))
    wanted = set(child_codes)
    return {row["child"]: row["n"] for row in rows if row["child"] in wanted}
