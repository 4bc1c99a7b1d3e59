"""Every change to agencies and users goes through these functions: checked, in a transaction,
audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import Agency, User
from entas.accounts.roles import USES_ADMIN, Role
from entas.core import audit
from entas.core.refusals import choices
from entas.regions.codes import within
from entas.regions.models import Region


def _region_or_error(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None or region.level > 3:
        raise ValidationError({"region": _("'%(code)s' is not a known province, regency or district code.") % {
            "code": code}})
    return region


def _check_actor_may_grant(actor: User | None, role: str, region: Region | None) -> None:
    if actor is None or actor.role == Role.NATIONAL_ADMIN:
        return
    if actor.role != Role.REGIONAL_OFFICER:
        raise ValidationError(_("Only national administrators and regional officers manage users."))
    if role == Role.NATIONAL_ADMIN:
        raise ValidationError({"role": _("Only a national administrator can create another.")})
    if region is None or not within(region.code, actor.region_id):
        raise ValidationError({"region": _("The new scope must lie inside your own region.")})


@transaction.atomic
def create_agency(actor: User | None, *, code: str, name: str, kind: str, region_code: str = "") -> Agency:
    if Agency.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An agency with code '%(code)s' already exists.") % {"code": code}})
    agency = Agency.objects.create(code=code, name=name, kind=kind, region=_region_or_error(region_code))
    audit.record_change(actor, audit.Action.AGENCY_CREATED, agency, details={"code": code})
    return agency


@transaction.atomic
def create_user(
    actor: User | None,
    *,
    username: str,
    password: str | None,
    role: str,
    agency: Agency | None,
    region_code: str | None = None,
    **fields: Any,
) -> User:
    """Create an account. `actor` None means the system (demo, first set-up). `password` None: an
    unusable one (the account chooses its own through a first sign-in link, programmes.welcome)."""
    if role not in Role.values:
        raise ValidationError({"role": _("'%(role)s' is not a role; choose one of: %(choices)s.") % {
            "role": role, "choices": choices(Role)}})
    region = _region_or_error(region_code)
    _check_actor_may_grant(actor, role, region)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name '%(username)s' is taken.") % {"username": username}})
    user = User(username=username, role=role, agency=agency, region=region, **fields)
    user.is_staff = role in USES_ADMIN
    user.is_superuser = role == Role.NATIONAL_ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record_change(actor, audit.Action.USER_CREATED, user, details={"role": role, "region": region_code or ""})
    return user


@transaction.atomic
def change_scope(actor: User | None, user: User, *, role: str, region_code: str | None) -> User:
    region = _region_or_error(region_code)
    _check_actor_may_grant(actor, role, region)
    before = {"role": user.role, "region": user.region_id or ""}
    user.role, user.region = role, region
    user.is_staff = role in USES_ADMIN
    user.is_superuser = role == Role.NATIONAL_ADMIN
    user.save(update_fields=["role", "region", "is_staff", "is_superuser"])
    audit.record_change(actor, audit.Action.USER_SCOPE_CHANGED, user, details={"before": before, "after": {
        "role": role, "region": region_code or ""}})
    return user


@transaction.atomic
def deactivate(actor: User | None, user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record_change(actor, audit.Action.USER_DEACTIVATED, user)
