"""The pathway: legal transitions only, graduation on essential criteria, follow-ups, relapses, exits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.core.models import AuditEntry
from entas.graduation import pathway, services
from entas.graduation.models import Enrolment, FollowUp, RuleSet, Status, StatusChange

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 1)
GOOD = {"per_capita_income": 700_000, "food_shortage": False, "business_months": 9, "cooperative_member": True}


def assess(enrolment: Enrolment, on: datetime.date = DAY, **values: object) -> None:
    services.record_visit_with_assessment(None, enrolment, date=on, measures={**GOOD, **values})


def to_ready(enrolment: Enrolment) -> None:
    assess(enrolment)  # the first visit makes the family active
    services.mark_ready(None, enrolment, on=DAY)


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_the_transition_table_refuses_every_illegal_step_with_a_clear_message(status: str) -> None:
    for action, (sources, _target) in pathway.TRANSITIONS.items():
        with translation.override("en"):
            problem = pathway.refusal(action, status)
        if status in sources:
            assert problem is None
        else:
            assert problem is not None and f"({action}) is not possible" in problem and f"({status})" in problem


def test_an_illegal_transition_is_refused_and_nothing_written(enrolment: Enrolment, rules: RuleSet) -> None:
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.mark_ready(None, enrolment, on=DAY)
    assert ("Mark ready (mark_ready) is not possible for a family whose status is Enrolled (enrolled); "
            "from this status: Activate (activate), Exit (exit)") in str(error.value)
    assert Enrolment.objects.get().status == Status.ENROLLED
    assert not StatusChange.objects.exists()


def test_graduating_without_the_essential_criteria_is_refused(enrolment: Enrolment, rules: RuleSet) -> None:
    to_ready(enrolment)
    assess(enrolment, per_capita_income=400_000, food_shortage=True)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.graduate(None, enrolment, on=DAY)
    assert set(error.value.message_dict) == {"status"}
    assert "Cannot graduate: essential criteria not met" in str(error.value)
    assert Enrolment.objects.get().status == Status.READY


def test_a_conditional_criterion_does_not_block_graduation(enrolment: Enrolment, rules: RuleSet) -> None:
    assess(enrolment, cooperative_member=False, business_months=0)
    services.mark_ready(None, enrolment, on=DAY)
    services.graduate(None, enrolment, on=DAY)
    assert Enrolment.objects.get().status == Status.GRADUATED


def test_a_follow_up_before_graduation_is_refused(enrolment: Enrolment, rules: RuleSet) -> None:
    to_ready(enrolment)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.record_follow_up(None, enrolment, month=6, on=DAY)
    assert error.value.message_dict == {"month": [
        "A follow-up comes after graduation; this family is Ready to graduate, not yet graduated. Graduate it first."]}
    assert not FollowUp.objects.exists()


def test_the_whole_pathway_to_sustained(enrolment: Enrolment, rules: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    # The 24-month follow-up falls in August 2027; no date after today is accepted, so today is later.
    monkeypatch.setattr("entas.core.dates.timezone.localdate", lambda: datetime.date(2027, 12, 31))
    to_ready(enrolment)
    services.graduate(None, enrolment, on=DAY)
    with pytest.raises(ValidationError) as early, translation.override("en"):
        services.record_follow_up(None, enrolment, month=6, on=DAY)
    assert "The 6-month follow-up is due from 1 February 2026" in str(early.value)
    with pytest.raises(ValidationError) as skipped, translation.override("en"):
        services.record_follow_up(None, enrolment, month=12, on=datetime.date(2026, 8, 1))
    assert "The next follow-up is at 6 months, not 12" in str(skipped.value)
    for month, on in ((6, datetime.date(2026, 2, 1)), (12, datetime.date(2026, 8, 1)), (24, datetime.date(2027, 8, 1))):
        services.record_follow_up(None, enrolment, month=month, on=on)
    assert Enrolment.objects.get().status == Status.SUSTAINED
    steps = list(StatusChange.objects.values_list("action", flat=True))
    assert steps == ["activate", "mark_ready", "graduate", "sustain"]
    assert AuditEntry.objects.filter(action="enrolment.graduate").count() == 1


def test_a_failed_follow_up_is_a_relapse_back_to_active_and_counted(enrolment: Enrolment, rules: RuleSet) -> None:
    to_ready(enrolment)
    services.graduate(None, enrolment, on=DAY)
    assess(enrolment, on=datetime.date(2026, 2, 1), food_shortage=True)
    follow_up = services.record_follow_up(None, enrolment, month=6, on=datetime.date(2026, 2, 1))
    assert follow_up.sustained is False
    found = Enrolment.objects.get()
    assert (found.status, found.relapses, found.graduated_on) == (Status.ACTIVE, 1, None)


def test_an_exit_needs_a_coded_reason(enrolment: Enrolment, rules: RuleSet) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.exit_enrolment(None, enrolment, reason="pindah", on=DAY)
    assert "Exit reason 'pindah' is unknown; choose one of: Moved away (moved)," in str(error.value)
    services.exit_enrolment(None, enrolment, reason="moved", on=DAY)
    found = Enrolment.objects.get()
    assert (found.status, found.exit_reason, found.exited_on) == (Status.EXITED, "moved", DAY)
    with pytest.raises(ValidationError):
        services.activate(None, found, on=DAY)


def test_a_new_rule_set_is_a_new_version(prog: object, rules: RuleSet) -> None:
    newer = services.create_rule_set(None, rules.programme, [{"code": "savings", "threshold": 100_000}])
    assert newer.version == 2
    assert list(RuleSet.objects.filter(status="active")) == [newer]
