"""Enrolment services: bad input answered with a clear message naming the field, nothing half-written."""


import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import Agency
from entas.core.models import AuditEntry
from entas.graduation import services
from entas.graduation.models import CaseloadAssignment, Enrolment, Loan
from tests.graduation.factories import enrol
from tests.programmes.factories import KLATEN_VILLAGE, KUPANG_VILLAGE, TODAY, facilitator, home, programme

pytestmark = pytest.mark.django_db


def message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(f"{field}: {' '.join(texts)}" for field, texts in error.value.message_dict.items())


def test_enrolling_an_enrolled_household_is_refused(agency: Agency) -> None:
    prog = programme(agency)
    first = enrol(prog)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.enrol_household(None, prog, first.household, on=TODAY)
    assert f"household: The household with No. KK {first.household.kk_number} is already enrolled" in message(error)
    assert Enrolment.objects.count() == 1


def test_a_household_outside_the_deciles_is_not_enrolled(agency: Agency) -> None:
    with pytest.raises(ValidationError) as error:
        services.enrol_household(None, programme(agency), home(decile=5), on=TODAY)
    assert "desil 5 di luar rentang desil program 1-2" in message(error)


def test_a_negative_loan_is_refused(agency: Agency) -> None:
    enrolment = enrol(programme(agency))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.record_loan(None, enrolment, scheme="kur_super_mikro", lender="BRI", amount=-5_000_000, on=TODAY)
    assert "amount: -5000000 is below 0" in message(error)
    assert not Loan.objects.exists()


def test_a_loan_moves_only_along_its_legal_steps(agency: Agency) -> None:
    loan = services.record_loan(None, enrol(programme(agency)), scheme="mekaar", lender="PNM", amount=5_000_000,
                                on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.set_loan_status(None, loan, "repaid", on=TODAY)
    assert "(applied)" in message(error) and "(repaid)" in message(error)
    for step in ("approved", "disbursed", "repaid"):
        services.set_loan_status(None, loan, step, on=TODAY)
    assert Loan.objects.get().status == "repaid"
    assert AuditEntry.objects.filter(action="loan.status_changed").count() == 3


def test_a_facilitator_over_capacity_is_refused(agency: Agency) -> None:
    prog = programme(agency)
    full = facilitator(agency, "pendamping", capacity=1)
    enrol(prog, fac=full)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        enrol(prog, fac=full)
    assert "facilitator: pendamping is at capacity: 1 of 1 families" in message(error)
    assert Enrolment.objects.count() == 1


def test_a_facilitator_works_only_inside_their_region(agency: Agency) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        enrol(programme(agency), KUPANG_VILLAGE, fac=facilitator(agency, "pendamping"))
    assert "works in 33.10.01, not in the family's village 53.01.04.2003" in message(error)


def test_reassignment_keeps_the_history_and_needs_a_reason(agency: Agency) -> None:
    prog = programme(agency)
    first, second = facilitator(agency, "satu"), facilitator(agency, "dua")
    enrolment = enrol(prog, fac=first)
    with pytest.raises(ValidationError):
        services.reassign(None, enrolment, second, reason=" ")
    services.reassign(None, enrolment, second, reason="satu moved to another district")
    history = list(CaseloadAssignment.objects.values_list("from_facilitator", "to_facilitator", "reason"))
    assert history == [(None, first.pk, "enrolment"), (first.pk, second.pk, "satu moved to another district")]
    assert AuditEntry.objects.filter(action="enrolment.reassigned").exists()


def test_a_visit_records_an_assessment(agency: Agency) -> None:
    enrolment = enrol(programme(agency), fac=facilitator(agency, "pendamping"))
    visit = services.record_visit(None, enrolment, on=TODAY, notes="Warung buka setiap hari",
                                  assessment={"per_capita_income": 700_000, "business_months": 8})
    assert visit.assessment.per_capita_income == 700_000
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.record_visit(None, enrolment, on=TODAY, assessment={"savings": -1})
    assert "savings: -1 is below 0" in message(error)


def test_market_access_and_training_are_recorded(agency: Agency) -> None:
    prog = programme(agency)
    enrolment = enrol(prog, KLATEN_VILLAGE)
    services.record_market_access(None, enrolment, channel="e_catalogue", sales_value=2_500_000, on=TODAY)
    session = services.record_training(None, prog.pk, kind="training", topic="Pembukuan sederhana", on=TODAY,
                                       region_code="33.10.01", attendees=[enrolment])
    assert list(session.attendees.all()) == [enrolment]
    with pytest.raises(ValidationError):
        services.record_market_access(None, enrolment, channel="radio", sales_value=1, on=TODAY)
