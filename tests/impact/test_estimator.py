"""The effect estimator on synthetic panels with a known effect (no database)."""

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from entas.impact.analysis import analyse
from entas.impact.event_study import fit
from entas.impact.outcomes import OUTCOMES
from tests.impact.simulate import as_panel, household_cells, panel, village_cells

INCOME = OUTCOMES["income"]
EIGHT_PERCENT = math.log(1.08)


def run(**options: Any) -> dict[str, Any]:
    return analyse(as_panel(panel(seed=int(options.pop("seed", 1)), **options)), INCOME, enrolled_in_scope=10_000,
                   regency_names={})


def codes(result: dict) -> list[str]:
    return [s["code"] for s in result["statements"]]


def test_village_cells_give_the_household_level_estimates_and_errors() -> None:
    frame = panel(seed=4, villages=30, per_village=20)
    by_household, by_cell = fit(household_cells(frame)), fit(village_cells(frame))
    assert by_cell.overall.estimate == pytest.approx(by_household.overall.estimate, abs=1e-10)
    assert by_cell.overall.se == pytest.approx(by_household.overall.se, rel=1e-8)
    for a, b in zip(by_household.event_times, by_cell.event_times, strict=True):
        assert (a.e, a.estimate.estimate) == pytest.approx((b.e, b.estimate.estimate), abs=1e-10)
    assert by_cell.pre_trend.statistic == pytest.approx(by_household.pre_trend.statistic, rel=1e-6)


def test_it_finds_a_planted_8_percent_effect() -> None:
    result = run(effect=EIGHT_PERCENT)
    estimate = result["estimate"]
    assert estimate["shown_low"] < 8.0 < estimate["shown_high"]
    assert estimate["shown_low"] > 0
    assert "pre_trend" not in codes(result)


def test_without_an_effect_the_interval_contains_zero() -> None:
    estimate = run(effect=0.0, seed=11)["estimate"]
    assert estimate["shown_low"] < 0 < estimate["shown_high"]


def test_the_95_percent_intervals_cover_the_truth_about_95_times_in_100() -> None:
    # One data set can miss by chance (1 in 20); over 20 data sets the intervals must cover the
    # planted effect (8 %) and the absent one (0) nearly always: 17 or more of 20 each.
    covered = {0.0: 0, EIGHT_PERCENT: 0}
    for seed in range(100, 120):
        for effect in covered:
            estimate = run(effect=effect, seed=seed, villages=40, per_village=25)["estimate"]
            covered[effect] += estimate["low"] < effect < estimate["high"]
    assert covered[0.0] >= 17 and covered[EIGHT_PERCENT] >= 17, covered


def test_a_planted_pre_trend_is_flagged() -> None:
    result = run(effect=EIGHT_PERCENT, pre_trend=0.02)
    assert result["pre_trend"]["flagged"]
    assert "pre_trend" in codes(result)


def test_effects_are_in_percent_for_income_and_in_points_otherwise() -> None:
    p = as_panel(panel(seed=2, effect=EIGHT_PERCENT))
    income = analyse(p, INCOME, enrolled_in_scope=10_000, regency_names={})["estimate"]
    assert income["shown"] == pytest.approx(100 * math.expm1(income["estimate"]))
    assets = analyse(p, OUTCOMES["assets"], enrolled_in_scope=10_000, regency_names={})["estimate"]
    assert assets["shown"] == assets["estimate"]


def test_it_refuses_a_programme_with_fewer_than_30_enrolled_families() -> None:
    result = analyse(as_panel(panel(seed=1)), INCOME, enrolled_in_scope=29, regency_names={})
    assert codes(result) == ["too_few_enrolled"]
    assert "estimate" not in result


def test_it_says_when_the_outcome_has_no_pre_period() -> None:
    p = as_panel(panel(seed=1, cohorts=(2, 3)))
    for k in range(3):  # the measure starts with the extract after the last enrolment
        p.households[f"y{k}"] = np.nan
    result = analyse(p, INCOME, enrolled_in_scope=1_000, regency_names={})
    assert codes(result) == ["no_pre_period"]
    assert "estimate" not in result


def test_it_leaves_out_a_region_without_comparison_families_and_says_so() -> None:
    p = as_panel(panel(seed=1, effect=EIGHT_PERCENT))
    households = p.households
    lonely = households["regency"].iloc[0]
    p.households.drop(households[(households["regency"] == lonely) & households["enrolled_on"].isna()].index,
                      inplace=True)
    result = analyse(p, INCOME, enrolled_in_scope=10_000, regency_names={lonely: "Kab. Contoh"})
    said = [s for s in result["statements"] if s["code"] == "no_comparison_in_region"]
    assert said == [{"code": "no_comparison_in_region", "regency": lonely, "name": "Kab. Contoh",
                     "families": int(households[households["regency"] == lonely]["enrolled_on"].notna().sum())}]
    assert result["estimate"]["shown_low"] < 8.0 < result["estimate"]["shown_high"]


def test_it_says_no_effect_when_no_region_has_comparison_families() -> None:
    p = as_panel(panel(seed=1))
    p.households.drop(p.households[p.households["enrolled_on"].isna()].index, inplace=True)
    result = analyse(p, INCOME, enrolled_in_scope=10_000, regency_names={})
    assert "no_comparison" in codes(result)
    assert "estimate" not in result


def test_a_cohort_too_young_for_24_months_gives_no_24_month_figure() -> None:
    result = run(effect=EIGHT_PERCENT)  # eight quarterly extracts: at most about 17 months after enrolment
    at = {m["month"]: m["at"] for m in result["milestones"]}
    assert at[6] is not None and at[12] is not None
    assert at[24] is None
    assert [s["month"] for s in result["statements"] if s["code"] == "too_young"] == [24]


def test_families_enrolled_before_the_first_or_after_the_last_extract_are_left_out_and_counted() -> None:
    p = as_panel(panel(seed=1, effect=EIGHT_PERCENT))
    enrolled = p.households["enrolled_on"].notna()
    first_two = p.households[enrolled].index[:2]
    p.households.loc[first_two[0], "enrolled_on"] = pd.Timestamp(p.dates[0]) - pd.Timedelta(days=20)
    p.households.loc[first_two[1], "enrolled_on"] = pd.Timestamp(p.dates[-1]) + pd.Timedelta(days=5)
    result = analyse(p, INCOME, enrolled_in_scope=10_000, regency_names={})
    assert result["counts"]["no_pre_period"] == 1
    assert result["counts"]["not_measured_since"] == 1
    assert {"some_without_pre_period", "not_measured_since"} <= set(codes(result))


def test_matching_balances_the_groups_and_keeps_common_support() -> None:
    result = run(effect=EIGHT_PERCENT)
    for row in result["support"]["balance"]:
        assert abs(row["smd_after"]) <= abs(row["smd_before"]) + 0.05
    assert result["counts"]["comparison_weight"] == pytest.approx(result["counts"]["analysed_enrolled"])
