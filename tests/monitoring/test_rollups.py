"""Rollups: computed per village, rewritten only where data changed, summed up the hierarchy."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from entas.accounts.models import Agency
from entas.monitoring import rollups, services
from entas.monitoring.models import Period, Rollup
from entas.monitoring.tasks import refresh_villages
from entas.registry.models import Household
from tests.graduation.factories import enrol
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def year() -> Period:
    services.open_year(None, 2025)
    return Period.objects.get(year=2025, quarter=None)


def by_village(code: str = "kk-ekstrem") -> dict[str, Decimal]:
    return dict(Rollup.objects.filter(indicator__code=code, period__quarter=None).values_list("village_id", "value"))


def test_refresh_counts_per_village_and_sums_up_every_level(year: Period) -> None:
    indicator()
    home(KLATEN_VILLAGE), home(KLATEN_VILLAGE), home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    home(KUPANG_VILLAGE, decile=7)  # not extreme poor
    rollups.refresh()
    assert by_village() == {KLATEN_VILLAGE: 2, KLATEN_OTHER_VILLAGE: 1, KUPANG_VILLAGE: 1}
    assert rollups.totals(None, 0, year) == {("kk-ekstrem", ""): 4}
    assert rollups.totals(None, 1, year) == {("kk-ekstrem", "33"): 3, ("kk-ekstrem", "53"): 1}
    assert rollups.totals("33", 2, year) == {("kk-ekstrem", "33.10"): 3}
    assert rollups.totals("33.10.01", 4, year) == {("kk-ekstrem", KLATEN_VILLAGE): 2,
                                                   ("kk-ekstrem", KLATEN_OTHER_VILLAGE): 1}
    assert rollups.freshness() is not None


def test_refresh_rewrites_only_the_villages_it_is_given(year: Period) -> None:
    indicator()
    gone = home(KLATEN_VILLAGE)
    home(KUPANG_VILLAGE)
    rollups.refresh()
    Household.objects.filter(pk=gone.pk).update(extreme_poor=False)
    home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    rollups.refresh(village_codes=[KLATEN_VILLAGE, KLATEN_OTHER_VILLAGE])
    # Klaten is recomputed (its first village dropped to zero and lost its row); Kupang was not touched.
    assert by_village() == {KLATEN_OTHER_VILLAGE: 1, KUPANG_VILLAGE: 1}


def test_enrolments_and_loans_are_counted_in_their_period(agency: Agency, year: Period) -> None:
    indicator("enrolled", computation="households_enrolled")
    prog = programme(agency)
    enrol(prog), enrol(prog), enrol(prog, KUPANG_VILLAGE)
    call_command("refresh_rollups", "--indicator", "enrolled")
    assert by_village("enrolled") == {KLATEN_VILLAGE: 2, KUPANG_VILLAGE: 1}
    early = Rollup.objects.filter(indicator__code="enrolled", period__quarter=1)
    assert not early.exists()  # enrolled on 2025-07-31, after the first quarter


def test_the_background_task_refreshes_the_villages_it_is_given(year: Period) -> None:
    indicator()
    home(KLATEN_VILLAGE), home(KUPANG_VILLAGE)
    refresh_villages.enqueue(None, [KLATEN_VILLAGE])  # runs inline in the tests
    assert by_village() == {KLATEN_VILLAGE: 1}
