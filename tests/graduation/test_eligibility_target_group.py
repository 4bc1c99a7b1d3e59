"""A programme's target group decides who may be enrolled: desil range, extreme-poor flag,
assistance received and the chosen priority list, in one query for many households
(`eligible`) and as a reason in words for one (`why_not_eligible`)."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from entas.accounts.models import Agency
from entas.graduation.bulk import enrol_in_bulk
from entas.graduation.eligibility import eligible, why_not_eligible
from entas.programmes import services
from entas.registry.models import AssistanceReceipt, Household
from tests.programmes.factories import KUPANG_VILLAGE, home, programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The messages are checked in English; Indonesian is the default (their translations: the .po).
    with translation.override("en"):
        yield


def test_the_desil_range_has_a_lower_bound(agency: Agency) -> None:
    prog = programme(agency, decile_min=2, decile_max=3)
    first, second, fourth = home(decile=1), home(decile=2), home(decile=4)
    assert list(eligible(prog, Household.objects.all())) == [second]
    assert "decile 1 is outside the programme's desil 2-3" in (why_not_eligible(prog, first) or "")
    assert "desil 2-3" in (why_not_eligible(prog, fourth) or "")
    assert why_not_eligible(prog, second) is None


def test_extreme_poor_only_takes_the_marked_households(agency: Agency) -> None:
    prog = programme(agency, extreme_poor_only=True)
    marked, poor = home(decile=1, extreme_poor=True), home(decile=1, extreme_poor=False)
    assert list(eligible(prog, Household.objects.all())) == [marked]
    assert "extreme-poor households only" in (why_not_eligible(prog, poor) or "")


def test_assistance_takes_the_households_receiving_any_chosen_programme(agency: Agency) -> None:
    prog = programme(agency, assistance=["PKH", "PBI_JKN"])
    pkh, sembako_only = home(), home()  # every factory household receives Sembako
    AssistanceReceipt.objects.create(household=pkh, programme="PKH", period="2025-Q2", amount=750_000)
    assert list(eligible(prog, Household.objects.all())) == [pkh]
    assert "PBI_JKN, PKH" in (why_not_eligible(prog, sembako_only) or "")


def test_the_chosen_priority_list_wins_over_the_latest(agency: Agency) -> None:
    prog = programme(agency, priority_locations_only=True)
    jateng = services.save_priority_list(None, prog, name="Jateng", weights={"extreme_poor": 1}, quotas={"33": 35})
    klaten, kupang = home(), home(KUPANG_VILLAGE)
    ntt = services.save_priority_list(None, prog, name="NTT", weights={"extreme_poor": 1}, quotas={"53": 22})
    assert list(eligible(prog, Household.objects.all())) == [kupang]  # the latest list
    services.change_programme(None, prog, priority_list=jateng)
    prog.refresh_from_db()
    assert list(eligible(prog, Household.objects.all())) == [klaten]
    assert "list 'Jateng'" in (why_not_eligible(prog, kupang) or "")
    assert ntt.pk != jateng.pk


def test_priority_locations_without_a_list_match_nobody_and_say_why(agency: Agency) -> None:
    prog = programme(agency, priority_locations_only=True)
    family = home()
    assert not eligible(prog, Household.objects.all()).exists()
    assert "no priority list yet" in (why_not_eligible(prog, family) or "")


def test_the_rule_stays_one_query_for_many_households(agency: Agency, django_assert_max_num_queries: object) -> None:
    prog = programme(agency, extreme_poor_only=True, assistance=["SEMBAKO"], priority_locations_only=True)
    services.save_priority_list(None, prog, name="Jateng", weights={"extreme_poor": 1}, quotas={"33": 35})
    for _ in range(5):
        home()
    prog.refresh_from_db()
    found = eligible(prog, Household.objects.all())
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        assert len(list(found)) == 5


def test_bulk_enrolment_counts_each_household_left_out_under_the_first_rule_it_fails(agency: Agency) -> None:
    prog = programme(agency, decile_min=1, decile_max=2, extreme_poor_only=True, assistance=["PKH"])
    taken = home(decile=1, extreme_poor=True)
    AssistanceReceipt.objects.create(household=taken, programme="PKH", period="2025-Q2", amount=750_000)
    home(decile=5, extreme_poor=True)  # outside the desil range
    home(decile=2, extreme_poor=False), home(decile=1, extreme_poor=False)  # not extreme poor
    home(decile=1, extreme_poor=True)  # receives Sembako only
    result = enrol_in_bulk(None, prog, region_codes=["33.10"])
    assert result.enrolled == 1
    assert result.not_enrolled == {"decile_outside_rule": 1, "not_extreme_poor": 2, "no_assistance": 1,
                                   "outside_priority_locations": 0, "already_enrolled": 0}
