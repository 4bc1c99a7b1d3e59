"""Server-side sorting of a paginated list (`?sort=name`, `?sort=-name`).

Sorting in the browser would sort only the page shown, which would mislead; a list that is cut
into pages sorts the whole queryset here. Only the columns a view names can be asked for, so a
query string cannot order by an arbitrary field.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import F, QuerySet


def sort(queryset: "QuerySet[Any]", asked: str | None, columns: Mapping[str, Sequence[str]],
         ) -> tuple["QuerySet[Any]", str]:
    """The queryset ordered by the column asked for, and the sort key applied ("" when none).

    `columns` maps a key to the fields it orders by; `pk` is always added last so pages do not
    overlap. Empty values (NULL) go last in both directions, as a reader expects."""
    key = (asked or "").strip()
    descending = key.startswith("-")
    fields = columns.get(key.lstrip("-"))
    if not fields:
        return queryset, ""
    order = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields]
    return queryset.order_by(*order, "-pk" if descending else "pk"), key
