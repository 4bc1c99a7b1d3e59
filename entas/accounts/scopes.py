"""What the confined roles see of accounts, the audit log and regions (core.scoping)."""


from django.db.models import Q

from entas.accounts.models import ApiToken, User
from entas.accounts.roles import CONFINED
from entas.core import scoping
from entas.core.models import AuditEntry
from entas.regions.models import Region


def register() -> None:
    scoping.confine(*CONFINED)
    for role in CONFINED:
        scoping.rule(Region, role, None)  # places are not personal data
        scoping.rule(User, role, lambda user: Q(pk=user.pk))
        scoping.rule(ApiToken, role, lambda user: Q(user_id=user.pk))
        scoping.rule(AuditEntry, role, own_entries)


def own_entries(user: User) -> Q:
    return Q(actor_id=user.pk)
