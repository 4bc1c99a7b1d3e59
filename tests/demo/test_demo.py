"""`entas demo` is what `make run` runs: it must build a usable installation, and twice."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from entas.accounts.models import User
from entas.enterprises.models import CooperativeAccess, Enterprise
from entas.graduation.models import Enrolment
from entas.monitoring.models import Indicator, Rollup
from entas.programmes.models import Facilitator
from entas.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def test_the_demo_loads_users_registry_enterprises_and_indicators(tmp_path: Path) -> None:
    out = io.StringIO()
    with override_settings(DATA_DIR=tmp_path):
        call_command("demo", people=600, stdout=out)
        households = Household.objects.count()
        call_command("demo", people=600, stdout=io.StringIO())  # a second start keeps what exists
    assert User.objects.filter(username="petugas-klaten", region_id="33.10").exists()
    assert households > 100 and Household.objects.count() == households
    assert Person.objects.count() >= 500
    assert Enterprise.objects.exists()
    assert Indicator.objects.filter(code="extreme_poor_households").exists()
    assert Rollup.objects.exists()
    assert "entas-demo-2026" in out.getvalue()
    # The confined demo users find work: her own families, his own cooperative.
    assert Facilitator.objects.filter(user__username="pendamping", region_id="33.10.01").exists()
    assert Enrolment.objects.filter(facilitator__user__username="pendamping").count() == min(
        30, Household.objects.filter(village__pk__startswith="33.10.01.", decile__lte=2).count())
    assert CooperativeAccess.objects.filter(user__username="pengurus-koperasi").exists()
