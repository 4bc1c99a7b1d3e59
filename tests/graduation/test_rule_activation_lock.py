"""Activating a rule-set version while evaluations run is serialised, never interleaved: an
evaluation holds the programme row in share mode while it reads the active version, and activation
locks it exclusively. Shown on PostgreSQL with two real connections (SQLite has one writer at a time
anyway). The data must be committed for the second connection to see it, so the test is
transactional, with the reference-data care of the browser tests (regions put back, audit triggers
lifted around the flush)."""

import datetime
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_migrate

from entas.accounts.models import Agency
from entas.graduation import rules
from entas.graduation.evaluate import record_evaluation
from entas.graduation.interventions import record_visit
from entas.graduation.models import Enrolment, Evaluation, RuleSet, RuleSetStatus
from tests.browser.conftest import (  # noqa: F401  (_region_snapshot is a fixture)
    _after_flush,
    _protect_audit_log,
    _region_snapshot,
    _restore_reference_data,
)
from tests.graduation.factories import enrol
from tests.programmes.factories import programme

INCOME = {"field": "per_capita_income", "operator": ">=", "threshold": 1, "unit": "poverty_line"}
FOOD = {"field": "food_shortage", "operator": "=", "threshold": "no"}
WAIT = 0.5
# Decided before any fixture runs: a transactional test on SQLite would flush its tables for nothing.
pytestmark = pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                                reason="row locks are shown on PostgreSQL")


@pytest.fixture
def committed(transactional_db: None, _region_snapshot: None) -> Iterator[None]:  # noqa: F811
    _restore_reference_data("default")
    _protect_audit_log("default", protect=True)
    yield
    _protect_audit_log("default", protect=False)
    post_migrate.connect(_after_flush, dispatch_uid="browser-tests-after-flush", weak=False)


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    done: dict[str, Any] = {}

    def run() -> None:
        try:
            done["value"] = work()
        except BaseException as exc:  # handed to the test
            done["error"] = exc
        finally:
            done["at"] = time.monotonic()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


@pytest.fixture
def family(committed: None) -> tuple[Enrolment, RuleSet]:
    agency = Agency.objects.create(code="kemenkop", name="Kementerian Koperasi", kind="ministry")
    prog = programme(agency)
    rules.set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 3, 1), amount=500_000)
    rules.create_rule_set(None, prog, [INCOME])
    enrolment = enrol(prog)
    record_visit(None, enrolment, on=datetime.date(2025, 8, 1),
                 assessment={"per_capita_income": 600_000, "food_shortage": True})
    return enrolment, rules.draft_rule_set(None, prog, [INCOME, FOOD])


def test_activation_waits_for_a_running_evaluation(family: tuple[Enrolment, RuleSet]) -> None:
    enrolment, draft = family
    evaluating, release = threading.Event(), threading.Event()

    def evaluation() -> Evaluation:
        with transaction.atomic():
            found = record_evaluation(None, enrolment)
            evaluating.set()
            release.wait(10)
            return found

    evaluator, evaluated = in_thread(evaluation)
    assert evaluating.wait(10)
    activator, activated = in_thread(lambda: rules.activate_rule_set(None, draft))
    time.sleep(WAIT)
    assert activator.is_alive(), "the activation went ahead while an evaluation was reading the rules"
    released = time.monotonic()
    release.set()
    evaluator.join(10)
    activator.join(10)
    assert "error" not in evaluated and "error" not in activated
    assert activated["at"] >= released
    assert evaluated["value"].rule_set.version == 1 and evaluated["value"].essentials_met is True
    assert RuleSet.objects.get(pk=draft.pk).status == RuleSetStatus.ACTIVE


def test_an_evaluation_waits_for_an_activation_and_reads_the_new_version(family: tuple[Enrolment, RuleSet]) -> None:
    enrolment, draft = family
    activating, release = threading.Event(), threading.Event()

    def activation() -> RuleSet:
        with transaction.atomic():
            found = rules.activate_rule_set(None, draft)
            activating.set()
            release.wait(10)
            return found

    activator, activated = in_thread(activation)
    assert activating.wait(10)
    evaluator, evaluated = in_thread(lambda: record_evaluation(None, enrolment))
    time.sleep(WAIT)
    assert evaluator.is_alive(), "the evaluation read the rules while a new version was being activated"
    released = time.monotonic()
    release.set()
    activator.join(10)
    evaluator.join(10)
    assert "error" not in evaluated and "error" not in activated
    assert evaluated["at"] >= released
    assert evaluated["value"].rule_set.version == 2 and evaluated["value"].essentials_met is False
