"""Apps above `regions` add columns to the region pages without regions importing them.

A provider gets the viewing user and the child region codes of the page and returns columns of
counts, already limited to what that user may see. The registry registers households and people;
enterprises will register cooperatives and enterprises, and so on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass
class Column:
    label: str | Promise
    values: dict[str, int]  # child region code -> count

    @property
    def total(self) -> int:
        return sum(self.values.values())


Provider = Callable[[Any, list[str], int], list[Column]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def columns_for(user: Any, child_codes: list[str], child_level: int) -> list[Column]:
    return [column for provider in _providers for column in provider(user, child_codes, child_level)]
