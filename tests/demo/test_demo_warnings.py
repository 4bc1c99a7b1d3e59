"""The demo's families at risk of falling back into poverty (entas.demo.warnings): petugas-klaten's
list and pendamping's own families show every reason, and planting them twice plants nothing more.

The demo is loaded once for the module (a small registry) inside a transaction rolled back at the end;
`ensure_at_risk_families` is called here whether or not `entas demo` calls it already (it is safe to
run again)."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from entas.accounts.models import User
from entas.core.scoping import visible
from entas.demo import calendar
from entas.demo.programme import PROGRAMME
from entas.demo.warnings import SOURCE, ensure_at_risk_families
from entas.graduation.models import Enrolment
from entas.graduation.warnings import REASONS, at_risk, counts
from entas.programmes.models import Facilitator
from entas.registry.models import DecileRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    data = Path(tmp_path_factory.mktemp("demo-warnings"))
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data), transaction.atomic():
        call_command("demo", people=12_000, families=300, stdout=io.StringIO())
        ensure_at_risk_families(calendar.today())
        yield
        transaction.set_rollback(True)


def found_for(username: str) -> dict[str, int]:
    user = User.objects.get(username=username)
    enrolments = visible(user, Enrolment.objects.filter(programme__name=PROGRAMME))
    if username == "pendamping":
        enrolments = enrolments.filter(facilitator=Facilitator.objects.get(user=user))
    return counts(at_risk(enrolments, today=calendar.today()))


def test_the_klaten_officer_finds_every_reason(demo: None) -> None:
    found = found_for("petugas-klaten")
    assert all(found[code] >= 1 for code in REASONS), found


def test_pendamping_finds_every_reason_among_her_own_families(demo: None) -> None:
    found = found_for("pendamping")
    assert all(found[code] >= 1 for code in REASONS), found


def test_the_kupang_officer_sees_no_klaten_family(demo: None) -> None:
    user = User.objects.get(username="petugas-kupang")
    listed = at_risk(visible(user, Enrolment.objects.all()), today=calendar.today())
    assert all(family.village_code.startswith("53.01.") for family in listed)


def test_planting_again_plants_nothing(demo: None) -> None:
    before = (Enrolment.objects.count(), DecileRecord.objects.filter(source=SOURCE).count())
    assert ensure_at_risk_families(calendar.today()) is None
    assert (Enrolment.objects.count(), DecileRecord.objects.filter(source=SOURCE).count()) == before
