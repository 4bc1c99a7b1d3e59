"""Registering a phone for a facilitator, recognising it on each call by its token, revoking it.
The token is 32 random bytes, shown once to the phone and kept here as its SHA-256 digest."""

import hashlib
import secrets

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit, scoping
from entas.field.models import Device
from entas.programmes.models import Facilitator

SUPERVISES = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}


class DeviceRefused(Exception):
    """A call from a device that is unknown or no longer allowed: the app wipes its data."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def register_device(request: HttpRequest | None, *, username: str, password: str, label: str) -> tuple[Device, str]:
    """A new device for the facilitator who signs in with her own username and password (the login
    throttling applies: authenticate() goes through the lockout backend)."""
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Give this phone a name, e.g. 'HP Rina'.")})
    if len(label) > 80:
        raise ValidationError({"label": _("The name of the phone is longer than 80 characters.")})
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        raise ValidationError({"password": _("The username or password is wrong (or the account is locked for a "
                                             "while after too many attempts).")})
    facilitator = Facilitator.objects.filter(user=user, active=True).select_related("region").first()
    if user.role != Role.FACILITATOR or facilitator is None:
        raise ValidationError({"username": _("The field app is for facilitators (pendamping) with an active "
                                             "caseload; this account is not one.")})
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(facilitator=facilitator, label=label, token_digest=digest(token),
                                   registered_at=timezone.now())
    audit.record(user, audit.Action.FIELD_DEVICE_REGISTERED, device, details={"device": device.pk, "label": label})
    return device, token


def authenticated(header: str) -> Device:
    """The device an `Authorization: Device <token>` header names, if it may still sync."""
    scheme, _sep, token = (header or "").partition(" ")
    if scheme != "Device" or not token.strip():
        raise DeviceRefused("device_unknown", _("This phone is not registered: sign in again."))
    device = (Device.objects.select_related("facilitator__user", "facilitator__region")
              .filter(token_digest=digest(token.strip())).first())
    if device is None:
        raise DeviceRefused("device_unknown", _("This phone is not registered: sign in again."))
    if device.revoked_at is not None:
        raise DeviceRefused("device_revoked", _("This phone was removed from your account on %(when)s; its data "
                                                "has been erased. Sign in again.") % {
            "when": timezone.localtime(device.revoked_at).strftime("%d-%m-%Y %H:%M")})
    if not device.facilitator.active or not device.facilitator.user.is_active:
        raise DeviceRefused("device_revoked", _("Your account no longer works as a facilitator's: this phone's "
                                                "data has been erased."))
    return device


def may_revoke(actor: User | None, device: Device) -> bool:
    if actor is None:
        return True  # the system (a command, the demo)
    if device.facilitator.user_id == actor.pk:
        return True
    return actor.role in SUPERVISES and scoping.visible(actor, Device.objects.filter(pk=device.pk)).exists()


@transaction.atomic
def revoke_device(actor: User | None, device: Device, *, reason: str = "") -> Device:
    """Stop a device: its next call is refused and the app erases what it holds."""
    device = Device.objects.select_for_update().select_related("facilitator").get(pk=device.pk)
    if not may_revoke(actor, device):
        raise PermissionDenied
    if device.revoked_at is not None:
        raise ValidationError({"device": _("This device was already revoked.")})
    device.revoked_at = timezone.now()
    device.revoked_by = actor
    device.revoke_reason = reason.strip()[:200]
    device.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(actor, audit.Action.FIELD_DEVICE_REVOKED, device, details={"device": device.pk,
                                                                            "reason": device.revoke_reason})
    return device
