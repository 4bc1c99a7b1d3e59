"""Rule sets are versions: drafted, changed while a draft, previewed, activated (retiring the one
before), kept; each evaluation records the version it used."""

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.audit import Action, AuditEntry
from entas.graduation import pathway, rules
from entas.graduation.evaluate import record_evaluation
from entas.graduation.interventions import record_visit
from entas.graduation.models import Area, Criterion, RuleSet, RuleSetStatus
from entas.programmes.models import Programme
from tests.graduation.factories import enrol

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 1)
INCOME = {"field": "per_capita_income", "operator": ">=", "threshold": 1, "unit": "poverty_line"}
FOOD = {"field": "food_shortage", "operator": "=", "threshold": "no"}


def test_a_draft_is_activated_and_retires_the_version_before(prog: Programme, national_admin: User) -> None:
    first = rules.create_rule_set(national_admin, prog, [INCOME])
    draft = rules.draft_rule_set(national_admin, prog, None, note="add food security")
    assert draft.status == RuleSetStatus.DRAFT and draft.version == 2
    assert list(draft.criteria.values_list("field", flat=True)) == ["per_capita_income"]  # a copy of v1
    rules.change_draft(national_admin, draft, [INCOME, FOOD])
    rules.activate_rule_set(national_admin, draft)
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.status, draft.status) == (RuleSetStatus.RETIRED, RuleSetStatus.ACTIVE)
    assert first.retired_at is not None and draft.activated_by == national_admin
    assert Criterion.objects.filter(rule_set=first).count() == 1  # the old version is kept as it was
    assert list(AuditEntry.objects.filter(action__startswith="rule_set.").values_list("action", flat=True)
                .order_by("id")) == [Action.RULE_SET_DRAFTED, Action.RULE_SET_ACTIVATED, Action.RULE_SET_DRAFTED,
                                     Action.RULE_SET_DRAFTED, Action.RULE_SET_ACTIVATED]


def test_each_evaluation_records_the_version_it_used(prog: Programme) -> None:
    rules.set_poverty_line(None, province_code="33", area=Area.TOTAL, valid_from=datetime.date(2025, 3, 1),
                           amount=500_000)
    v1 = rules.create_rule_set(None, prog, [INCOME])
    enrolment = enrol(prog)
    record_visit(None, enrolment, on=DAY, assessment={"per_capita_income": 600_000, "food_shortage": True})
    before = record_evaluation(None, enrolment)
    v2 = rules.create_rule_set(None, prog, [INCOME, FOOD])
    after = pathway.judge(None, enrolment)
    assert (before.rule_set, before.essentials_met) == (v1, True)
    assert (after.rule_set, after.essentials_met) == (v2, False)
    assert record_evaluation(None, enrolment, rule_set=v1).essentials_met is True  # an old version on request


def test_it_refuses_to_activate_a_rule_set_with_no_essential_criterion(prog: Programme) -> None:
    draft = rules.draft_rule_set(None, prog, [{**INCOME, "essential": False}])
    with translation.override("en"), pytest.raises(ValidationError) as error:
        rules.activate_rule_set(None, draft)
    assert "at least one essential criterion" in error.value.message_dict["criteria"][0]
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT
    assert not AuditEntry.objects.filter(action=Action.RULE_SET_ACTIVATED).exists()


def test_an_active_version_cannot_be_changed(prog: Programme) -> None:
    active = rules.create_rule_set(None, prog, [INCOME])
    with pytest.raises(ValidationError) as error:
        rules.change_draft(None, active, [FOOD])
    assert "status" in error.value.message_dict
    assert list(active.criteria.values_list("field", flat=True)) == ["per_capita_income"]
    with pytest.raises(ValidationError):
        rules.activate_rule_set(None, active)


def test_only_one_draft_at_a_time(prog: Programme) -> None:
    rules.draft_rule_set(None, prog, [INCOME])
    with pytest.raises(ValidationError) as error:
        rules.draft_rule_set(None, prog, [FOOD])
    assert "criteria" in error.value.message_dict
    assert RuleSet.objects.count() == 1


def test_only_a_national_administrator_changes_rule_sets(prog: Programme, make_user: Callable[..., User]) -> None:
    officer = make_user("pejabat", Role.REGIONAL_OFFICER, "33.10")
    with pytest.raises(PermissionDenied):
        rules.draft_rule_set(officer, prog, [INCOME])
    assert not RuleSet.objects.exists()


def test_the_preview_counts_active_families_meeting_it_now(prog: Programme) -> None:
    rules.set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 3, 1), amount=500_000)
    for income, food in ((600_000, False), (600_000, True), (400_000, False)):
        record_visit(None, enrol(prog), on=DAY, assessment={"per_capita_income": income, "food_shortage": food})
    enrol(prog)  # enrolled, no visit yet: not counted
    from entas.graduation.models import Enrolment, Status

    Enrolment.objects.update(status=Status.ACTIVE)
    Enrolment.objects.filter(assessments__isnull=True).update(status=Status.ENROLLED)
    draft = rules.draft_rule_set(None, prog, [INCOME, FOOD])
    found = rules.preview(draft)
    assert (found["enrolments"], found["assessed"], found["essentials_met"]) == (3, 3, 1)
    assert [(c["code"], c["met"]) for c in found["criteria"]] == [("per_capita_income", 2), ("food_shortage", 2)]
