"""API writes for what a programme does for a family: loans with their status steps, market access,
cooperative membership and job placement — scoped (404 outside the scope or caseload, logged),
readers refused (403), bad input answered 400 naming the field with nothing written."""

from collections.abc import Callable
from typing import Any

import pytest

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises.models import Job, Membership
from entas.graduation import services
from entas.graduation.models import Enrolment, Loan, MarketAccess, Visit
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.enterprises.factories import cooperative, enterprise
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, TODAY, facilitator, home

pytestmark = pytest.mark.django_db
DAY = "2025-08-01"


def post(user: User, enrolment: Enrolment, route: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = client_for(user).post(f"/api/enrolments/{enrolment.pk}/{route}/", body, content_type="application/json")
    return response.status_code, response.json()


def apply(user: User, enrolment: Enrolment, **changes: Any) -> tuple[int, Any]:
    return post(user, enrolment, "loans", {"scheme": "kur_super_mikro", "lender": "BRI", "amount": 5_000_000,
                                           "on": DAY, **changes})


def test_a_loan_is_applied_for_and_moves_along_its_steps(enrolment: Enrolment, klaten_officer: User) -> None:
    status, loan = apply(klaten_officer, enrolment)
    assert status == 201 and loan["status"] == "applied"
    for step in ("approved", "disbursed", "repaid"):
        status, body = post(klaten_officer, enrolment, f"loans/{loan['id']}/status", {"status": step, "on": DAY})
        assert status == 200 and body["status"] == step
    listed = client_for(klaten_officer).get(f"/api/enrolments/{enrolment.pk}/loans/").json()["results"]
    assert [row["status"] for row in listed] == ["repaid"]
    assert AuditEntry.objects.filter(action="loan.status_changed").count() == 3


def test_a_loan_can_end_in_default(enrolment: Enrolment, klaten_officer: User) -> None:
    loan = apply(klaten_officer, enrolment)[1]
    for step in ("approved", "disbursed", "defaulted"):
        post(klaten_officer, enrolment, f"loans/{loan['id']}/status", {"status": step, "on": DAY})
    assert Loan.objects.get().status == "defaulted"


def test_an_illegal_loan_step_is_refused_with_a_clear_message(enrolment: Enrolment, klaten_officer: User) -> None:
    loan = apply(klaten_officer, enrolment)[1]
    status, body = post(klaten_officer, enrolment, f"loans/{loan['id']}/status", {"status": "disbursed", "on": DAY})
    assert status == 400
    [message] = body["status"]
    assert "(applied)" in message and "(disbursed)" in message and "(approved), " in message and "(rejected)" in message
    assert Loan.objects.get().status == "applied"
    status, body = post(klaten_officer, enrolment, f"loans/{loan['id']}/status", {"status": "paid", "on": DAY})
    assert status == 400 and "status" in body


def test_a_negative_loan_amount_is_refused_and_nothing_written(enrolment: Enrolment, klaten_officer: User) -> None:
    status, body = apply(klaten_officer, enrolment, amount=-5_000_000)
    assert status == 400 and body.keys() == {"amount"} and "-5000000" in body["amount"][0]
    assert apply(klaten_officer, enrolment, scheme="arisan")[1].keys() == {"scheme"}
    assert not Loan.objects.exists()


def test_market_access_is_recorded_and_a_negative_sale_refused(enrolment: Enrolment, klaten_officer: User) -> None:
    status, body = post(klaten_officer, enrolment, "market-access", {"channel": "e_catalogue", "sales_value": -1,
                                                                     "on": DAY})
    assert status == 400 and "sales_value" in body
    status, body = post(klaten_officer, enrolment, "market-access", {"channel": "e_catalogue",
                                                                     "sales_value": 2_500_000, "on": DAY})
    assert status == 201 and body["sales_value"] == 2_500_000
    assert MarketAccess.objects.get().channel == "e_catalogue"


def test_cooperative_membership_goes_through_the_enterprises_service(
        enrolment: Enrolment, klaten_officer: User) -> None:
    coop, head = cooperative(), enrolment.household.members.get()
    body = {"person": head.pk, "cooperative": coop.pk, "joined": DAY, "share_principal": 100_000}
    status, found = post(klaten_officer, enrolment, "cooperative-memberships", body)
    assert status == 201 and found["cooperative"] == coop.pk
    status, again = post(klaten_officer, enrolment, "cooperative-memberships", body)
    assert status == 400 and coop.name in str(again["person"])  # in the default language
    stranger = home().members.get()
    status, other = post(klaten_officer, enrolment, "cooperative-memberships", {**body, "person": stranger.pk})
    assert status == 400 and f" {stranger.pk} " in str(other["person"])  # in the default language
    assert Membership.objects.count() == 1
    assert AuditEntry.objects.filter(action="cooperative.member_joined").count() == 1


def test_job_placement_goes_through_the_enterprises_service(enrolment: Enrolment, klaten_officer: User) -> None:
    employer, head = enterprise(), enrolment.household.members.get()
    far = enterprise("Tenun Ikat", KUPANG_VILLAGE, nib="1234567890124")
    status, body = post(klaten_officer, enrolment, "jobs", {"person": head.pk, "enterprise": far.pk, "start": DAY})
    assert status == 400 and "enterprise" in body
    status, body = post(klaten_officer, enrolment, "jobs", {"person": head.pk, "enterprise": employer.pk,
                                                            "start": DAY, "position": "pengemas"})
    assert status == 201 and body["position"] == "pengemas"
    assert Job.objects.get().person == head


def test_every_write_route_refuses_a_family_outside_the_scope_with_404(
        prog: Programme, agency: Agency, klaten_officer: User, make_user: Callable[..., User]) -> None:
    kupang = enrol(prog, KUPANG_VILLAGE)
    loan = services.record_loan(None, kupang, scheme="mekaar", lender="PNM", amount=1_000_000, on=TODAY)
    coop, firm = cooperative(village=KUPANG_VILLAGE), enterprise(village=KUPANG_VILLAGE)
    head = kupang.household.members.get()
    writes: dict[str, dict[str, Any]] = {
        "loans": {"scheme": "mekaar", "lender": "PNM", "amount": 1, "on": DAY},
        f"loans/{loan.pk}/status": {"status": "approved", "on": DAY},
        "market-access": {"channel": "marketplace", "sales_value": 1, "on": DAY},
        "cooperative-memberships": {"person": head.pk, "cooperative": coop.pk, "joined": DAY},
        "jobs": {"person": head.pk, "enterprise": firm.pk, "start": DAY},
        "transition": {"to": "active", "on": DAY},
        "visits": {"on": DAY},
    }
    mine, other = facilitator(agency, "saya"), facilitator(agency, "rekan")
    writes["reassign"] = {"facilitator": mine.pk, "reason": "pindah"}
    for route, body in writes.items():
        assert post(klaten_officer, kupang, route, body)[0] == 404, route
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="klaten").count() == len(writes)
    theirs = enrol(prog, fac=other)
    their_loan = services.record_loan(None, theirs, scheme="mekaar", lender="PNM", amount=1, on=TODAY)
    writes[f"loans/{their_loan.pk}/status"] = writes.pop(f"loans/{loan.pk}/status")
    for route, body in writes.items():
        assert post(mine.user, theirs, route, body)[0] == 404, route
    analyst = make_user("analis", Role.ANALYST, "33.10")
    assert apply(analyst, enrol(prog))[0] == 403
    assert (Loan.objects.count(), MarketAccess.objects.count(), Membership.objects.count(),
            Job.objects.count(), Visit.objects.count()) == (2, 0, 0, 0, 0)
    assert Loan.objects.get(pk=loan.pk).status == "applied"
    kupang.refresh_from_db()
    theirs.refresh_from_db()
    assert (kupang.status, kupang.facilitator, theirs.status, theirs.facilitator) == ("enrolled", None, "enrolled",
                                                                                      other)


def test_a_loan_of_another_family_is_not_found(prog: Programme, klaten_officer: User) -> None:
    first, second = enrol(prog), enrol(prog)
    loan = services.record_loan(None, second, scheme="mekaar", lender="PNM", amount=1, on=TODAY)
    assert post(klaten_officer, first, f"loans/{loan.pk}/status", {"status": "approved", "on": DAY})[0] == 404
