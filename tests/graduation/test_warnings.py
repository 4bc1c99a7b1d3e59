"""Early warning: graduated families at risk of falling back into poverty, each reason at its border
(entas.graduation.warnings)."""

import datetime
from typing import Any

import pytest

from entas.accounts.models import Agency
from entas.graduation import interventions, services
from entas.graduation.models import Enrolment, LoanStatus
from entas.graduation.warnings import REASONS, AtRisk, at_risk, counts
from entas.programmes.models import Programme
from entas.registry.models import DecileRecord
from tests.graduation.factories import enrol
from tests.monitoring.families import graduation_programme
from tests.programmes.factories import KLATEN_VILLAGE, KUPANG_VILLAGE

pytestmark = pytest.mark.django_db

GRADUATED = datetime.date(2025, 8, 1)
SIX = datetime.date(2026, 2, 1)  # the 6-month follow-up falls due
TWELVE = datetime.date(2026, 8, 1)
TODAY = datetime.date(2026, 2, 15)  # 14 days after the 6-month follow-up fell due: not missed
LINE = 550_000


@pytest.fixture
def prog(agency: Agency) -> Programme:
    """Graduation needs no food shortage only, so incomes may fall without a relapse."""
    services.set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 3, 1), amount=LINE)
    services.set_poverty_line(None, province_code="53", valid_from=datetime.date(2025, 3, 1), amount=LINE)
    return graduation_programme(agency)


def graduated(prog: Programme, income: int | None = 800_000, village: str = KLATEN_VILLAGE, **kw: Any) -> Enrolment:
    family = enrol(prog, village, **kw)
    services.activate(None, family, on=GRADUATED)
    interventions.record_visit(None, family, on=GRADUATED, assessment={"food_shortage": False,
                                                                      "per_capita_income": income})
    services.mark_ready(None, family, on=GRADUATED)
    services.graduate(None, family, on=GRADUATED)
    return family


def follow_up(family: Enrolment, month: int, on: datetime.date, income: int | None) -> None:
    interventions.record_visit(None, family, on=on, assessment={"food_shortage": False, "per_capita_income": income})
    services.record_follow_up(None, family, month=month, on=on)


def found_for(family: Enrolment, today: datetime.date = TODAY) -> AtRisk | None:
    return next((f for f in at_risk(Enrolment.objects.all(), today=today) if f.enrolment_id == family.pk), None)


def codes(family: Enrolment, today: datetime.date = TODAY) -> list[str]:
    found = found_for(family, today)
    return [r.code for r in found.reasons] if found else []


def test_an_equal_income_at_the_follow_up_is_no_fall_and_a_lower_one_is(prog: Programme) -> None:
    same, lower = graduated(prog), graduated(prog)
    follow_up(same, 6, SIX, 800_000)
    follow_up(lower, 6, SIX, 600_000)
    assert codes(same) == []
    found = found_for(lower)
    assert found is not None
    reason = found.reasons[0]
    assert reason.code == "income_fell" and reason.since == SIX
    assert reason.details["before"] == 800_000 and reason.details["income"] == 600_000
    assert reason.details["compared_with"] == "graduation" and reason.details["drop_percent"] == 25.0


def test_a_fall_since_the_previous_follow_up_counts_even_above_the_graduation_income(prog: Programme) -> None:
    family = graduated(prog, income=700_000)
    follow_up(family, 6, SIX, 900_000)
    follow_up(family, 12, TWELVE, 850_000)
    found = found_for(family, today=datetime.date(2026, 8, 10))
    assert found is not None
    reason = found.reasons[0]
    assert reason.code == "income_fell"
    assert (reason.details["compared_with"], reason.details["before"], reason.details["previous_month"]) == (
        "follow_up", 900_000, 6)


def test_only_the_latest_follow_up_is_judged(prog: Programme) -> None:
    family = graduated(prog, income=800_000)
    follow_up(family, 6, SIX, 700_000)
    follow_up(family, 12, TWELVE, 820_000)  # made good
    assert codes(family, datetime.date(2026, 8, 10)) == []


def test_an_income_below_the_line_at_the_follow_up_is_flagged_and_one_on_the_line_is_not(prog: Programme) -> None:
    on_line, below = graduated(prog, income=LINE), graduated(prog, income=LINE)
    follow_up(on_line, 6, SIX, LINE)
    follow_up(below, 6, SIX, LINE - 1)
    assert codes(on_line) == []
    found = found_for(below)
    assert found is not None and [r.code for r in found.reasons] == ["below_line", "income_fell"]
    assert found.reasons[0].details == {"month": 6, "on": SIX, "income": LINE - 1, "line": LINE}


def test_a_follow_up_30_days_overdue_is_not_missed_and_31_days_is(prog: Programme) -> None:
    family = graduated(prog)
    assert codes(family, SIX + datetime.timedelta(days=30)) == []
    found = found_for(family, SIX + datetime.timedelta(days=31))
    assert found is not None
    (reason,) = found.reasons
    assert reason.code == "follow_up_missed" and reason.since == SIX
    assert reason.details == {"month": 6, "due": SIX, "days_overdue": 31}


def test_after_a_follow_up_the_next_one_is_the_one_that_can_be_missed(prog: Programme) -> None:
    family = graduated(prog)
    follow_up(family, 6, SIX, 800_000)
    assert codes(family, datetime.date(2026, 8, 31)) == []
    found = found_for(family, datetime.date(2026, 9, 1))
    assert found is not None and found.reasons[0].details["month"] == 12


def record(family: Enrolment, decile: int, on: datetime.date, source: str = "DTSEN") -> None:
    DecileRecord.objects.create(household_id=family.household_id, decile=decile, source=source, date=on)


def baseline(family: Enrolment, decile: int) -> None:
    """The extract the family was enrolled on (tests.registry.factories: DTSEN of 31 July 2025)."""
    DecileRecord.objects.filter(household_id=family.household_id).update(decile=decile)


def test_the_same_desil_in_a_new_extract_is_no_movement_and_a_lower_one_is(prog: Programme) -> None:
    same, lower = graduated(prog), graduated(prog)
    for family in (same, lower):
        baseline(family, 2)
    record(same, 2, datetime.date(2026, 1, 10), "DTSEN 2026")
    record(lower, 1, datetime.date(2026, 1, 10), "DTSEN 2026")
    assert codes(same) == []
    found = found_for(lower)
    assert found is not None
    (reason,) = found.reasons
    assert reason.code == "decile_down" and reason.since == datetime.date(2026, 1, 10)
    assert (reason.details["from"], reason.details["to"], reason.details["source"]) == (2, 1, "DTSEN 2026")
    assert reason.details["inside_target"] is False


def test_moving_back_inside_the_target_says_so_and_no_baseline_means_no_movement(prog: Programme,
                                                                                english: None) -> None:
    back, unknown = graduated(prog), graduated(prog)
    record(back, 4, GRADUATED, "Verval")  # the last record on or before graduation: outside the target (desil 1-2)
    record(back, 2, datetime.date(2026, 1, 10), "DTSEN 2026")
    DecileRecord.objects.filter(household_id=unknown.household_id).delete()
    record(unknown, 1, datetime.date(2026, 1, 10), "DTSEN 2026")
    found = found_for(back)
    assert found is not None and found.reasons[0].details["inside_target"] is True
    assert "back inside the programme's target" in found.reasons[0].explanation
    assert codes(unknown) == []


def loan(family: Enrolment, last: str) -> None:
    taken = interventions.record_loan(None, family, scheme="mekaar", lender="PNM", amount=3_000_000,
                                      on=datetime.date(2025, 9, 1))
    for status, day in ((LoanStatus.APPROVED, 5), (LoanStatus.DISBURSED, 10), (last, 20)):
        interventions.set_loan_status(None, taken, status, on=datetime.date(2025, 9, day))


def test_a_repaid_loan_is_no_risk_and_a_defaulted_one_is(prog: Programme) -> None:
    repaid, defaulted = graduated(prog), graduated(prog)
    loan(repaid, LoanStatus.REPAID)
    loan(defaulted, LoanStatus.DEFAULTED)
    assert codes(repaid) == []
    found = found_for(defaulted)
    assert found is not None
    (reason,) = found.reasons
    assert reason.code == "loan_defaulted" and reason.since == datetime.date(2025, 9, 20)
    assert {k: reason.details[k] for k in ("scheme", "lender", "amount")} == {
        "scheme": "mekaar", "lender": "PNM", "amount": 3_000_000}


def test_exited_relapsed_and_not_yet_graduated_families_are_not_listed(prog: Programme) -> None:
    exited, relapsed, listed = graduated(prog), graduated(prog), graduated(prog)
    for family in (exited, relapsed, listed):
        loan(family, LoanStatus.DEFAULTED)
    services.exit_enrolment(None, exited, reason="moved", on=datetime.date(2025, 12, 1))
    services.relapse(None, relapsed, on=datetime.date(2025, 12, 1))
    active = enrol(prog)
    services.activate(None, active, on=GRADUATED)
    loan(active, LoanStatus.DEFAULTED)
    assert [f.enrolment_id for f in at_risk(Enrolment.objects.all(), today=TODAY)] == [listed.pk]


def test_counts_per_reason_count_families_once_and_the_most_urgent_come_first(prog: Programme) -> None:
    two_loans, missed, below = graduated(prog), graduated(prog), graduated(prog)
    loan(two_loans, LoanStatus.DEFAULTED)
    loan(two_loans, LoanStatus.DEFAULTED)
    follow_up(below, 6, SIX, LINE - 1000)
    today = SIX + datetime.timedelta(days=40)  # `missed` and `two_loans` have missed their follow-up too
    found = at_risk(Enrolment.objects.all(), today=today)
    assert [f.enrolment_id for f in found] == [below.pk, two_loans.pk, missed.pk]
    assert [r.code for r in found[1].reasons] == ["loan_defaulted", "loan_defaulted", "follow_up_missed"]
    assert counts(found) == {"below_line": 1, "loan_defaulted": 1, "decile_down": 0, "income_fell": 1,
                             "follow_up_missed": 2}
    assert list(counts(found)) == list(REASONS)


def test_the_caller_scopes_the_families(prog: Programme) -> None:
    klaten, kupang = graduated(prog), graduated(prog, village=KUPANG_VILLAGE)
    for family in (klaten, kupang):
        loan(family, LoanStatus.DEFAULTED)
    found = at_risk(Enrolment.objects.filter(village__pk__startswith="33.10."), today=TODAY)
    assert [f.enrolment_id for f in found] == [klaten.pk]
    assert found[0].head_name and found[0].village_name and found[0].regency == "33.10"


def many(prog: Programme, n: int) -> None:
    for i in range(n):
        family = graduated(prog)
        follow_up(family, 6, SIX, 700_000 if i % 2 else 800_000)
        if i % 3 == 0:
            loan(family, LoanStatus.DEFAULTED)
        baseline(family, 2)
        record(family, 1 if i % 4 == 0 else 2, datetime.date(2026, 1, 10), "DTSEN 2026")


@pytest.mark.parametrize("n", [5, 50])
def test_the_number_of_queries_does_not_grow_with_the_families(prog: Programme, n: int,
                                                               django_assert_max_num_queries: Any) -> None:
    many(prog, n)
    with django_assert_max_num_queries(2):
        found = at_risk(Enrolment.objects.all(), today=datetime.date(2026, 9, 15))
        assert len(found) == n  # every family has missed its 12-month follow-up by then
        assert all(f.facilitator_name == "" and f.village_name for f in found)
