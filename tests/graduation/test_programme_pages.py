"""Pages: the programme with its results, and a facilitator's own families."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from entas.accounts.models import Agency, User
from entas.graduation import reports, services
from entas.graduation import services as graduation
from entas.graduation.models import Enrolment
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, TODAY, facilitator, programme

pytestmark = pytest.mark.django_db


def test_the_programme_page_reports_only_inside_the_scope(agency: Agency, klaten_officer: User,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    prog = programme(agency)
    with django_capture_on_commit_callbacks(execute=True):  # the tally follows the committed events
        enrol(prog)
        enrol(prog, KUPANG_VILLAGE)
    body = client_for(klaten_officer).get(f"/programmes/{prog.pk}/").content.decode()
    assert "33.10" in body and "53.01" not in body
    assert prog.name in client_for(klaten_officer).get("/programmes/").content.decode()


def test_my_families_lists_my_caseload_and_progress(agency: Agency) -> None:
    prog = programme(agency)
    mine, other = facilitator(agency, "saya", capacity=5), facilitator(agency, "rekan")
    own, theirs = enrol(prog, fac=mine), enrol(prog, fac=other)
    body = client_for(mine.user).get("/programmes/my-families/").content.decode()
    assert own.household.kk_number in body and theirs.household.kk_number not in body
    assert "1 of 5" in body or "1 dari 5" in body


def test_rates_count_graduations_and_relapses_by_cohort(agency: Agency) -> None:
    prog = programme(agency)
    graduation.create_rule_set(None, prog, [{"code": "no_food_shortage"}])
    done, relapsed, _waiting = enrol(prog), enrol(prog), enrol(prog)
    for enrolment in (done, relapsed):
        services.record_visit(None, enrolment, on=TODAY, assessment={"food_shortage": False})
        graduation.activate(None, enrolment, on=TODAY)
        graduation.mark_ready(None, enrolment, on=TODAY)
        graduation.graduate(None, enrolment, on=TODAY)
    graduation.relapse(None, relapsed, on=TODAY, note="usaha tutup")
    [row] = reports.rates(Enrolment.objects.all(), "cohort")
    assert (row["key"], row["enrolled"], row["graduated"], row["relapse_count"]) == ("2025-Q3", 3, 1, 1)
    assert row["relapse_rate"] == 0.5


def test_my_families_puts_those_needing_a_visit_first(agency: Agency) -> None:
    prog = programme(agency)
    mine = facilitator(agency, "saya")
    today = timezone.localdate()
    recent, stale, never = enrol(prog, fac=mine), enrol(prog, fac=mine), enrol(prog, fac=mine)
    services.record_visit(None, recent, on=today)
    services.record_visit(None, stale, on=today - datetime.timedelta(days=40))
    response = client_for(mine.user).get("/programmes/my-families/")
    assert [f.enrolment.pk for f in response.context["families"]] == [never.pk, stale.pk, recent.pk]
    assert dict((kind, n) for kind, _label, n in response.context["counts"])["visit"] == 2
    assert response.content.decode().count("<strong>") >= 2


def test_the_reports_work_for_a_facilitator_on_her_own_families(agency: Agency) -> None:
    prog = programme(agency)
    graduation.create_rule_set(None, prog, [{"code": "no_food_shortage"}])
    mine, other = facilitator(agency, "saya"), facilitator(agency, "rekan")
    done = enrol(prog, fac=mine)
    enrol(prog, fac=mine), enrol(prog, fac=other), enrol(prog, fac=other)
    services.record_visit(None, done, on=TODAY, assessment={"food_shortage": False})
    today = timezone.localdate()
    for step in (graduation.activate, graduation.mark_ready, graduation.graduate):
        step(None, done, on=today)
    client = client_for(mine.user)
    detail = client.get(f"/programmes/{prog.pk}/").context
    [cohort] = detail["by_cohort"]
    assert (cohort["enrolled"], cohort["graduated"], cohort["graduation_rate"]) == (2, 1, 0.5)
    assert [row["enrolled"] for row in detail["by_regency"]] == [2]
    report = client.get("/programmes/facilitators/", {"year": str(today.year)}).context
    [progress] = report["progress"]
    assert (progress.pk, progress.open_cases, progress.graduated, progress.yearly_target) == (mine.pk, 2, 1, 10)
    assert [(row["key"], row["enrolled"]) for row in report["rates"]] == [(str(mine), 2)]
    assert client.get("/programmes/facilitators/", {"year": "2020"}).context["progress"][0].graduated == 0
    own = client.get("/programmes/my-families/").context["facilitator"]
    assert (own.graduated, own.open_cases, own.yearly_target) == (1, 2, 10)
