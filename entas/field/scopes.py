"""A facilitator sees her own devices, the commands they sent and the conflicts those made; a
cooperative manager nothing of the field app (no rule: closed). Registered with core.scoping."""

from django.db.models import Q

from entas.accounts.roles import Role
from entas.core import scoping
from entas.field.models import Command, Conflict, Device


def register() -> None:
    scoping.rule(Device, Role.FACILITATOR, lambda user: Q(facilitator__user=user))
    scoping.rule(Command, Role.FACILITATOR, lambda user: Q(device__facilitator__user=user))
    scoping.rule(Conflict, Role.FACILITATOR, lambda user: Q(command__device__facilitator__user=user))
