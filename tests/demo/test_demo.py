"""`entas demo` is what `make run` runs: it must build a usable installation where every demo user
finds work, deterministically, and a second run must recognise it and create nothing twice.

The demo is loaded once for the module (a smaller registry and about 100 families, so it takes
seconds) inside a transaction rolled back at the end."""

import io
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.demo import extracts
from entas.demo import warnings as demo_warnings
from entas.demo.management.commands.demo import DEMO_REGIONS, EXTRACT_DATE, SEED
from entas.enterprises.models import CooperativeAccess, Enterprise
from entas.graduation import cooperative_queries, due
from entas.graduation.models import (
    Area,
    Assessment,
    Enrolment,
    FollowUp,
    Loan,
    MarketAccess,
    OverrideDecision,
    PovertyLine,
    ReadinessOverride,
    RuleSet,
    RuleSetStatus,
    Status,
    TrainingSession,
    Visit,
)
from entas.graduation.queries import enrolments_for
from entas.monitoring.models import Indicator, Rollup, Target
from entas.partnerships.models import Agreement, AgreementStatus, Partner
from entas.programmes.models import Facilitator, Programme
from entas.registry import synth
from entas.registry.models import DecileRecord, Household, Person
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
PEOPLE, FAMILIES = 8_000, 100
COUNTED = (Programme, Facilitator, Enrolment, Visit, Assessment, FollowUp, Loan, MarketAccess, TrainingSession,
           ReadinessOverride, Target, Partner, Agreement, Household, Enterprise)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = io.StringIO()
    data = Path(tmp_path_factory.mktemp("demo"))
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data), transaction.atomic():
        call_command("demo", people=PEOPLE, families=FAMILIES, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_demo_loads_users_registry_enterprises_and_indicators(demo: str) -> None:
    assert User.objects.filter(username="petugas-klaten", region_id="33.10").exists()
    assert Household.objects.count() > 1_000 and Person.objects.count() >= 7_000
    assert Enterprise.objects.exists()
    assert Indicator.objects.filter(code="extreme_poor_households").exists()
    assert Rollup.objects.exists()
    assert "entas-demo-2026" in demo


def test_a_second_run_recognises_the_demo_and_creates_nothing_twice(demo: str, tmp_path: Path) -> None:
    changes = AuditEntry.objects.exclude(action="period.opened")  # opening a year again is a no-op, audited
    before, audit_entries = counts(), changes.count()
    started = time.monotonic()
    out = io.StringIO()
    call_command("demo", people=PEOPLE, families=FAMILIES, stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts() == before
    assert changes.count() - audit_entries <= 1  # the refresh of the rollups, at most
    assert time.monotonic() - started < 15


def test_the_programme_has_its_rules_lines_and_facilitators(demo: str) -> None:
    programme = Programme.objects.get()
    assert programme.start.year == timezone.localdate().year - 2
    assert RuleSet.objects.filter(programme=programme, status=RuleSetStatus.ACTIVE).exists()
    assert PovertyLine.objects.filter(province_id="53", area=Area.RURAL).count() >= 6
    assert Facilitator.objects.count() == 20
    assert Facilitator.objects.filter(user__username="pendamping", region_id="33.10.01").exists()
    assert User.objects.filter(username="pendamping-20", role="facilitator").exists()


def test_every_pathway_state_is_present(demo: str) -> None:
    by_status = {s: Enrolment.objects.filter(status=s).count() for s in Status.values}
    assert all(by_status.values()), by_status
    assert Enrolment.objects.filter(status=Status.ACTIVE, relapses__gt=0).exists()  # relapsed, back to active
    assert FollowUp.objects.filter(enrolment__status=Status.GRADUATED).exists()  # graduated, in follow-up
    assert 80 <= sum(by_status.values()) <= 140


def test_families_have_visits_incomes_and_support(demo: str) -> None:
    assert Visit.objects.count() >= 4 * Enrolment.objects.count()
    rising = Enrolment.objects.filter(status__in=[Status.GRADUATED, Status.SUSTAINED]).first()
    assert rising is not None
    incomes = [a.per_capita_income or 0 for a in Assessment.objects.filter(enrolment=rising).order_by("date")]
    assert incomes[-1] > incomes[0]
    assert Loan.objects.values("status").distinct().count() >= 3
    assert MarketAccess.objects.exists() and TrainingSession.objects.filter(attendees__isnull=False).exists()


def test_targets_and_partners_are_there(demo: str) -> None:
    year = timezone.localdate().year
    assert Target.objects.filter(indicator__code="graduated", period__year=year, region__isnull=True).exists()
    assert Target.objects.filter(indicator__code="graduated", period__year=year - 1, region_id="33.10").exists()
    assert Target.objects.filter(achieved__isnull=False).exclude(evidence="").exists()
    assert 95 <= Partner.objects.count() <= 110 and 140 <= Agreement.objects.count() <= 160
    statuses = {a.status for a in Agreement.objects.with_status()}  # type: ignore[attr-defined]
    assert {AgreementStatus.EXPIRING, AgreementStatus.EXPIRED, AgreementStatus.ACTIVE} <= statuses


def test_the_facilitator_finds_her_families(demo: str) -> None:
    user = User.objects.get(username="pendamping")
    mine = Enrolment.objects.filter(facilitator__user=user)
    available = Household.objects.filter(village__pk__startswith="33.10.01.", decile__lte=2).count()
    assert mine.count() == min(35, available) > 0
    listed = due.families(enrolments_for(user).filter(facilitator__user=user), timezone.localdate())
    assert len(listed) == mine.exclude(status__in=[Status.SUSTAINED, Status.EXITED]).count() > 0
    assert client_for(user).get(reverse("graduation:my_families")).status_code == 200


def test_the_officers_have_overrides_to_decide(demo: str) -> None:
    for username in ("petugas-klaten", "petugas-kupang"):
        user = User.objects.get(username=username)
        pending = ReadinessOverride.objects.filter(decision=OverrideDecision.PENDING,
                                                   enrolment__in=enrolments_for(user))
        assert pending.exists(), username
        assert client_for(user).get(reverse("graduation:overrides")).status_code == 200


def test_the_cooperative_manager_has_candidates(demo: str) -> None:
    access = CooperativeAccess.objects.get(user__username="pengurus-koperasi")
    assert access.cooperative.village_id.startswith("33.10.01.")
    assert cooperative_queries.candidates(access.cooperative).exists()
    page = client_for(access.user).get(reverse("my_cooperative:mine"), follow=True)
    assert page.status_code == 200


def test_the_administrator_finds_agreements_expiring(demo: str) -> None:
    admin = client_for(User.objects.get(username="admin"))
    assert admin.get(reverse("partnerships:expiring")).status_code == 200
    assert admin.get(reverse("partnerships:partners")).status_code == 200


def test_the_analyst_and_the_api_client_see_programme_numbers(demo: str) -> None:
    assert enrolments_for(User.objects.get(username="api-mitra")).exists()
    assert enrolments_for(User.objects.get(username="analis")).count() == Enrolment.objects.count()


def extract_dates() -> list[date]:
    """The dates of the quarterly extracts (not the small DTSEN update of entas.demo.warnings)."""
    extract = DecileRecord.objects.exclude(source=demo_warnings.SOURCE)
    return sorted(extract.order_by("date").values_list("date", flat=True).distinct())


def test_the_registry_holds_quarterly_extracts_ending_at_the_current_values(demo: str) -> None:
    dates = extract_dates()
    assert len(dates) >= extracts.MIN_EXTRACTS and dates[-1] == EXTRACT_DATE
    assert DecileRecord.objects.exclude(source=demo_warnings.SOURCE).count() == len(dates) * Household.objects.count()
    folder = Path(settings.DATA_DIR) / "demo"
    files = sorted(folder.glob("households-*.csv"))
    assert [path.name for path in files] == [f"households-{day.isoformat()}.csv" for day in dates]
    latest = pl.read_csv(files[-1], infer_schema=False)
    stored = dict(Household.objects.values_list("kk_number", "per_capita_income"))
    assert {kk: int(income) for kk, income in latest.select("kk_number", "per_capita_income").iter_rows()} == stored
    programme = dict(pl.read_csv(folder / "programme.csv", infer_schema=False).iter_rows())
    enrolled = {kk: day.isoformat() for kk, day in Enrolment.objects.values_list("household__kk_number", "enrolled_on")}
    # The families entas.demo.warnings enrols later (to put some at risk) are not in the extracts' file.
    assert programme.items() <= enrolled.items() and len(enrolled) - len(programme) < 20
    first_wave = min(Enrolment.objects.values_list("enrolled_on", flat=True))
    assert sum(day <= first_wave for day in dates) >= 2


def test_the_families_carry_the_planted_effect_after_their_enrolment(demo: str) -> None:
    codes = synth.parse_codes(DEMO_REGIONS, "--regions")
    geo = synth.load_geography(codes, synth.default_poor_regions(codes))
    dates = extract_dates()
    folder = Path(settings.DATA_DIR) / "demo"
    enrolled = {kk: date.fromisoformat(day)
                for kk, day in pl.read_csv(folder / "programme.csv", infer_schema=False).iter_rows()}
    options = synth.ExtractConfig(extracts=len(dates), effect=0.0, enrolled=enrolled,
                                  anchor="first")
    _, without = synth.generate_extracts(geo, synth.SynthConfig(people=PEOPLE, seed=SEED), options)
    incomes = np.stack([pl.read_csv(folder / f"households-{day.isoformat()}.csv")["per_capita_income"].to_numpy()
                        for day in dates], axis=1)
    counterfactual = np.stack([frame["per_capita_income"].to_numpy() for frame in without.households], axis=1)
    assert without.treated.sum() > 100
    effect = np.log(incomes) - np.log(counterfactual)
    assert abs(effect[without.treated].mean() - extracts.EFFECT) < 0.002
    assert (effect[~without.treated] == 0).all()
