"""`{% open_conflicts user as n %}`: how many sync conflicts of the user's scope wait for a decision,
for the main navigation's entry of the field app (base.html)."""

from typing import Any

from django import template

from entas.accounts.roles import Role
from entas.core.scoping import visible
from entas.field.devices import SUPERVISES
from entas.field.models import Conflict, Resolution

register = template.Library()


@register.simple_tag
def open_conflicts(user: Any) -> int:
    """Supervisors: the open conflicts of their region; a facilitator: her own waiting ones; else 0."""
    if not getattr(user, "is_authenticated", False) or user.role not in SUPERVISES | {Role.FACILITATOR}:
        return 0
    return visible(user, Conflict.objects.filter(resolution=Resolution.OPEN)).count()
