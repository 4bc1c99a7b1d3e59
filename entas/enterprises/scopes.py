"""A cooperative manager's scope is the cooperatives his account acts for (CooperativeAccess): their
members, units, managers (the board and its people) and groups, and the enterprises in those
groups; nothing else of the registry. Registered with core.scoping."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import scoping
from entas.enterprises.models import (
    BusinessUnit,
    Cooperative,
    CooperativeAccess,
    Enterprise,
    Group,
    GroupMember,
    Manager,
    Membership,
)
from entas.registry.models import Person

MANAGER = Role.COOPERATIVE_MANAGER


def managed(user: User) -> QuerySet[CooperativeAccess, Any]:
    return CooperativeAccess.objects.filter(user=user).values("cooperative_id")


def register() -> None:
    rule = scoping.rule
    rule(Cooperative, MANAGER, lambda user: Q(pk__in=managed(user)))
    for model in (BusinessUnit, Manager, Membership, Group):
        rule(model, MANAGER, lambda user: Q(cooperative_id__in=managed(user)))
    rule(GroupMember, MANAGER, lambda user: Q(group__cooperative_id__in=managed(user)))
    rule(CooperativeAccess, MANAGER, lambda user: Q(user=user))
    rule(Enterprise, MANAGER, lambda user: Q(Exists(GroupMember.objects.filter(
        enterprise=OuterRef("pk"), group__cooperative_id__in=managed(user)))))
    rule(Person, MANAGER, people_of_his_cooperatives)


def people_of_his_cooperatives(user: User) -> Q:
    """The members and the board (pengurus, pengawas, a hired manager) of his cooperatives: a board
    member need not be a member, and the cooperative's own page names its board. People in its
    groups who are not members stay hidden: the group lists them as "not shown"."""
    mine = managed(user)
    return (Q(Exists(Membership.objects.filter(person=OuterRef("pk"), cooperative_id__in=mine)))
            | Q(Exists(Manager.objects.filter(person=OuterRef("pk"), cooperative_id__in=mine))))
