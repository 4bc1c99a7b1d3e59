"""Changing a facilitator's capacity where her caseload is known, and deactivating her with her
families handed to others by area and remaining room: all or nothing, history kept."""

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.graduation import handover
from entas.graduation.models import CaseloadAssignment, Enrolment
from entas.programmes.models import Facilitator, Programme
from tests.graduation.factories import enrol
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, facilitator, programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The messages are checked in English; Indonesian is the default (their translations: the .po).
    with translation.override("en"):
        yield


@pytest.fixture
def prog(agency: Agency) -> Programme:
    return programme(agency)


def fields(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.value.message_dict.items()}


def families(prog: Programme, fac: Facilitator, n: int, village: str = KLATEN_VILLAGE) -> list[Enrolment]:
    return [enrol(prog, village, fac) for _ in range(n)]


def test_capacity_below_the_current_caseload_is_refused(agency: Agency, prog: Programme) -> None:
    siti = facilitator(agency, "siti", capacity=5)
    families(prog, siti, 3)
    with pytest.raises(ValidationError) as error:
        handover.change_capacity(None, siti, capacity=2, yearly_target=12)
    assert "2 is below her current caseload of 3 families" in fields(error)["capacity"]
    siti.refresh_from_db()
    assert (siti.capacity, siti.yearly_target) == (5, 10)  # the target did not change alone either
    assert not AuditEntry.objects.filter(action="facilitator.changed").exists()


def test_capacity_and_target_change_down_to_the_caseload(agency: Agency, prog: Programme) -> None:
    siti = facilitator(agency, "siti", capacity=5)
    families(prog, siti, 3)
    handover.change_capacity(None, siti, capacity=3, yearly_target=12)
    siti.refresh_from_db()
    assert (siti.capacity, siti.yearly_target) == (3, 12)
    assert AuditEntry.objects.get(action="facilitator.changed").details["changed"]["capacity"] == [5, 3]


def test_a_new_area_must_hold_her_families(agency: Agency, prog: Programme) -> None:
    siti = facilitator(agency, "siti", region="33.10.01")
    families(prog, siti, 1)
    with pytest.raises(ValidationError) as error:
        handover.change_capacity(None, siti, region_code="33.10.02")
    assert "live outside 33.10.02" in fields(error)["region"]


def test_deactivating_hands_the_families_to_the_nearest_with_room(agency: Agency, prog: Programme,
                                                                  national_admin: User) -> None:
    leaving = facilitator(agency, "pergi", region="33.10.01", capacity=10)
    village = facilitator(agency, "desa", region=KLATEN_VILLAGE, capacity=3)
    district = facilitator(agency, "kecamatan", region="33.10.01", capacity=10)
    regency = facilitator(agency, "kabupaten", region="33.10", capacity=10)
    families(prog, village, 1)
    moved = families(prog, leaving, 3) + families(prog, leaving, 2, KLATEN_OTHER_VILLAGE)
    result = handover.deactivate_facilitator(national_admin, leaving, reason="pindah tugas")
    assert result.moved == 5
    # The village's own facilitator takes what her room allows (2), the district the rest; the
    # regency, farther away, nobody.
    assert result.received == {village.pk: 2, district.pk: 3}
    assert regency.pk not in result.received
    leaving.refresh_from_db()
    assert not leaving.active
    history = CaseloadAssignment.objects.filter(from_facilitator=leaving)
    assert history.count() == 5 and {h.reason for h in history} == {"handover: pindah tugas"}
    assert not Enrolment.objects.filter(pk__in=[e.pk for e in moved], facilitator=leaving).exists()
    assert AuditEntry.objects.get(action="facilitator.deactivated").details["moved"] == 5


def test_a_transfer_to_a_facilitator_at_capacity_is_refused(agency: Agency, prog: Programme) -> None:
    leaving = facilitator(agency, "pergi", capacity=10)
    full = facilitator(agency, "penuh", capacity=2)
    families(prog, full, 1)
    mine = families(prog, leaving, 2)
    with pytest.raises(ValidationError) as error:
        handover.deactivate_facilitator(None, leaving, reason="cuti", to=full)
    assert "penuh is at capacity: 1 free places for 2 families" in fields(error)["to"]
    leaving.refresh_from_db()
    assert leaving.active
    assert Enrolment.objects.filter(pk__in=[e.pk for e in mine], facilitator=leaving).count() == 2
    assert not CaseloadAssignment.objects.filter(from_facilitator=leaving).exists()


def test_nothing_moves_when_some_family_finds_no_place(agency: Agency, prog: Programme) -> None:
    leaving = facilitator(agency, "pergi", capacity=10)
    facilitator(agency, "sempit", capacity=1)
    families(prog, leaving, 3)
    with pytest.raises(ValidationError) as error:
        handover.deactivate_facilitator(None, leaving, reason="cuti")
    assert "2 families" in fields(error)["facilitator"]
    assert Enrolment.objects.filter(facilitator=leaving).count() == 3
    assert not CaseloadAssignment.objects.filter(from_facilitator=leaving).exists()
    leaving.refresh_from_db()
    assert leaving.active


def test_an_officer_may_not_deactivate_outside_her_region(agency: Agency, kupang_officer: User) -> None:
    leaving = facilitator(agency, "pergi")
    with pytest.raises(ValidationError) as error:
        handover.deactivate_facilitator(kupang_officer, leaving, reason="cuti")
    assert "outside your region" in fields(error)["facilitator"]


def test_a_reason_is_needed(agency: Agency) -> None:
    with pytest.raises(ValidationError) as error:
        handover.deactivate_facilitator(None, facilitator(agency, "pergi"), reason="  ")
    assert "reason" in fields(error)
