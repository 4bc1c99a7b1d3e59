"""A facilitator registers her phone with her own password; only the digest of its token is kept; a
device is revoked by her, by signing out on it, or by her supervisor, never by another region's."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from entas.core.models import AuditEntry
from entas.field import services as field
from entas.field.devices import digest
from entas.field.models import Device
from entas.programmes.models import Facilitator
from tests.conftest import PASSWORD
from tests.field.conftest import device_client

pytestmark = pytest.mark.django_db


def register(**body: Any) -> Any:
    return Client().post("/field/api/devices/", {"username": "pendamping_rina", "password": PASSWORD,
                                                 "label": "HP Rina", **body}, content_type="application/json")


def test_a_facilitator_registers_her_phone_and_only_a_digest_is_kept(rina: Facilitator) -> None:
    answer = register()
    assert answer.status_code == 201
    token = answer.json()["token"]
    device = Device.objects.get()
    assert device.token_digest == digest(token) and token not in device.token_digest
    assert device_client(token).get("/field/api/caseload").status_code == 200
    assert AuditEntry.objects.filter(action="field.device_registered").exists()


@pytest.mark.parametrize(("body", "field"), [({"password": "salah"}, "password"), ({"label": " "}, "label"),
                                             ({"username": "klaten"}, "username")])
def test_it_refuses_a_wrong_password_a_missing_name_or_another_role(rina: Facilitator, klaten_officer: Any,
                                                                    body: dict[str, str], field: str) -> None:
    answer = register(**body)
    assert answer.status_code == 400 and answer.json()["field"] == field
    assert answer.json()["error"]
    assert not Device.objects.exists()


def test_it_answers_a_body_that_is_not_json(rina: Facilitator) -> None:
    answer = Client().post("/field/api/devices/", "username=rina", content_type="application/json")
    assert answer.status_code == 400 and "JSON" in answer.json()["error"]


def test_signing_out_on_the_phone_revokes_it(phone: tuple[Device, str]) -> None:
    assert device_client(phone[1]).post("/field/api/logout").status_code == 200
    assert Device.objects.get().revoked_at is not None
    assert device_client(phone[1]).get("/field/api/caseload").json()["code"] == "device_revoked"


def test_an_officer_of_another_region_cannot_revoke(phone: tuple[Device, str], kupang_officer: Any,
                                                   klaten_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        field.revoke_device(kupang_officer, phone[0])
    field.revoke_device(klaten_officer, phone[0], reason="HP hilang")
    assert Device.objects.get().revoke_reason == "HP hilang"
