"""A facilitator with a registered phone and three families, made through the services."""

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from entas.accounts.models import Agency
from entas.field import services as field
from entas.field.models import Device
from entas.graduation import services
from entas.graduation.models import Area, Enrolment, RuleSet
from entas.programmes.models import Facilitator, Programme
from tests.conftest import PASSWORD
from tests.graduation.factories import enrol
from tests.programmes.factories import facilitator, programme


@pytest.fixture
def prog(agency: Agency) -> Programme:
    return programme(agency)


@pytest.fixture
def rules(prog: Programme) -> RuleSet:
    services.set_poverty_line(None, province_code="33", area=Area.RURAL, valid_from=datetime.date(2025, 3, 1),
                              amount=550_000)
    return services.create_rule_set(None, prog, [{"code": "income_above_line"}, {"code": "no_food_shortage"}])


@pytest.fixture
def rina(agency: Agency) -> Facilitator:
    return facilitator(agency, "pendamping_rina")


@pytest.fixture
def families(prog: Programme, rules: RuleSet, rina: Facilitator) -> list[Enrolment]:
    return [enrol(prog, fac=rina) for _ in range(3)]


@pytest.fixture
def phone(rina: Facilitator) -> tuple[Device, str]:
    return field.register_device(None, username="pendamping_rina", password=PASSWORD, label="HP Rina")


def visit(family: Enrolment, *, on: datetime.date | None = None, version: int | None = None,
          assessment: dict[str, Any] | None = None, command_id: str | None = None) -> dict[str, Any]:
    """A visit command as the app makes it."""
    on = on or timezone.localdate()
    return {"id": command_id or str(uuid.uuid4()), "kind": "visit", "enrolment": family.pk,
            "version": family.version if version is None else version, "recorded_at": f"{on}T09:00:00+07:00",
            "data": {"date": on.isoformat(), "notes": "Warung buka", "assessment": assessment}}


def device_client(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Device {token}")
