"""Permanence of graduation: Kaplan-Meier curves of the time from a family's first graduation to
its first relapse, per group (entas.graduation.permanence)."""

import datetime
import math
from typing import Any

import pytest

from entas.accounts.models import Agency
from entas.graduation import interventions, services
from entas.graduation.models import Enrolment
from entas.graduation.permanence import (
    MIN_FAMILIES,
    Curve,
    Step,
    at_month,
    kaplan_meier,
    permanence,
    spells,
)
from entas.programmes.models import Programme
from tests.graduation.factories import enrol
from tests.monitoring.families import graduate, graduation_programme
from tests.programmes.factories import KLATEN_VILLAGE, KUPANG_VILLAGE

TODAY = datetime.date(2026, 12, 1)
GRADUATED = datetime.date(2025, 8, 1)
Z = 1.959963984540054


def months(start: datetime.date, end: datetime.date) -> float:
    return (end - start).days / 30.4375


def by_key(curves: list[Curve]) -> dict[str, Curve]:
    return {c.key: c for c in curves}


def test_the_curve_agrees_with_a_hand_computed_reference_with_censoring() -> None:
    times = [2, 3, 3, 5, 6, 6, 8, 10, 12, 12]
    events = [True, True, False, True, True, False, False, True, True, False]
    steps = kaplan_meier(times, events)
    # t   n  d  c   S                      Greenwood V = sum d/(n(n-d))       SE = S*sqrt(V)
    # 2  10  1  0   9/10       = 0.9       1/90             = 0.011111        0.094868
    # 3   9  1  1   0.9*8/9    = 0.8       + 1/72 = 9/360   = 0.025           0.126491
    # 5   7  1  0   0.8*6/7    = 0.685714  + 1/42           = 0.048810        0.151494
    # 6   6  1  1   *5/6 = 4/7 = 0.571429  + 1/30           = 0.082143        0.163775
    # 8   4  0  1   4/7        = 0.571429  (no event: unchanged)
    # 10  3  1  0   4/7*2/3    = 0.380952  + 1/6            = 0.248810        0.190022
    # 12  2  1  1   8/21*1/2   = 0.190476  + 1/2            = 0.748810        0.164826
    # log(-log) bounds: a = 1.96*sqrt(V)/|log S|, low = S**exp(a), high = S**exp(-a), e.g. at t=2:
    # a = 1.96*0.105409/0.105361 = 1.960871, low = 0.9**7.1052 = 0.473009, high = 0.9**0.14074 = 0.985281
    expected = [
        # month, S, SE, low, high, at risk, events, censored
        (0, 1.0, 0.0, 1.0, 1.0, 10, 0, 0),
        (2, 0.9, 0.094868, 0.473009, 0.985281, 10, 1, 0),
        (3, 0.8, 0.126491, 0.408691, 0.945873, 9, 1, 1),
        (5, 0.685714, 0.151494, 0.304585, 0.887148, 7, 1, 0),
        (6, 0.571429, 0.163775, 0.217193, 0.814572, 6, 1, 1),
        (8, 0.571429, 0.163775, 0.217193, 0.814572, 4, 0, 1),
        (10, 0.380952, 0.190022, 0.070106, 0.704377, 3, 1, 0),
        (12, 0.190476, 0.164826, 0.009937, 0.550858, 2, 1, 1),
    ]
    assert [s.month for s in steps] == [row[0] for row in expected]
    for step, (_month, survival, se, low, high, at_risk, died, censored) in zip(steps, expected, strict=True):
        assert step.survival == pytest.approx(survival, abs=1e-6)
        assert step.low == pytest.approx(low, abs=1e-6)
        assert step.high == pytest.approx(high, abs=1e-6)
        assert (step.at_risk, step.events, step.censored) == (at_risk, died, censored)
        if 0 < step.survival < 1:
            # The Greenwood SE the bounds were made from: sqrt(V) = |log S| * log(log low / log S) / 1.96.
            root_v = abs(math.log(step.survival)) * math.log(math.log(step.low) / math.log(step.survival)) / Z
            assert step.survival * root_v == pytest.approx(se, abs=1e-6)
    assert steps[0] == Step(0, 1, 1, 1, 10, 0, 0)


def test_the_band_is_one_one_before_any_event_and_zero_zero_when_everyone_relapsed() -> None:
    steps = kaplan_meier([1, 2, 3], [False, True, True])
    assert (steps[1].survival, steps[1].low, steps[1].high) == (1.0, 1.0, 1.0)
    assert steps[2].survival == pytest.approx(0.5)
    assert (steps[3].survival, steps[3].low, steps[3].high) == (0.0, 0.0, 0.0)
    assert kaplan_meier([], []) == [Step(0, 1, 1, 1, 0, 0, 0)]


def test_a_month_beyond_the_longest_observation_is_too_young_to_say() -> None:
    steps = kaplan_meier([2, 7, 13], [True, False, False])
    assert at_month(steps, 6, 13).survival == pytest.approx(2 / 3)
    assert at_month(steps, 6, 13).at_risk == 2
    assert at_month(steps, 12, 13).at_risk == 1
    young = at_month(steps, 24, 13)
    assert (young.survival, young.low, young.high, young.at_risk) == (None, None, None, 0)


@pytest.fixture
def prog(agency: Agency) -> Programme:
    return graduation_programme(agency)


def relapse_at_follow_up(family: Enrolment) -> None:
    # The latest assessment fails the criteria: the 6-month follow-up sends the family back.
    interventions.record_visit(None, family, on=datetime.date(2026, 1, 20), assessment={"food_shortage": True})
    follow_up = services.record_follow_up(None, family, month=6, on=datetime.date(2026, 2, 1))
    assert not follow_up.sustained


def test_permanence_counts_relapses_and_censors_families_on_real_rows(prog: Programme) -> None:
    klaten = [enrol(prog, KLATEN_VILLAGE) for _ in range(MIN_FAMILIES)]
    kupang = [enrol(prog, KUPANG_VILLAGE) for _ in range(2)]
    for family in klaten:
        graduate(family, on=GRADUATED)
    for family in kupang:
        graduate(family, on=datetime.date(2026, 11, 1))
    relapsed, sustained, failed, twelve, exited = klaten[:5]
    # A relapse (then a second graduation, which does not start a new spell).
    services.relapse(None, relapsed, on=datetime.date(2025, 11, 1))
    interventions.record_visit(None, relapsed, on=datetime.date(2026, 3, 1), assessment={"food_shortage": False})
    services.mark_ready(None, relapsed, on=datetime.date(2026, 3, 1))
    services.graduate(None, relapsed, on=datetime.date(2026, 3, 1))
    # Censored by a follow-up that found the family still out of poverty.
    services.record_follow_up(None, sustained, month=6, on=datetime.date(2026, 2, 1))
    # A relapse found by a follow-up, the same day as the censoring above (a tie).
    relapse_at_follow_up(failed)
    # Observed past 12 months.
    services.record_follow_up(None, twelve, month=6, on=datetime.date(2026, 2, 1))
    services.record_follow_up(None, twelve, month=12, on=datetime.date(2026, 8, 15))
    # Assessed, then left: censored at the assessment (the exit caps, never extends).
    interventions.record_visit(None, exited, on=datetime.date(2025, 10, 1), assessment={"food_shortage": False})
    services.exit_enrolment(None, exited, reason="moved", on=datetime.date(2025, 12, 1))
    # The other 15 Klaten families and both in Kupang: no observation after graduation.

    times = {s.enrolment_id: (s.time, s.relapsed) for s in spells(Enrolment.objects.all(), TODAY)}
    assert times[relapsed.pk] == (pytest.approx(months(GRADUATED, datetime.date(2025, 11, 1))), True)
    assert times[sustained.pk] == (pytest.approx(months(GRADUATED, datetime.date(2026, 2, 1))), False)
    assert times[failed.pk] == (pytest.approx(months(GRADUATED, datetime.date(2026, 2, 1))), True)
    assert times[twelve.pk] == (pytest.approx(months(GRADUATED, datetime.date(2026, 8, 15))), False)
    assert times[exited.pk] == (pytest.approx(months(GRADUATED, datetime.date(2025, 10, 1))), False)
    assert times[klaten[5].pk] == (0.0, False)
    assert times[kupang[0].pk] == (0.0, False)
    assert len(times) == 22

    regencies = by_key(permanence(Enrolment.objects.all(), by="regency", today=TODAY))
    assert list(regencies) == ["33.10", "53.01"]
    shown, small = regencies["33.10"], regencies["53.01"]
    assert (shown.families, shown.relapsed, shown.relapse_rate, shown.shown) == (20, 2, 0.1, True)
    assert shown.label == "Kabupaten Klaten"
    # At risk: 5 after the 15 censored at 0; the exit at 2.0 leaves 4; a relapse at 3.0: S = 3/4;
    # 3 at risk at 6.05, one relapse and one censored: S = 3/4 * 2/3 = 1/2; the last censored at 12.5.
    assert [(s.at_risk, s.events, s.censored) for s in shown.steps] == [
        (20, 0, 0), (20, 0, 15), (5, 0, 1), (4, 1, 0), (3, 1, 1), (1, 0, 1)]
    six, twelve_months, twenty_four = shown.at
    assert (six.month, six.survival, six.at_risk) == (6, pytest.approx(0.75), 3)
    assert (twelve_months.survival, twelve_months.at_risk) == (pytest.approx(0.5), 1)
    assert six.low is not None and six.high is not None and six.low < 0.75 < six.high
    assert twelve_months.low is not None and twelve_months.high is not None
    # Nobody of the group has been watched for 24 months: too young to say.
    assert (twenty_four.survival, twenty_four.low, twenty_four.high) == (None, None, None)

    assert (small.families, small.relapsed, small.relapse_rate, small.shown) == (2, 0, 0.0, False)
    assert small.steps == []
    assert all(a.survival is None and a.low is None and a.high is None for a in small.at)

    cohorts = by_key(permanence(Enrolment.objects.all(), by="cohort", today=TODAY))
    assert {k: (c.families, c.relapsed, c.shown) for k, c in cohorts.items()} == {
        "2025-Q3": (20, 2, True), "2026-Q4": (2, 0, False)}
    everyone = permanence(Enrolment.objects.all(), by="all", today=TODAY)
    assert [(c.key, c.families, c.relapsed, c.shown) for c in everyone] == [("all", 22, 2, True)]
    by_facilitator = permanence(Enrolment.objects.all(), by="facilitator", today=TODAY)
    assert [(c.key, c.families) for c in by_facilitator] == [("", 22)]

    # Seen from before the Kupang graduations: they do not count yet, and nothing later is read.
    earlier = by_key(permanence(Enrolment.objects.all(), by="regency", today=datetime.date(2025, 12, 31)))
    assert list(earlier) == ["33.10"]
    assert earlier["33.10"].relapsed == 1
    assert max(s.month for s in earlier["33.10"].steps) <= months(GRADUATED, datetime.date(2025, 12, 31))


def test_a_cohort_too_young_for_24_months_has_no_24_month_figure(prog: Programme) -> None:
    families = [enrol(prog) for _ in range(MIN_FAMILIES)]
    for family in families:
        graduate(family, on=GRADUATED)
    for family in families[:3]:
        services.record_follow_up(None, family, month=6, on=datetime.date(2026, 2, 1))
        services.record_follow_up(None, family, month=12, on=datetime.date(2026, 8, 1))
    relapse_at_follow_up(families[3])
    [cohort] = permanence(Enrolment.objects.all(), by="cohort", today=TODAY)
    assert cohort.key == "2025-Q3" and cohort.shown
    six, twelve, twenty_four = cohort.at
    assert six.survival is not None
    # 2025-08-01 to 2026-08-01 is 365 days, 11.99 months: not yet 12.
    assert twelve.survival is None
    assert twenty_four.survival is None and twenty_four.low is None and twenty_four.high is None


@pytest.mark.parametrize("count", [2, 12])
def test_spells_run_in_a_bounded_number_of_queries(prog: Programme, count: int,
                                                   django_assert_max_num_queries: Any) -> None:
    families = [enrol(prog) for _ in range(count)]
    for family in families:
        graduate(family, on=GRADUATED)
        services.record_follow_up(None, family, month=6, on=datetime.date(2026, 2, 1))
    services.relapse(None, families[0], on=datetime.date(2026, 3, 1))
    with django_assert_max_num_queries(1):
        result = spells(Enrolment.objects.filter(programme=prog), TODAY)
    assert len(result) == count
    with django_assert_max_num_queries(3):
        permanence(Enrolment.objects.filter(programme=prog), by="regency", today=TODAY)


def test_income_below_the_line_in_a_later_extract_or_assessment_ends_the_spell(prog: Programme) -> None:
    from entas.graduation.poverty import set_poverty_line
    from entas.registry.models import WelfareRecord

    set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 1, 1), amount=600_000)
    graduated = datetime.date(2025, 8, 1)
    extract_poor, assessed_poor, still_fine = (enrol(prog, KLATEN_VILLAGE) for _ in range(3))
    for family in (extract_poor, assessed_poor, still_fine):
        graduate(family, on=graduated)
    # Before graduation a poor extract counts for nothing; after it, below the line ends the spell.
    WelfareRecord.objects.bulk_create([
        WelfareRecord(household_id=extract_poor.household_id, date=datetime.date(2025, 6, 30),
                      per_capita_income=400_000),
        WelfareRecord(household_id=extract_poor.household_id, date=datetime.date(2025, 12, 31),
                      per_capita_income=599_999),
        WelfareRecord(household_id=still_fine.household_id, date=datetime.date(2025, 12, 31),
                      per_capita_income=600_000),
    ])
    interventions.record_visit(None, assessed_poor, on=datetime.date(2026, 2, 1),
                               assessment={"food_shortage": False, "per_capita_income": 350_000})
    found = {s.enrolment_id: s for s in spells(Enrolment.objects.filter(programme=prog), datetime.date(2026, 6, 1))}
    assert found[extract_poor.pk].relapsed
    assert found[extract_poor.pk].time == pytest.approx(months(graduated, datetime.date(2025, 12, 31)))
    assert found[assessed_poor.pk].relapsed
    assert found[assessed_poor.pk].time == pytest.approx(months(graduated, datetime.date(2026, 2, 1)))
    # At the line is out of poverty; the extract is its latest observation (censored there).
    assert not found[still_fine.pk].relapsed
    assert found[still_fine.pk].time == pytest.approx(months(graduated, datetime.date(2025, 12, 31)))
