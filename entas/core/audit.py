"""The one helper that writes the audit log."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models

from entas.core.context import current_origin
from entas.core.models import AuditEntry


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    region_code: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. `actor` is a user or None for the system itself."""
    where = current_origin()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if obj is not None and not region_code:
        region_code = str(getattr(obj, "audit_region_code", "") or "")
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        region_code=region_code,
        channel=where.channel,
        address=where.address,
        details=details or {},
    )


# Query parameter values longer than this are cut in the audit entry (a search text, not a payload).
FILTER_VALUE_LENGTH = 200


def record_list_read(
    actor: Any,
    model_label: str,
    filter: Mapping[str, Any],
    ids: Sequence[Any],
    *,
    people: Iterable[int] = (),
    households: Iterable[int] = (),
) -> AuditEntry:
    """Append one `<model>.listed` entry for one answer of a list (a page of the API, a list page).

    `details` has this shape, so that "who received this person's data" is one query on `people`
    (or on `households` for what was shown of a family):

        {"model": "registry.household",       # app_label.model of the rows
         "filter": {"region": "33.10", ...},  # the query parameters as given (a repeated one: a list)
         "count": 25,                         # rows returned in this answer
         "ids": [...],                        # their primary keys, in the order returned
         "people": [...],                     # registry person ids the answer named, and the current
                                              #   members of the households it named (the caller
                                              #   adds them: registry.api.members_of), sorted
         "households": [...]}                 # registry household ids the answer named, sorted

    The region is the reader's own scope, so the officers of that region see the entry."""
    region = str(getattr(actor, "region_id", "") or "")
    details = {
        "model": model_label,
        "filter": _filter(filter),
        "count": len(ids),
        "ids": list(ids),
        "people": sorted(set(people)),
        "households": sorted(set(households)),
    }
    return record(actor, f"{model_label.rsplit('.', 1)[-1]}.listed", region_code=region, details=details)


def _filter(params: Mapping[str, Any]) -> dict[str, Any]:
    getlist = getattr(params, "getlist", None)
    found: dict[str, Any] = {}
    for key in params:
        values = [str(v)[:FILTER_VALUE_LENGTH] for v in (getlist(key) if getlist else [params[key]])]
        found[str(key)[:FILTER_VALUE_LENGTH]] = values[0] if len(values) == 1 else values
    return found

