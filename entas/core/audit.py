"""The one helper that writes the audit log."""

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
