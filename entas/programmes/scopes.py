"""What the confined roles see of programmes' own data (core.scoping): a facilitator sees her own
facilitator record; priority locations are the programme's, open to both confined roles. What a
facilitator sees of the families, her caseload, is registered by graduation.scopes."""

from django.db.models import Q

from entas.accounts.roles import Role
from entas.core import scoping
from entas.programmes.models import Facilitator, PriorityLocation


def register() -> None:
    scoping.rule(Facilitator, Role.FACILITATOR, lambda user: Q(user=user))
    scoping.rule(PriorityLocation, Role.FACILITATOR, None)
    scoping.rule(PriorityLocation, Role.COOPERATIVE_MANAGER, None)
