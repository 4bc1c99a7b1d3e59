"""The calls the field app makes (docs/field.md): register a device, download the caseload, send
commands, end the device. JSON in and out; a device token, never a session cookie, so no CSRF."""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from entas.core import audit
from entas.field import services
from entas.field.caseload import caseload as caseload_of
from entas.field.models import Device
from entas.field.sync import first_error

MAX_BODY = 4 * 1024 * 1024  # 500 commands with long notes fit; anything larger is refused before parsing


def _error(status: int, message: str, field: str | None = None, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, "field": field, **extra}, status=status)


def _body(request: HttpRequest) -> Any:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        raise ValidationError({"commands": _("The request is larger than 4 MB: send the changes in parts.")})
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"body": _("The request is not valid JSON.")}) from None


DeviceView = Callable[[HttpRequest, Device], JsonResponse]


def device_call(view: DeviceView) -> Callable[[HttpRequest], JsonResponse]:
    """The device named by the Authorization header, or 401 with the code that makes the app wipe."""

    @csrf_exempt
    def wrapped(request: HttpRequest) -> JsonResponse:
        try:
            device = services.authenticated(request.headers.get("Authorization", ""))
        except services.DeviceRefused as refused:
            return _error(401, refused.message, code=refused.code)
        try:
            return view(request, device)
        except ValidationError as error:
            field, message = first_error(error)
            return _error(400, message, field or None)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    try:
        body = _body(request)
        if not isinstance(body, dict):
            raise ValidationError({"username": _("Send the username, password and a name for this phone.")})
        device, token = services.register_device(request, username=str(body.get("username") or ""),
                                                 password=str(body.get("password") or ""),
                                                 label=str(body.get("label") or ""))
    except ValidationError as error:
        field, message = first_error(error)
        return _error(400, message, field or None)
    user = device.facilitator.user
    return JsonResponse({"device": device.pk, "token": token,
                         "user": {"username": user.get_username(), "name": user.get_full_name() or user.username}},
                        status=201)


@require_GET
@device_call
def caseload(request: HttpRequest, device: Device) -> JsonResponse:
    found = caseload_of(device.facilitator)
    with transaction.atomic():
        Device.objects.filter(pk=device.pk).update(caseload_at=timezone.now(), last_seen_at=timezone.now())
        audit.record(device.facilitator.user, audit.Action.FIELD_CASELOAD_DOWNLOADED, device, details={
            "device": device.pk, "enrolments": [f["enrolment"] for f in found["families"]]})
    return JsonResponse(found)


@require_POST
@device_call
def sync(request: HttpRequest, device: Device) -> JsonResponse:
    body = _body(request)
    commands = body.get("commands") if isinstance(body, dict) else None
    results = services.receive(device, commands)
    return JsonResponse({"results": results, "server_time": timezone.localtime().isoformat(timespec="seconds")})


@require_POST
@device_call
def logout(request: HttpRequest, device: Device) -> JsonResponse:
    services.revoke_device(device.facilitator.user, device, reason=_("signed out on the phone"))
    return JsonResponse({"ok": True})
