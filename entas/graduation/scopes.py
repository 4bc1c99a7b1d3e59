"""A facilitator sees the pathway of her own caseload only (core.scoping)."""

from django.db.models import Q

from entas.accounts.roles import Role
from entas.core import scoping
from entas.graduation.models import FollowUp, StatusChange


def register() -> None:
    for model in (StatusChange, FollowUp):
        scoping.rule(model, Role.FACILITATOR, lambda user: Q(enrolment__facilitator__user=user))
