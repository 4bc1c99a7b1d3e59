"""Bulk enrolment (set-based, with facilitator assignment) on small data, and the priority list deciding who may
be enrolled."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import Agency
from entas.graduation import services
from entas.graduation.models import CaseloadAssignment, Enrolment
from entas.programmes import services as programmes
from tests.graduation.factories import enrol
from tests.programmes.factories import (
    KLATEN_OTHER_VILLAGE,
    KLATEN_VILLAGE,
    KUPANG_VILLAGE,
    TODAY,
    facilitator,
    home,
    programme,
)

pytestmark = pytest.mark.django_db


def test_bulk_enrolment_respects_capacity_and_enrols_nobody_twice(agency: Agency) -> None:
    prog = programme(agency)
    for _ in range(6):
        home(KLATEN_VILLAGE)
    for _ in range(4):
        home(KLATEN_OTHER_VILLAGE)
    home(KLATEN_VILLAGE, decile=7)
    home(KUPANG_VILLAGE)
    already = enrol(prog, KLATEN_VILLAGE)
    village_fac = facilitator(agency, "desa", KLATEN_VILLAGE, capacity=3)
    district_a, district_b = facilitator(agency, "kec-a", capacity=2), facilitator(agency, "kec-b", capacity=3)

    result = services.enrol_in_bulk(None, prog, region_codes=["33.10"], on=TODAY)

    assert (result.enrolled, result.assigned, result.unassigned) == (10, 8, 2)
    assert result.not_enrolled == {"decile_outside_rule": 1, "not_extreme_poor": 0, "no_assistance": 0,
                                   "outside_priority_locations": 0, "already_enrolled": 1}
    households = Enrolment.objects.values_list("household", flat=True)
    assert len(households) == len(set(households)) == 11
    loads = Counter(Enrolment.objects.exclude(facilitator=None).values_list("facilitator", flat=True))
    assert loads == {village_fac.pk: 3, district_a.pk: 2, district_b.pk: 3}
    # The village facilitator takes only families of that village.
    assert set(Enrolment.objects.filter(facilitator=village_fac).values_list("village", flat=True)) == {KLATEN_VILLAGE}
    assert CaseloadAssignment.objects.filter(reason="automatic assignment").count() == 8
    assert already.facilitator is None

    again = services.enrol_in_bulk(None, prog, region_codes=["33.10"], on=TODAY)
    assert (again.enrolled, again.not_enrolled["already_enrolled"]) == (0, 11)


def test_bulk_enrolment_counts_existing_caseload_against_capacity(agency: Agency) -> None:
    prog = programme(agency)
    fac = facilitator(agency, "pendamping", capacity=3)
    enrol(prog, fac=fac)
    enrol(prog, fac=fac)
    for _ in range(3):
        home(KLATEN_VILLAGE)
    result = services.enrol_in_bulk(None, prog, region_codes=["33.10.01"], on=TODAY)
    assert (result.enrolled, result.assigned) == (3, 1)
    assert Enrolment.objects.filter(facilitator=fac).count() == 3


def test_bulk_enrolment_names_an_unknown_region(agency: Agency) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.enrol_in_bulk(None, programme(agency), region_codes=["33.10", "99.99"], on=TODAY)
    assert "Unknown region code(s): 99.99" in str(error.value)
    assert not Enrolment.objects.exists()


def test_priority_locations_decide_who_may_be_enrolled(agency: Agency) -> None:
    prog = programme(agency, priority_locations_only=True)
    home(KUPANG_VILLAGE)
    home(KLATEN_VILLAGE)
    programmes.save_priority_list(None, prog, name="Kupang", weights={"extreme_poor": 1}, quotas={"53": 1})
    result = services.enrol_in_bulk(None, prog, region_codes=["33", "53"], on=TODAY)
    assert result.enrolled == 1
    assert result.not_enrolled["outside_priority_locations"] == 1
    assert Enrolment.objects.get().village_id == KUPANG_VILLAGE
