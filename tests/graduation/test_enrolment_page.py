"""The enrolment page: history and records, and one form per action, each through one service."""

import datetime

import pytest
from django.test import Client

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.enterprises.models import Job, Membership
from entas.graduation.models import CaseloadAssignment, Enrolment, Loan, MarketAccess, RuleSet, Status, StatusChange
from entas.programmes.models import Programme
from tests.conftest import client_for, english_client
from tests.enterprises.factories import cooperative, enterprise
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, facilitator

pytestmark = pytest.mark.django_db
DAY = "2025-08-01"
GOOD = {"visit-per_capita_income": "700000", "visit-food_shortage": "false", "visit-business_months": "9",
        "visit-cooperative_member": "true"}


def post(client: Client, enrolment: Enrolment, name: str, data: dict[str, object]) -> tuple[int, str]:
    response = client.post(f"/programmes/enrolments/{enrolment.pk}/{name}/", data)
    return response.status_code, response.content.decode()


def step(client: Client, enrolment: Enrolment, action: str, **extra: str) -> tuple[int, str]:
    data: dict[str, object] = {"transition-action": action, "transition-on": DAY}
    data.update({f"transition-{k}": v for k, v in extra.items()})
    return post(client, enrolment, "transition", data)


def test_it_walks_a_family_to_graduation_through_the_page(
        enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    # The first visit makes the family active; its assessment is evaluated at once.
    assert post(client, enrolment, "visit", {"visit-on": DAY, "visit-notes": "usaha jalan", **GOOD})[0] == 302
    for action in ("mark_ready", "graduate"):
        assert step(client, enrolment, action)[0] == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.graduated_on) == (Status.GRADUATED, datetime.date(2025, 8, 1))
    body = client.get(f"/programmes/enrolments/{enrolment.pk}/").content.decode()
    assert "usaha jalan" in body and StatusChange.objects.filter(enrolment=enrolment).count() == 3


def test_it_refuses_to_mark_ready_without_essential_criteria(
        enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    post(client, enrolment, "visit", {"visit-on": DAY, **GOOD, "visit-food_shortage": "true"})
    status, body = step(client, enrolment, "mark_ready")
    assert status == 400 and "pendapatan" in body.lower()
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE


def test_it_refuses_an_illegal_transition_with_a_clear_message(enrolment: Enrolment, klaten_officer: User) -> None:
    status, body = step(client_for(klaten_officer), enrolment, "mark_ready")
    assert status == 400 and "(mark_ready) tidak dapat dilakukan" in body


def test_an_exit_needs_a_reason_and_records_it(enrolment: Enrolment, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    status, body = step(client, enrolment, "exit")
    assert status == 400 and 'name="transition-reason"' in body
    assert step(client, enrolment, "exit", reason="moved")[0] == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.exit_reason) == (Status.EXITED, "moved")


def test_a_bad_assessment_is_shown_on_the_field(enrolment: Enrolment, klaten_officer: User) -> None:
    status, body = post(english_client(klaten_officer), enrolment, "visit", {
        "visit-on": DAY, "visit-school_age_children": "1", "visit-children_in_school": "3"})
    assert status == 400 and "3 children in school but only 1 of school age" in body
    assert not enrolment.visits.exists()


def test_it_reassigns_with_a_reason_and_keeps_the_history(prog: Programme, agency: Agency,
                                                          klaten_officer: User) -> None:
    first, second = facilitator(agency, "pertama"), facilitator(agency, "kedua")
    enrolment = enrol(prog, fac=first)
    client = client_for(klaten_officer)
    status, body = post(client, enrolment, "reassign", {"reassign-facilitator": first.pk,
                                                        "reassign-reason": "pindah tugas"})
    assert status == 400 and 'name="reassign-facilitator"' in body
    assert post(client, enrolment, "reassign", {"reassign-facilitator": second.pk,
                                                "reassign-reason": "pindah tugas"})[0] == 302
    reasons = list(CaseloadAssignment.objects.filter(enrolment=enrolment).values_list("reason", flat=True))
    assert reasons == ["enrolment", "pindah tugas"]


def test_a_loan_moves_only_along_its_status_steps(enrolment: Enrolment, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    assert post(client, enrolment, "loan", {"loan-scheme": "mekaar", "loan-lender": "PNM", "loan-amount": "2000000",
                                            "loan-on": DAY})[0] == 302
    loan = Loan.objects.get(enrolment=enrolment)
    status, body = post(client, enrolment, "loan_status", {"loan_status-loan": loan.pk,
                                                           "loan_status-status": "repaid", "loan_status-on": DAY})
    assert status == 400 and "(repaid)" in body and "(approved)" in body
    for step_to in ("approved", "disbursed", "repaid"):
        assert post(client, enrolment, "loan_status", {"loan_status-loan": loan.pk, "loan_status-status": step_to,
                                                       "loan_status-on": DAY})[0] == 302
    loan.refresh_from_db()
    assert loan.status == "repaid"


def test_it_records_market_access(enrolment: Enrolment, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    status, _body = post(client, enrolment, "market", {"market-channel": "marketplace", "market-sales_value": "-5",
                                                       "market-on": DAY})
    assert status == 400
    assert post(client, enrolment, "market", {"market-channel": "marketplace", "market-sales_value": "750000",
                                              "market-on": DAY})[0] == 302
    assert MarketAccess.objects.get(enrolment=enrolment).sales_value == 750_000


def test_cooperative_membership_is_recorded_in_enterprises_and_read_by_the_assessment(
        enrolment: Enrolment, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    coop = cooperative()
    head = enrolment.household.members.get()
    assert post(client, enrolment, "cooperative", {"cooperative-person": head.pk, "cooperative-cooperative": coop.pk,
                                                   "cooperative-on": "2025-07-01",
                                                   "cooperative-share_principal": "100000"})[0] == 302
    assert Membership.objects.filter(person=head, cooperative=coop).exists()
    post(client, enrolment, "visit", {"visit-on": DAY, "visit-food_shortage": "false"})
    assert enrolment.assessments.get().cooperative_member is True


def test_job_placement_is_recorded_in_enterprises(enrolment: Enrolment, klaten_officer: User) -> None:
    employer = enterprise()
    head = enrolment.household.members.get()
    assert post(client_for(klaten_officer), enrolment, "job", {
        "job-person": head.pk, "job-enterprise": employer.pk, "job-on": DAY, "job-position": "pengemas"})[0] == 302
    assert Job.objects.get(person=head).enterprise == employer


def test_a_page_outside_the_scope_answers_404_and_is_logged(prog: Programme, klaten_officer: User) -> None:
    kupang = enrol(prog, KUPANG_VILLAGE)
    client = client_for(klaten_officer)
    assert client.get(f"/programmes/enrolments/{kupang.pk}/").status_code == 404
    assert step(client, kupang, "activate")[0] == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="klaten").count() == 2


def test_a_facilitator_reaches_only_her_own_families(prog: Programme, agency: Agency) -> None:
    mine, other = facilitator(agency, "saya"), facilitator(agency, "rekan")
    own, theirs = enrol(prog, fac=mine), enrol(prog, fac=other)
    client = client_for(mine.user)
    assert client.get(f"/programmes/enrolments/{own.pk}/").status_code == 200
    assert client.get(f"/programmes/enrolments/{theirs.pk}/").status_code == 404
    assert step(client, own, "activate")[0] == 302
