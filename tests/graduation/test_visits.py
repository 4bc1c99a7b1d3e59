"""A home visit and its assessment in one form: both saved, audited, evaluated at once (the family
page shows the checklist with the values, thresholds and rule-set version), and an enrolled family
becomes active on its first visit. Bad input: nothing written."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.graduation import services
from entas.graduation.models import Assessment, Enrolment, Evaluation, RuleSet, Status, StatusChange, Visit
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import facilitator

pytestmark = pytest.mark.django_db


def form(**values: str) -> dict[str, str]:
    data = {"on": timezone.localdate().isoformat(), "notes": "Warung buka tiap hari", **values}
    return {f"visit-{k}": v for k, v in data.items()}


def test_one_form_records_the_visit_its_assessment_and_an_evaluation(
        prog: Programme, rules: RuleSet, agency: Agency) -> None:
    mine = facilitator(agency, "pendamping")
    family = enrol(prog, fac=mine)
    client = client_for(mine.user)
    response = client.post(f"/programmes/enrolments/{family.pk}/visit/", form(
        per_capita_income="700000", food_shortage="false", business_months="9", savings="250000"))
    assert response.status_code == 302
    visit, assessment, evaluation = Visit.objects.get(), Assessment.objects.get(), Evaluation.objects.get()
    assert (assessment.visit, assessment.per_capita_income, assessment.savings) == (visit, 700_000, 250_000)
    assert evaluation.assessment == assessment and evaluation.essentials_met
    family.refresh_from_db()
    assert family.status == Status.ACTIVE  # the first visit activates
    assert StatusChange.objects.get().action == "activate"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"visit.recorded", "assessment.recorded", "enrolment.activate", "enrolment.evaluated"} <= actions
    page = client.get(f"/programmes/enrolments/{family.pk}/").content.decode()
    assert 'data-criterion="no_food_shortage" data-met="yes"' in page
    assert f"{rules.version}" in page and "700000" in page.replace(".", "").replace(",", "")


def test_the_checklist_shows_what_is_not_met(enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    assert client.post(f"/programmes/enrolments/{enrolment.pk}/visit/", form(
        per_capita_income="300000", food_shortage="true"))["Location"]
    page = client.get(f"/programmes/enrolments/{enrolment.pk}/").content.decode()
    assert 'data-criterion="no_food_shortage" data-met="no"' in page
    assert 'data-criterion="income_above_line" data-met="no"' in page
    assert 'data-testid="form-override"' in page  # the officer may override with a reason


def test_a_visit_without_an_assessment_evaluates_nothing(enrolment: Enrolment, rules: RuleSet) -> None:
    services.record_visit_with_assessment(None, enrolment, date=timezone.localdate(), notes="Tidak di rumah",
                                          measures={})
    assert Visit.objects.count() == 1 and not Assessment.objects.exists() and not Evaluation.objects.exists()


def test_a_bad_measure_writes_nothing(enrolment: Enrolment, rules: RuleSet, klaten_officer: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.record_visit_with_assessment(None, enrolment, date=timezone.localdate(),
                                              measures={"school_age_children": 1, "children_in_school": 3})
    assert set(error.value.message_dict) == {"children_in_school"}
    response = client_for(klaten_officer).post(f"/programmes/enrolments/{enrolment.pk}/visit/",
                                               form(savings="-5"))
    assert response.status_code == 400 and 'name="visit-savings"' in response.content.decode()
    assert not Visit.objects.exists() and not Assessment.objects.exists() and not Evaluation.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ENROLLED


def test_a_visit_to_a_programme_without_rules_is_still_recorded(enrolment: Enrolment) -> None:
    services.record_visit_with_assessment(None, enrolment, date=timezone.localdate(),
                                          measures={"food_shortage": False})
    assert Assessment.objects.count() == 1 and not Evaluation.objects.exists()
