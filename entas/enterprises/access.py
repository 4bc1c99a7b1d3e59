"""Which cooperative-manager accounts act for which cooperative (CooperativeAccess): granted and
revoked by a national administrator or a regional officer whose region holds the cooperative."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import MANAGES_USERS, Role
from entas.core import audit
from entas.core.scoping import region_q, user_scope
from entas.enterprises.models import Cooperative, CooperativeAccess
from entas.regions.codes import within


def may_grant(user: User | None, cooperative: Cooperative) -> bool:
    return user is not None and user.role in MANAGES_USERS and within(cooperative.village_id, user_scope(user))


def candidates(actor: User | None, cooperative: Cooperative) -> QuerySet[User]:
    """Active cooperative-manager accounts inside the actor's region whose own region holds the
    cooperative's village (else the account would not see it)."""
    parts = cooperative.village_id.split(".")
    holders = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return User.objects.filter(region_q(user_scope(actor), "region_id"), Q(region_id__in=holders) | Q(
        region__isnull=True), role=Role.COOPERATIVE_MANAGER, is_active=True).order_by("username")


@transaction.atomic
def grant_access(actor: User | None, cooperative: Cooperative, user: User) -> CooperativeAccess:
    if not may_grant(actor, cooperative):
        raise ValidationError({"user": _("Only an administrator or an officer of this cooperative's region may "
                                         "give access to it.")})
    if user.role != Role.COOPERATIVE_MANAGER or not user.is_active:
        raise ValidationError({"user": _("%(name)s is not an active cooperative-manager account.")
                               % {"name": user.username}})
    if not within(cooperative.village_id, user.region_id):
        raise ValidationError({"user": _("The region of %(name)s (%(region)s) does not hold this cooperative's "
                                         "village %(village)s: the account would not see it.")
                               % {"name": user.username, "region": user.region_id, "village": cooperative.village_id}})
    access, created = CooperativeAccess.objects.get_or_create(user=user, cooperative=cooperative)
    if not created:
        raise ValidationError({"user": _("%(name)s already acts for this cooperative.") % {"name": user.username}})
    audit.record_change(actor, audit.Action.COOPERATIVE_ACCESS_GRANTED, access, details={"user": user.username})
    return access


@transaction.atomic
def revoke_access(actor: User | None, access: CooperativeAccess) -> None:
    if not may_grant(actor, access.cooperative):
        raise ValidationError({"user": _("Only an administrator or an officer of this cooperative's region may "
                                         "take access away.")})
    audit.record_change(actor, audit.Action.COOPERATIVE_ACCESS_REVOKED, access, details={"user": access.user.username})
    access.delete()
