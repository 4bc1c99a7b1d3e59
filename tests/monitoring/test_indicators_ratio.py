"""Ratio and mean indicators: each village keeps a numerator and a denominator, and every level
above divides their sums (never an average of the villages' averages)."""

import datetime
from decimal import Decimal

import pytest

from entas.accounts import services as accounts
from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.graduation import interventions
from entas.graduation import services as graduation
from entas.graduation.models import Enrolment
from entas.monitoring import rollups, services
from entas.monitoring.models import Period, Rollup
from entas.programmes import services as programmes
from entas.programmes.models import Facilitator, Programme
from tests.conftest import PASSWORD, client_for
from tests.graduation.factories import enrol
from tests.monitoring.factories import indicator
from tests.monitoring.families import DAY, graduate, graduation_programme
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def year() -> Period:
    services.open_year(None, 2025)
    return Period.objects.get(year=2025, quarter=None)


@pytest.fixture
def prog(agency: Agency) -> Programme:
    return graduation_programme(agency)


def test_the_relapse_rate_divides_summed_relapses_by_summed_graduations(prog: Programme, year: Period) -> None:
    indicator("kambuh", computation="relapse_rate", unit="%")
    relapsed = enrol(prog)
    graduate(relapsed)
    graduation.relapse(None, relapsed, on=DAY + datetime.timedelta(days=30))
    for _ in range(3):
        graduate(enrol(prog, KLATEN_OTHER_VILLAGE))
    rollups.refresh()
    stored = {v: (n, d) for v, n, d in Rollup.objects.filter(period=year).values_list("village_id", "value",
                                                                                        "denominator")}
    assert stored == {KLATEN_VILLAGE: (1, 1), KLATEN_OTHER_VILLAGE: (0, 3)}
    # 1 relapse in 4 graduations: 25 %, not the mean of the villages' 100 % and 0 %.
    assert rollups.totals("33", 2, year) == {("kambuh", "33.10"): Decimal("25.00")}
    assert rollups.totals("33.10.01", 4, year) == {("kambuh", KLATEN_VILLAGE): Decimal("100.00"),
                                                   ("kambuh", KLATEN_OTHER_VILLAGE): Decimal("0.00")}
    assert rollups.totals(None, 0, year) == {("kambuh", ""): Decimal("25.00")}


def test_a_graduation_followed_by_a_relapse_still_counts_as_a_graduation(prog: Programme, year: Period) -> None:
    indicator("lulus", computation="graduated")
    relapsed = enrol(prog)
    graduate(relapsed)
    graduation.relapse(None, relapsed, on=DAY + datetime.timedelta(days=30))
    graduate(enrol(prog, KLATEN_OTHER_VILLAGE))
    rollups.refresh()
    assert rollups.totals("33.10", 0, year) == {("lulus", ""): 2}


def test_the_mean_income_change_is_total_change_over_families(prog: Programme, year: Period) -> None:
    indicator("pendapatan", computation="income_change_mean", unit="Rp")
    assessed(enrol(prog), 300_000, 700_000)  # +400,000
    assessed(enrol(prog, KLATEN_OTHER_VILLAGE), 300_000, 400_000)  # +100,000
    assessed(enrol(prog, KLATEN_OTHER_VILLAGE), 200_000, 300_000)  # +100,000
    assessed(enrol(prog, KUPANG_VILLAGE), 250_000)  # one assessment only: no change to measure yet
    rollups.refresh()
    # 600,000 over 3 families; the mean of the two villages' means would say 250,000.
    assert rollups.totals("33", 2, year) == {("pendapatan", "33.10"): Decimal("200000.00")}
    assert rollups.totals(None, 1, year) == {("pendapatan", "33"): Decimal("200000.00")}
    first_quarter = Period.objects.get(year=2025, quarter=1)
    assert rollups.totals(None, 0, first_quarter) == {}  # nothing assessed yet


def test_facilitators_on_target_is_the_share_meeting_their_target(agency: Agency, prog: Programme,
                                                                  year: Period) -> None:
    indicator("pendamping", computation="facilitators_on_target", unit="%")
    ahead, behind = facilitator(agency, "ani", target=1), facilitator(agency, "budi", target=2)
    facilitator(agency, "cici", target=1, region="33.10.02")  # no graduation: not on target
    graduate(enrol(prog, fac=ahead))
    graduate(enrol(prog, KLATEN_OTHER_VILLAGE, fac=behind))
    rollups.refresh()
    # Counted under each facilitator's own region: 1 of 2 in Prambanan, 0 of 1 in the other district.
    assert rollups.totals("33.10", 3, year) == {("pendamping", "33.10.01"): Decimal("50.00"),
                                                ("pendamping", "33.10.02"): Decimal("0.00")}
    assert rollups.totals("33", 2, year) == {("pendamping", "33.10"): Decimal("33.33")}


def test_a_ratio_with_nothing_to_divide_shows_no_value(national_admin: User, year: Period) -> None:
    indicator("kambuh", computation="relapse_rate", unit="%")
    rollups.refresh()
    lines = client_for(national_admin).get("/dashboard/", {"period": "2025"}).context["lines"]
    assert [(line.code, line.achieved) for line in lines] == [("kambuh", None)]


def test_the_dashboard_shows_the_regency_ratio(national_admin: User, prog: Programme, year: Period) -> None:
    indicator("kambuh", computation="relapse_rate", unit="%")
    relapsed = enrol(prog)
    graduate(relapsed)
    graduation.relapse(None, relapsed, on=DAY)
    graduate(enrol(prog, KLATEN_OTHER_VILLAGE))
    rollups.refresh()
    client = client_for(national_admin)
    lines = client.get("/dashboard/33.10/", {"period": "2025"}).context["lines"]
    assert [(line.code, line.achieved) for line in lines] == [("kambuh", Decimal("50.00"))]
    trend = client.get("/dashboard/33.10/", {"period": "2025"}).context["trend"]
    assert [(i.code, values) for i, values in trend.rows] == [("kambuh", [Decimal("50.00")])]


# --- helpers ---------------------------------------------------------------------------------

def assessed(family: Enrolment, *incomes: int) -> None:
    for months, income in enumerate(incomes):
        interventions.record_visit(None, family, on=datetime.date(2025, 8 + months, 10),
                                   assessment={"per_capita_income": income})


def facilitator(agency: Agency, username: str, *, target: int, region: str = "33.10.01") -> Facilitator:
    user = accounts.create_user(None, username=username, password=PASSWORD, role=Role.FACILITATOR, agency=agency,
                                region_code=region)
    return programmes.register_facilitator(None, user=user, agency=agency, region_code=region, capacity=10,
                                           yearly_target=target)


def test_the_api_gives_a_ratio_rollup_both_sums(national_admin: User, prog: Programme, year: Period) -> None:
    indicator("kambuh", computation="relapse_rate", unit="%")
    relapsed = enrol(prog)
    graduate(relapsed)
    graduation.relapse(None, relapsed, on=DAY)
    graduate(enrol(prog))
    rollups.refresh()
    rows = client_for(national_admin).get("/api/rollups/", {"limit": 50}).json()["results"]
    assert {(r["village"], r["period"], r["value"], r["denominator"]) for r in rows if r["period"] == "2025"} == {
        (KLATEN_VILLAGE, "2025", "1.00", "2.00")}
