"""Scoped reads of programmes' own data: facilitators inside the user's region (a facilitator sees
only herself, programmes.scopes), and who may save a priority list."""


from django.db.models import QuerySet

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.scoping import visible
from entas.programmes.models import Facilitator


def may_save_priority_lists(user: User | None) -> bool:
    # A programme's latest list decides who may be enrolled everywhere: a national decision.
    return user is not None and user.role == Role.NATIONAL_ADMIN


def facilitators_for(user: User | None) -> QuerySet[Facilitator]:
    """Facilitators inside the user's region; a facilitator sees only herself (programmes.scopes)."""
    return visible(user, Facilitator.objects.select_related("user"))
