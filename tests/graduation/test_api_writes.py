"""API writes on an enrolment: pathway steps and visits, scoped, validated, through the services."""

import datetime
from collections.abc import Callable

import pytest

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises import services as enterprises
from entas.graduation.models import Enrolment, RuleSet, Status, StatusChange
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.enterprises.factories import cooperative
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, facilitator

pytestmark = pytest.mark.django_db
DAY = "2025-08-01"
GOOD = {"per_capita_income": 700_000, "food_shortage": False, "business_months": 9, "cooperative_member": True}


def move(user: User, enrolment: Enrolment, **body: object) -> tuple[int, dict[str, object]]:
    response = client_for(user).post(f"/api/enrolments/{enrolment.pk}/transition/", {"on": DAY, **body},
                                     content_type="application/json")
    return response.status_code, response.json()


def visit(user: User, enrolment: Enrolment, **body: object) -> tuple[int, dict[str, object]]:
    response = client_for(user).post(f"/api/enrolments/{enrolment.pk}/visits/", body, content_type="application/json")
    return response.status_code, response.json()


def test_it_moves_a_family_to_graduation_by_target_status(
        enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    # The first visit makes an enrolled family active.
    assert visit(klaten_officer, enrolment, on=DAY, notes="kunjungan", assessment=GOOD)[0] == 201
    for target in ("ready", "graduated"):
        status, body = move(klaten_officer, enrolment, to=target)
        assert status == 200 and body["status"] == target
    assert list(StatusChange.objects.filter(enrolment=enrolment).values_list("action", flat=True)) == [
        "activate", "mark_ready", "graduate"]


def test_it_refuses_to_mark_ready_without_essential_criteria(
        enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    visit(klaten_officer, enrolment, on=DAY, assessment={**GOOD, "food_shortage": True})
    status, body = move(klaten_officer, enrolment, action="mark_ready")
    assert status == 400 and set(body) == {"status"}
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE


def test_an_illegal_move_answers_400_naming_the_field(enrolment: Enrolment, klaten_officer: User) -> None:
    status, body = move(klaten_officer, enrolment, to="graduated")
    assert status == 400 and "(graduated)" in str(body["to"]) and "(active)" in str(body["to"])
    assert move(klaten_officer, enrolment, action="fly")[1].keys() == {"action"}
    assert move(klaten_officer, enrolment, action="exit")[1].keys() == {"exit_reason"}
    assert move(klaten_officer, enrolment)[1].keys() == {"to"}
    assert move(klaten_officer, enrolment, to="exited", exit_reason="moved")[1]["status"] == "exited"


def test_a_bad_visit_answers_400_naming_the_field(enrolment: Enrolment, klaten_officer: User) -> None:
    assert visit(klaten_officer, enrolment, notes="x")[1].keys() == {"on"}
    status, body = visit(klaten_officer, enrolment, on=DAY, assessment={"savings": -1})
    assert status == 400 and "savings" in str(body["assessment"])
    assert "income" in str(visit(klaten_officer, enrolment, on=DAY, assessment={"income": 5})[1])
    status, body = visit(klaten_officer, enrolment, on=DAY,
                         assessment={"school_age_children": 1, "children_in_school": 2})
    assert status == 400 and "children_in_school" in body
    assert not enrolment.visits.exists()


def test_a_visit_reads_cooperative_membership_from_enterprises(enrolment: Enrolment, klaten_officer: User) -> None:
    enterprises.join_cooperative(None, cooperative(), enrolment.household.members.get(),
                                 joined=datetime.date(2025, 1, 1))
    assert visit(klaten_officer, enrolment, on=DAY, assessment={"food_shortage": False})[0] == 201
    assert enrolment.assessments.get().cooperative_member is True


def test_writes_outside_the_scope_answer_404_and_readers_403(
        prog: Programme, agency: Agency, klaten_officer: User, make_user: Callable[..., User]) -> None:
    kupang = enrol(prog, KUPANG_VILLAGE)
    assert move(klaten_officer, kupang, to="active")[0] == 404
    assert visit(klaten_officer, kupang, on=DAY)[0] == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="klaten").count() == 2
    mine, other = facilitator(agency, "saya"), facilitator(agency, "rekan")
    theirs = enrol(prog, fac=other)
    assert move(mine.user, theirs, to="active")[0] == 404
    analyst = make_user("analis", Role.ANALYST, "33.10")
    assert move(analyst, enrol(prog), to="active")[0] == 403


def test_it_reassigns_through_the_api_with_a_reason(prog: Programme, agency: Agency, klaten_officer: User) -> None:
    first, second = facilitator(agency, "pertama"), facilitator(agency, "kedua")
    kupang = facilitator(agency, "kupang_f", region="53.01.04")
    enrolment = enrol(prog, fac=first)
    client = client_for(klaten_officer)
    url = f"/api/enrolments/{enrolment.pk}/reassign/"
    bad = client.post(url, {"facilitator": kupang.pk, "reason": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "facilitator" in bad.json()
    assert "reason" in client.post(url, {"facilitator": second.pk}, content_type="application/json").json()
    done = client.post(url, {"facilitator": second.pk, "reason": "cuti"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["facilitator"] == second.pk
