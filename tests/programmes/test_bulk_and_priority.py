"""Bulk enrolment (set-based, with facilitator assignment) and the priority ranking on small data."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import Agency
from entas.programmes import priority, services
from entas.programmes.models import CaseloadAssignment, Enrolment
from tests.enterprises.factories import cooperative, enterprise
from tests.programmes.factories import (
    KLATEN_OTHER_VILLAGE,
    KLATEN_VILLAGE,
    KUPANG_VILLAGE,
    TODAY,
    enrol,
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
    assert result.not_enrolled == {"decile_outside_rule": 1, "outside_priority_locations": 0, "already_enrolled": 1}
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
    with pytest.raises(ValidationError) as error:
        services.enrol_in_bulk(None, programme(agency), region_codes=["33.10", "99.99"], on=TODAY)
    assert "unknown region code(s): 99.99" in str(error.value)
    assert not Enrolment.objects.exists()


def test_the_ranking_puts_the_poorest_regency_first_and_explains_it(agency: Agency) -> None:
    for _ in range(3):
        home(KUPANG_VILLAGE)
    home(KLATEN_VILLAGE)
    home(KLATEN_VILLAGE, decile=6)
    enterprise()
    cooperative()

    ranked = priority.rank({"low_decile_share": 1, "extreme_poor": 1})
    assert len(ranked) == 514
    assert [r.code for r in ranked[:2]] == ["53.01", "33.10"]
    assert ranked[1].measures["low_decile_share"] == 0.5
    assert ranked[1].measures["cooperatives"] == 1

    potential = priority.rank({"cooperatives_per_1000": 1})
    assert potential[0].code == "33.10"

    with translation.override("en"):
        saved = services.save_priority_list(None, programme(agency), name="NTT dan Jateng",
                                            weights={"extreme_poor": 1}, quotas={"53": 1, "33": 2})
    locations = list(saved.locations.values_list("rank", "region", "explanation"))
    assert [(rank, region) for rank, region, _ in locations][:2] == [(1, "53.01"), (2, "33.10")]
    assert len(locations) == 3
    assert locations[1][2].startswith("rank 2: 50% desil 1-2, 1 extreme-poor households, 1 active cooperatives")


def test_priority_locations_decide_who_may_be_enrolled(agency: Agency) -> None:
    prog = programme(agency, priority_locations_only=True)
    home(KUPANG_VILLAGE)
    home(KLATEN_VILLAGE)
    services.save_priority_list(None, prog, name="Kupang", weights={"extreme_poor": 1}, quotas={"53": 1})
    result = services.enrol_in_bulk(None, prog, region_codes=["33", "53"], on=TODAY)
    assert result.enrolled == 1
    assert result.not_enrolled["outside_priority_locations"] == 1
    assert Enrolment.objects.get().village_id == KUPANG_VILLAGE
