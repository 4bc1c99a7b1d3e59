"""Dates of things that happened are not in the future (Asia/Jakarta) nor before 1900 (issue 12,
item 15): every service that records such a date refuses it, naming the field, through the API and
the pages alike, and writes nothing."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from entas.accounts.models import Agency, User
from entas.enterprises import services as kumkm
from entas.enterprises.models import Cooperative, Enterprise, Group, GroupMember, Job, Membership
from entas.graduation import services as graduation
from entas.graduation.models import Enrolment, FollowUp, Loan, MarketAccess, StatusChange, TrainingSession, Visit
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.enterprises.factories import cooperative, enterprise, person
from tests.graduation.factories import enrol
from tests.programmes.factories import KLATEN_VILLAGE, TODAY, home, programme

pytestmark = pytest.mark.django_db
FAR = "9999-12-31"
OLD = "1899-12-31"


def tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def prog(agency: Agency) -> Programme:
    return programme(agency, end=datetime.date(9999, 12, 31))


@pytest.fixture
def enrolment(prog: Programme) -> Enrolment:
    return enrol(prog)


def api(user: User, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = client_for(user).post(path, body, content_type="application/json")
    return response.status_code, response.json()


def test_a_visit_dated_9999_is_refused_naming_the_date(enrolment: Enrolment, klaten_officer: User) -> None:
    path = f"/api/enrolments/{enrolment.pk}/visits/"
    for day in (FAR, tomorrow(), OLD):
        status, body = api(klaten_officer, path, {"on": day, "notes": "x"})
        assert status == 400 and set(body) == {"on"}, (day, body)
    assert not Visit.objects.exists()
    assert api(klaten_officer, path, {"on": timezone.localdate().isoformat()})[0] == 201


@pytest.mark.parametrize(("route", "body", "field", "model"), [
    ("loans", {"scheme": "mekaar", "lender": "PNM", "amount": 1_000_000}, "on", Loan),
    ("market-access", {"channel": "marketplace", "sales_value": 1}, "on", MarketAccess),
    ("transition", {"to": "active"}, "on", StatusChange),
])
def test_enrolment_writes_refuse_a_future_date(enrolment: Enrolment, klaten_officer: User, route: str,
                                               body: dict[str, Any], field: str, model: Any) -> None:
    for day in (FAR, OLD):
        status, answer = api(klaten_officer, f"/api/enrolments/{enrolment.pk}/{route}/", {**body, field: day})
        assert status == 400 and field in answer, (day, answer)
    assert not model.objects.exists()


def test_a_loan_status_step_in_the_future_is_refused(enrolment: Enrolment, klaten_officer: User) -> None:
    loan = graduation.record_loan(None, enrolment, scheme="mekaar", lender="PNM", amount=1, on=TODAY)
    status, body = api(klaten_officer, f"/api/enrolments/{enrolment.pk}/loans/{loan.pk}/status/",
                       {"status": "approved", "on": FAR})
    assert status == 400 and "on" in body
    loan.refresh_from_db()
    assert loan.status == "applied"


def test_membership_and_job_through_the_enrolment_refuse_a_future_date(
        enrolment: Enrolment, klaten_officer: User) -> None:
    head = enrolment.household.members.get()
    coop, firm = cooperative(), enterprise()
    status, body = api(klaten_officer, f"/api/enrolments/{enrolment.pk}/cooperative-memberships/",
                       {"person": head.pk, "cooperative": coop.pk, "joined": FAR})
    assert status == 400 and "joined" in body
    status, body = api(klaten_officer, f"/api/enrolments/{enrolment.pk}/jobs/",
                       {"person": head.pk, "enterprise": firm.pk, "start": FAR})
    assert status == 400 and "start" in body
    assert not Membership.objects.exists() and not Job.objects.exists()


def test_graduation_and_follow_up_dates_are_not_in_the_future(enrolment: Enrolment, klaten_officer: User) -> None:
    graduation.create_rule_set(None, enrolment.programme, [{"code": "no_food_shortage", "essential": True}])
    graduation.record_visit_with_assessment(None, enrolment, date=TODAY, measures={"food_shortage": False})
    graduation.mark_ready(None, enrolment, on=TODAY)
    for action in (graduation.graduate, graduation.relapse):
        with pytest.raises(ValidationError) as refused:
            action(None, enrolment, on=datetime.date(9999, 12, 31))
        assert "on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        graduation.exit_enrolment(None, enrolment, reason="moved", on=datetime.date(1899, 1, 1))
    assert "on" in refused.value.message_dict
    Enrolment.objects.filter(pk=enrolment.pk).update(status="graduated", graduated_on=TODAY)
    enrolment.refresh_from_db()
    status, body = api(klaten_officer, f"/api/enrolments/{enrolment.pk}/transition/",
                       {"action": "follow_up", "month": 6, "on": FAR})
    assert status == 400 and "on" in body and not FollowUp.objects.exists()


def test_a_training_session_cannot_be_held_in_the_future(prog: Programme, klaten_officer: User) -> None:
    body = {"programme": prog.pk, "kind": "training", "topic": "Pembukuan", "date": FAR, "region": "33.10.01",
            "attendees": []}
    status, answer = api(klaten_officer, "/api/training-sessions/", body)
    assert status == 400 and "date" in answer
    page = client_for(klaten_officer).post("/programmes/sessions/new/", {
        "programme": prog.pk, "kind": "training", "topic": "Pembukuan", "on": tomorrow(), "region": "33.10.01"})
    assert page.status_code == 400
    assert not TrainingSession.objects.exists()


def test_enrolment_dates_are_not_in_the_future(prog: Programme, klaten_officer: User) -> None:
    with pytest.raises(ValidationError) as refused:
        graduation.enrol_household(None, prog, home(), on=datetime.date(9999, 12, 31))
    assert "on" in refused.value.message_dict
    from entas.graduation.bulk import enrol_in_bulk

    with pytest.raises(ValidationError) as refused:
        enrol_in_bulk(None, prog, region_codes=["33.10"], on=datetime.date(9999, 12, 31))
    assert "on" in refused.value.message_dict
    assert not Enrolment.objects.exists()


@pytest.fixture
def siti(db: Any) -> Any:
    return person("3310010101850001", KLATEN_VILLAGE)


def test_cooperative_pages_refuse_future_dates(klaten_officer: User, siti: Any) -> None:
    client, coop, firm = client_for(klaten_officer), cooperative(), enterprise()
    nik = siti.nik
    pages: list[tuple[str, dict[str, str], str]] = [
        ("/enterprises/cooperatives/new/", {"name": "Koperasi Baru", "type": "savings_loan",
                                            "village": KLATEN_VILLAGE, "founded": FAR}, "founded"),
        (f"/enterprises/cooperatives/{coop.pk}/join/", {"nik": nik, "joined": FAR, "share_principal": "0",
                                                        "share_mandatory": "0"}, "joined"),
        (f"/enterprises/{firm.pk}/jobs/new/", {"nik": nik, "start": FAR}, "start"),
        ("/enterprises/groups/new/", {"name": "Sentra", "kind": "sentra", "sector": "C", "region": "33.10.01",
                                      "formed": FAR}, "formed"),
    ]
    for url, data, field in pages:
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert field in response.context["form"].errors, (url, response.context["form"].errors)
    assert Cooperative.objects.count() == 1 and not Membership.objects.exists() and not Job.objects.exists()
    assert not Group.objects.exists()


def test_leaving_ending_and_group_joining_refuse_future_dates(klaten_officer: User, siti: Any) -> None:
    client, coop, firm = client_for(klaten_officer), cooperative(), enterprise()
    membership = kumkm.join_cooperative(None, coop, siti, joined=TODAY)
    job = kumkm.record_job(None, firm, siti, start=TODAY)
    group = kumkm.form_group(None, name="Sentra", kind="sentra", sector="C", region_code="33.10.01", formed=TODAY)
    left = client.post(f"/enterprises/memberships/{membership.pk}/leave/", {"left": FAR})
    assert left.status_code == 400 and "left" in left.context["form"].errors
    ended = client.post(f"/enterprises/jobs/{job.pk}/end/", {"end": FAR})
    assert ended.status_code == 400 and "end" in ended.context["form"].errors
    joined = client.post(f"/enterprises/groups/{group.pk}/members/new/", {"nik": siti.nik, "joined": FAR})
    assert joined.status_code == 400 and "joined" in joined.context["form"].errors
    membership.refresh_from_db()
    job.refresh_from_db()
    assert membership.left is None and job.end is None and not GroupMember.objects.exists()


Call = Callable[[], object]


def test_the_other_kumkm_services_refuse_future_and_ancient_dates(siti: Any) -> None:
    coop, far = cooperative(), datetime.date(9999, 12, 31)
    unit = kumkm.add_business_unit(None, coop, kind="clinic")
    calls: list[tuple[str, Call]] = [
        ("founded", lambda: enterprise("Baru", nib="1234567890999", founded=far)),
        ("on", lambda: enterprise("Baru", nib="1234567890999", on=far)),
        ("opened", lambda: kumkm.add_business_unit(None, coop, kind="office", opened=far)),
        ("opened", lambda: kumkm.set_unit_status(None, unit, status="operating", opened=datetime.date(1850, 1, 1))),
        ("start", lambda: kumkm.appoint_manager(None, coop, siti, role="chair", start=far)),
    ]
    for field, call in calls:
        with pytest.raises(ValidationError) as refused:
            call()
        assert field in refused.value.message_dict, field
    assert not Enterprise.objects.filter(name="Baru").exists() and coop.units.count() == 1
    assert not coop.managers.exists()
