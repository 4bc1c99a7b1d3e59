"""Scoped reads of programmes' own data: facilitators inside the user's region (a facilitator sees
only herself, programmes.scopes), and who may save a priority list."""

from typing import Any

from django.db.models import QuerySet

from entas.accounts.roles import Role
from entas.core.scoping import visible
from entas.programmes.models import Facilitator


def may_save_priority_lists(user: Any) -> bool:
    # A programme's latest list decides who may be enrolled everywhere: a national decision.
    return getattr(user, "role", None) == Role.NATIONAL_ADMIN


def facilitators_for(user: Any) -> QuerySet[Facilitator]:
    """Facilitators inside the user's region; a facilitator sees only herself (programmes.scopes)."""
    return visible(user, Facilitator.objects.select_related("user"))
