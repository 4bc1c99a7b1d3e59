"""Readiness overrides: the facilitator asks with a written reason, a regional officer or national
administrator of the family's region decides (or overrides directly); refused without a reason,
when the criteria are met, when the family is not active, and for a facilitator deciding."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.graduation import services
from entas.graduation.models import Enrolment, OverrideDecision, ReadinessOverride, RuleSet, Status, StatusChange
from entas.programmes.models import Facilitator, Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import facilitator

pytestmark = pytest.mark.django_db
GOOD = {"per_capita_income": 700_000, "food_shortage": False, "business_months": 9}
BAD = {**GOOD, "per_capita_income": 300_000}
REASON = "Pendapatan dari warung naik sejak Juni; data BPS belum diperbarui"


@pytest.fixture
def mine(agency: Agency) -> Facilitator:
    return facilitator(agency, "pendamping")


@pytest.fixture
def family(prog: Programme, rules: RuleSet, mine: Facilitator) -> Enrolment:
    found = enrol(prog, fac=mine)
    services.record_visit_with_assessment(None, found, date=timezone.localdate(), measures=BAD)
    return found


def test_the_facilitator_asks_and_the_officer_approves_on_the_page(
        family: Enrolment, mine: Facilitator, klaten_officer: User) -> None:
    response = client_for(mine.user).post(f"/programmes/enrolments/{family.pk}/override/",
                                          {"override-reason": REASON})
    assert response.status_code == 302
    override = ReadinessOverride.objects.get()
    assert (override.decision, override.requested_by, override.evaluation is not None) == (
        OverrideDecision.PENDING, mine.user, True)
    page = client_for(klaten_officer).get("/programmes/overrides/")
    assert REASON in page.content.decode()
    decided = client_for(klaten_officer).post(f"/programmes/overrides/{override.pk}/decide/", {
        f"o{override.pk}-decision": "approve", f"o{override.pk}-note": "Disetujui"})
    assert decided.status_code == 302
    family.refresh_from_db()
    assert family.status == Status.READY
    step = StatusChange.objects.get(action="mark_ready")
    assert step.note == f"override: {REASON}" and step.evaluation is not None and step.actor == klaten_officer
    assert set(AuditEntry.objects.filter(action__startswith="override.").values_list("action", flat=True)) == {
        "override.requested", "override.approved"}
    history = client_for(mine.user).get(f"/programmes/enrolments/{family.pk}/").content.decode()
    assert f"override: {REASON}" in history


def test_a_rejection_needs_a_note_and_leaves_the_family_active(
        family: Enrolment, mine: Facilitator, klaten_officer: User) -> None:
    override = services.request_override(mine.user, family, reason=REASON)
    with pytest.raises(ValidationError) as error:
        services.decide_override(klaten_officer, override, approve=False, note="  ")
    assert set(error.value.message_dict) == {"note"}
    services.decide_override(klaten_officer, override, approve=False, note="Tabungan belum ada")
    family.refresh_from_db()
    assert family.status == Status.ACTIVE
    assert ReadinessOverride.objects.get().decision == OverrideDecision.REJECTED
    with pytest.raises(ValidationError) as again:
        services.decide_override(klaten_officer, override, approve=True)
    assert set(again.value.message_dict) == {"decision"}


def test_a_facilitator_may_not_decide(family: Enrolment, mine: Facilitator) -> None:
    override = services.request_override(mine.user, family, reason=REASON)
    with pytest.raises(ValidationError) as error:
        services.decide_override(mine.user, override, approve=True)
    assert set(error.value.message_dict) == {"decision"}
    response = client_for(mine.user).post(f"/programmes/overrides/{override.pk}/decide/",
                                          {f"o{override.pk}-decision": "approve"})
    assert response.status_code == 403
    family.refresh_from_db()
    assert family.status == Status.ACTIVE and ReadinessOverride.objects.get().decision == OverrideDecision.PENDING


def test_an_officer_of_another_region_gets_404(family: Enrolment, mine: Facilitator, kupang_officer: User) -> None:
    override = services.request_override(mine.user, family, reason=REASON)
    response = client_for(kupang_officer).post(f"/programmes/overrides/{override.pk}/decide/",
                                               {f"o{override.pk}-decision": "approve"})
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied").exists()
    with pytest.raises(ValidationError):
        services.decide_override(kupang_officer, override, approve=True)
    assert REASON not in client_for(kupang_officer).get("/programmes/overrides/").content.decode()


def test_an_empty_reason_is_refused(family: Enrolment, mine: Facilitator) -> None:
    with pytest.raises(ValidationError) as error:
        services.request_override(mine.user, family, reason="   ")
    assert set(error.value.message_dict) == {"reason"}
    response = client_for(mine.user).post(f"/programmes/enrolments/{family.pk}/override/", {"override-reason": ""})
    assert response.status_code == 400 and not ReadinessOverride.objects.exists()


def test_no_override_when_the_criteria_are_met(prog: Programme, rules: RuleSet, mine: Facilitator) -> None:
    family = enrol(prog, fac=mine)
    services.record_visit_with_assessment(None, family, date=timezone.localdate(), measures=GOOD)
    with pytest.raises(ValidationError) as error:
        services.request_override(mine.user, family, reason=REASON)
    assert set(error.value.message_dict) == {"reason"} and not ReadinessOverride.objects.exists()


def test_no_override_for_a_family_that_is_not_active(prog: Programme, rules: RuleSet, mine: Facilitator,
                                                      klaten_officer: User) -> None:
    family = enrol(prog, fac=mine)  # enrolled, never visited
    for ask in (lambda: services.request_override(mine.user, family, reason=REASON),
                lambda: services.override_readiness(klaten_officer, family, reason=REASON)):
        with pytest.raises(ValidationError) as error:
            ask()
        assert set(error.value.message_dict) == {"status"}
    assert not ReadinessOverride.objects.exists()


def test_one_request_waits_at_a_time(family: Enrolment, mine: Facilitator) -> None:
    services.request_override(mine.user, family, reason=REASON)
    with pytest.raises(ValidationError) as error:
        services.request_override(mine.user, family, reason="Lagi")
    assert set(error.value.message_dict) == {"reason"} and ReadinessOverride.objects.count() == 1


def test_an_officer_overrides_directly_with_a_reason(family: Enrolment, klaten_officer: User,
                                                      national_admin: User) -> None:
    with pytest.raises(ValidationError):
        services.override_readiness(klaten_officer, family, reason="")
    response = client_for(klaten_officer).post(f"/programmes/enrolments/{family.pk}/override/",
                                               {"override-reason": REASON})
    assert response.status_code == 302
    family.refresh_from_db()
    override = ReadinessOverride.objects.get()
    assert family.status == Status.READY and override.decision == OverrideDecision.APPROVED
    assert override.decided_by == klaten_officer


def test_a_supervisors_override_approves_the_waiting_request(family: Enrolment, mine: Facilitator,
                                                              national_admin: User) -> None:
    services.request_override(mine.user, family, reason=REASON)
    services.override_readiness(national_admin, family, reason="Sesuai kunjungan lapangan")
    override = ReadinessOverride.objects.get()
    assert (override.decision, override.decided_by, override.decision_note) == (
        OverrideDecision.APPROVED, national_admin, "Sesuai kunjungan lapangan")
