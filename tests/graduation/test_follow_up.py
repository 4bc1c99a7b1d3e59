"""Graduation schedules the follow-ups at 6, 12 and 24 months; each decides sustained or relapsed
from a fresh evaluation (kept on the follow-up); a relapsed family returns to active, the relapse
counted and shown in its history. A follow-up before graduation is refused with a clear message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import User
from entas.graduation import services
from entas.graduation.models import Enrolment, FollowUp, RuleSet, Status, StatusChange
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 1)
GOOD = {"per_capita_income": 700_000, "food_shortage": False, "business_months": 9}


def graduated(enrolment: Enrolment) -> Enrolment:
    services.record_visit_with_assessment(None, enrolment, date=DAY, measures=GOOD)
    services.mark_ready(None, enrolment, on=DAY)
    return services.graduate(None, enrolment, on=DAY)


def test_a_follow_up_before_graduation_is_refused_naming_the_month(
        enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    services.record_visit_with_assessment(None, enrolment, date=DAY, measures=GOOD)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.record_follow_up(None, enrolment, month=6, on=DAY)
    assert error.value.message_dict == {"month": [
        "A follow-up comes after graduation; this family is Active, not yet graduated. Graduate it first."]}
    response = client_for(klaten_officer).post(f"/programmes/enrolments/{enrolment.pk}/transition/", {
        "transition-action": "follow_up", "transition-month": "6", "transition-on": DAY.isoformat()})
    assert response.status_code == 400 and 'name="transition-month"' in response.content.decode()
    assert not FollowUp.objects.exists()


def test_graduation_schedules_the_three_follow_ups_on_the_page(
        enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    graduated(enrolment)
    response = client_for(klaten_officer).get(f"/programmes/enrolments/{enrolment.pk}/")
    assert [(m, on) for m, on, _done in response.context["schedule"]] == [
        (6, datetime.date(2026, 2, 1)), (12, datetime.date(2026, 8, 1)), (24, datetime.date(2027, 8, 1))]
    assert [d.kind for d in response.context["due"]] == ["follow_up"]


def test_a_sustained_follow_up_keeps_its_evaluation(enrolment: Enrolment, rules: RuleSet) -> None:
    graduated(enrolment)
    follow_up = services.record_follow_up(None, enrolment, month=6, on=datetime.date(2026, 2, 1))
    assert follow_up.sustained and follow_up.evaluation is not None and follow_up.evaluation.essentials_met
    assert Enrolment.objects.get().status == Status.GRADUATED


def test_a_relapse_returns_the_family_to_active_and_is_counted_and_shown(
        enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    graduated(enrolment)
    services.record_visit_with_assessment(None, enrolment, date=datetime.date(2026, 2, 1),
                                          measures={**GOOD, "food_shortage": True})
    follow_up = services.record_follow_up(None, enrolment, month=6, on=datetime.date(2026, 2, 1))
    assert not follow_up.sustained and not follow_up.evaluation.essentials_met  # type: ignore[union-attr]
    found = Enrolment.objects.get()
    assert (found.status, found.relapses, found.graduated_on) == (Status.ACTIVE, 1, None)
    step = StatusChange.objects.get(action="relapse")
    assert step.evaluation == follow_up.evaluation and step.note.startswith("6-month follow-up: ")
    page = client_for(klaten_officer).get(f"/programmes/enrolments/{enrolment.pk}/").content.decode()
    assert 'data-action="relapse"' in page and 'data-month="6"' in page
