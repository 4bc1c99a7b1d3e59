"""A facilitator's scope is her caseload: the families whose enrolment she is assigned to, on every
route (registry pages, API, exports, admin), with their visits, interventions and pathway.
Registered with core.scoping."""

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import scoping
from entas.enterprises.models import BusinessUnit, Cooperative, Enterprise, Group, GroupMember, Job, Manager, Membership
from entas.graduation.models import (
    Assessment,
    CaseloadAssignment,
    Enrolment,
    Evaluation,
    FollowUp,
    Loan,
    MarketAccess,
    ReadinessOverride,
    StatusChange,
    TrainingSession,
    Visit,
)
from entas.registry.models import AssistanceReceipt, DecileRecord, Household, HouseholdMembership, Person

FACILITATOR = Role.FACILITATOR


def caseload(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(facilitator__user=user)


def in_caseload(household_field: str) -> Callable[[User], Q]:
    return lambda user: Q(**{f"{household_field}__in": caseload(user).values("household_id")})


def register() -> None:
    rule = scoping.rule
    rule(Household, FACILITATOR, in_caseload("pk"))
    families: tuple[type[Model], ...] = (Person, HouseholdMembership, DecileRecord, AssistanceReceipt)
    for model in families:
        rule(model, FACILITATOR, in_caseload("household_id"))
    # Places to take a family to: enterprises, cooperatives and groups of her region. The rows that
    # name a person there (memberships, jobs, group members, board) show only the people she may
    # see (their `scope_also`).
    places: tuple[type[Model], ...] = (Enterprise, Cooperative, Group, BusinessUnit, Manager, GroupMember,
                                       TrainingSession)
    for model in places:
        rule(model, FACILITATOR, None)
    # A member or job holder not yet recognised as a registry person is nobody's family: only the
    # identity a source gave (name, NIK), which is not hers to see.
    for model in (Membership, Job):
        rule(model, FACILITATOR, lambda user: Q(person__isnull=False))
    rule(Enrolment, FACILITATOR, lambda user: Q(facilitator__user=user))
    work: tuple[type[Model], ...] = (CaseloadAssignment, Visit, Assessment, Loan, MarketAccess, StatusChange,
                                     FollowUp, Evaluation, ReadinessOverride)
    for model in work:
        rule(model, FACILITATOR, lambda user: Q(enrolment__facilitator__user=user))
