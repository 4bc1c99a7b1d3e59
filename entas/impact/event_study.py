"""The effect, by difference-in-differences with staggered enrolment: the interaction-weighted
estimator of Sun and Abraham (2021), fitted with pyfixest.

One weighted regression over cells (a village's enrolled families of one cohort, or its matched
comparison families) and extracts: the cell's mean outcome on cell and extract fixed effects and one
indicator per cohort g and event time e = t - g (e = -1, the last extract before enrolment, is the
reference), never for comparison cells. Saturated like this, each coefficient is the cohort's
change since its own last extract before enrolment minus the comparison families' change over the
same extracts (never the change of an earlier cohort, the bias of plain two-way fixed effects with
staggered timing). Effects per event time and overall are averages of the cohorts' coefficients
weighted by cohort size, with their variance from the coefficients' covariance (clustered by
village). Leads (e <= -2) are the pre-trend check: jointly zero by a Wald test.

Cells, not households: with a balanced panel and weights that do not change over time, the
regression on cell means weighted by the cell's weight gives exactly the household-level estimates
and, clustered by village without the small-sample factor for regressors, the same standard errors
(tests/impact/test_event_study.py checks both against the household-level fit).
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyfixest as pf
from scipy import stats

COMPARISON = -1


@dataclass(frozen=True)
class Estimate:
    estimate: float
    se: float
    low: float
    high: float
    p_value: float


@dataclass(frozen=True)
class EventTime:
    e: int
    estimate: Estimate
    cohorts: int
    families: int


@dataclass(frozen=True)
class PreTrend:
    leads: int
    statistic: float | None
    p_value: float | None
    flagged: bool


@dataclass(frozen=True)
class Fit:
    overall: Estimate
    event_times: list[EventTime]
    by_cohort: dict[int, Estimate]
    pre_trend: PreTrend
    cells: int
    clusters: int
    coefficients: dict[str, float] = field(default_factory=dict)


def _name(cohort: int, e: int) -> str:
    return f"g{cohort}_e{'m' if e < 0 else ''}{abs(e)}"


def _combine(weights: dict[str, float], coef: pd.Series, vcov: pd.DataFrame, df: int) -> Estimate:
    names = list(weights)
    r = np.array([weights[n] for n in names])
    estimate = float(r @ coef[names].to_numpy())
    variance = float(r @ vcov.loc[names, names].to_numpy() @ r)
    se = float(np.sqrt(max(variance, 0.0)))
    # Student's t with (villages - 1) degrees of freedom, as for any estimate clustered by village.
    critical = float(stats.t.ppf(0.975, df))
    p = float(2 * stats.t.sf(abs(estimate) / se, df)) if se > 0 else float("nan")
    return Estimate(estimate, se, estimate - critical * se, estimate + critical * se, p)


def fit(cells: pd.DataFrame) -> Fit:
    """`cells`: one row per cell and extract with columns cell, village, cohort (period index of the
    first extract after enrolment; COMPARISON for comparison cells), period (index), y (the cell's
    weighted mean outcome), w (its weight) and n (its families)."""
    data = cells.copy()
    treated = data["cohort"] != COMPARISON
    data["e"] = np.where(treated, data["period"] - data["cohort"], 0)
    pairs = sorted({(int(g), int(e)) for g, e in data.loc[treated, ["cohort", "e"]].itertuples(index=False)
                    if e != -1})
    for g, e in pairs:
        data[_name(g, e)] = ((data["cohort"] == g) & (data["e"] == e)).astype(float)
    names = [_name(g, e) for g, e in pairs]
    formula = f"y ~ {' + '.join(names)} | cell + period"
    with warnings.catch_warnings():  # pyfixest 0.60 uses pandas idioms pandas 3 deprecates
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        model = pf.feols(formula, data=data, weights="w", vcov={"CRV1": "village"}, ssc=pf.ssc(k_adj=False),
                         copy_data=False, store_data=False)
    coef = model.coef()
    vcov = pd.DataFrame(model._vcov, index=coef.index, columns=coef.index)
    dropped = set(names) - set(coef.index)
    pairs = [(g, e) for g, e in pairs if _name(g, e) not in dropped]

    df = max(int(data["village"].nunique()) - 1, 1)
    size = data.loc[treated].groupby(["cohort", "period"])["n"].sum().groupby("cohort").max()
    event_times = []
    for e in sorted({e for _, e in pairs}):
        cohorts = [g for g, ee in pairs if ee == e]
        total = float(sum(size[g] for g in cohorts))
        weights = {_name(g, e): float(size[g]) / total for g in cohorts}
        event_times.append(EventTime(e, _combine(weights, coef, vcov, df), len(cohorts), int(total)))

    post = [(g, e) for g, e in pairs if e >= 0]
    total_post = float(sum(size[g] for g, _ in post))
    overall = _combine({_name(g, e): float(size[g]) / total_post for g, e in post}, coef, vcov, df)
    by_cohort = {}
    for g in sorted({g for g, _ in post}):
        own = [e for gg, e in post if gg == g]
        by_cohort[g] = _combine({_name(g, e): 1.0 / len(own) for e in own}, coef, vcov, df)
    return Fit(overall=overall, event_times=event_times, by_cohort=by_cohort,
               pre_trend=pre_trend([_name(g, e) for g, e in pairs if e <= -2], coef, vcov),
               cells=int(data["cell"].nunique()), clusters=int(data["village"].nunique()),
               coefficients={str(k): float(v) for k, v in coef.items()})


def pre_trend(leads: list[str], coef: pd.Series, vcov: pd.DataFrame) -> PreTrend:
    """Wald test that every lead is zero; flagged at the 5 % level. None when there is no lead."""
    if not leads:
        return PreTrend(0, None, None, False)
    b = coef[leads].to_numpy()
    v = vcov.loc[leads, leads].to_numpy()
    statistic = float(b @ np.linalg.pinv(v) @ b)
    rank = int(np.linalg.matrix_rank(v))
    p = float(stats.chi2.sf(statistic, max(rank, 1)))
    return PreTrend(len(leads), statistic, p, p < 0.05)
