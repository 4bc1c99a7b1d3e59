"""The comparison group: a propensity score (statsmodels' logit of "enrolled" on the registry's
values at the baseline extract), common support, and weights that make the comparison families of
each regency look like the enrolled ones.

Matching is done by strata: inside each regency, enrolled and comparison families are put in
`BINS` bins of the propensity score (cut at the enrolled families' quantiles). A comparison family
weighs (enrolled in its bin) / (comparison in its bin); an enrolled family weighs 1. This is
matching with replacement on the score, exact on the regency, and estimates the effect on the
enrolled (ATT). Off common support: enrolled families whose score lies outside the comparison
families' range, or whose regency-bin has no comparison family, are left out and counted; a
comparison family in a bin without enrolled families weighs 0.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

BINS = 10


class MatchingFailed(ValueError):
    """The score could not be estimated (e.g. one covariate separates the groups perfectly)."""


@dataclass(frozen=True)
class Matched:
    weight: pd.Series  # per unit (index of the frame): 0 = not used
    score: pd.Series
    off_support: int  # enrolled families left out
    balance: list[dict[str, float | str]]
    histogram: dict[str, list[float] | list[int]]


def propensity(frame: pd.DataFrame, covariates: list[str]) -> pd.Series:
    """P(enrolled | covariates) by a logit on standardised covariates (constant columns dropped)."""
    import statsmodels.api as sm  # 2 s to import: only when an analysis runs
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    x = frame[covariates].astype(float)
    spread = x.std(ddof=0)
    x = x.loc[:, spread > 0]
    x = (x - x.mean()) / x.std(ddof=0)
    x = sm.add_constant(x, has_constant="add")
    try:
        with warnings.catch_warnings():
            # Non-convergence (near-perfect separation) shows as scores of 0 or 1: common support
            # then leaves those families out, and says how many.
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", PerfectSeparationWarning)
            fit = sm.Logit(frame["treated"].astype(float), x).fit(disp=0, maxiter=100)
    except (np.linalg.LinAlgError, ValueError) as error:  # statsmodels' PerfectSeparationError is a ValueError
        raise MatchingFailed(str(error)) from error
    score = pd.Series(fit.predict(x), index=frame.index)
    if not np.isfinite(score).all():
        raise MatchingFailed("the propensity score is not finite")
    return score


def match(frame: pd.DataFrame, score: pd.Series, covariates: list[str]) -> Matched:
    """Weights for `frame` (columns treated, regency and the covariates) from its propensity score."""
    treated = frame["treated"].to_numpy(bool)
    low = max(score[treated].min(), score[~treated].min()) if (~treated).any() else np.inf
    high = min(score[treated].max(), score[~treated].max()) if (~treated).any() else -np.inf
    inside = (score >= low) & (score <= high)
    edges = np.unique(np.quantile(score[treated & inside], np.linspace(0, 1, BINS + 1))) \
        if (treated & inside).any() else np.array([0.0, 1.0])
    bins = np.clip(np.searchsorted(edges, score, side="right") - 1, 0, max(len(edges) - 2, 0))
    strata = pd.DataFrame({"regency": frame["regency"], "bin": bins, "treated": treated, "inside": inside})
    used = strata[strata["inside"]]
    counts = used.groupby(["regency", "bin"])["treated"].agg(enrolled="sum", total="count")
    counts["comparison"] = counts["total"] - counts["enrolled"]
    keyed = strata.join(counts, on=["regency", "bin"])
    weight = np.where(
        ~keyed["inside"], 0.0,
        np.where(treated, np.where(keyed["comparison"] > 0, 1.0, 0.0),
                 np.where(keyed["enrolled"] > 0, keyed["enrolled"] / keyed["comparison"].clip(lower=1), 0.0)))
    weight_series = pd.Series(weight, index=frame.index)
    off_support = int((treated & (weight_series == 0)).sum())
    return Matched(weight=weight_series, score=score, off_support=off_support,
                   balance=balance(frame, weight_series, covariates), histogram=histogram(score, treated))


def _smd(a: pd.Series, b: pd.Series, wa: np.ndarray, wb: np.ndarray, pooled_sd: float) -> float:
    if pooled_sd == 0 or wa.sum() == 0 or wb.sum() == 0:
        return 0.0
    return float((np.average(a, weights=wa) - np.average(b, weights=wb)) / pooled_sd)


def balance(frame: pd.DataFrame, weight: pd.Series, covariates: list[str]) -> list[dict[str, float | str]]:
    """Each covariate's means and standardised difference, before (all) and after (weights)."""
    treated = frame["treated"].to_numpy(bool)
    rows: list[dict[str, float | str]] = []
    for name in covariates:
        values = frame[name].astype(float)
        a, b = values[treated], values[~treated]
        pooled = float(np.sqrt((a.var(ddof=0) + b.var(ddof=0)) / 2)) if len(a) and len(b) else 0.0
        ones_a, ones_b = np.ones(len(a)), np.ones(len(b))
        wa, wb = weight[treated].to_numpy(), weight[~treated].to_numpy()
        rows.append({
            "covariate": name,
            "enrolled": float(a.mean()) if len(a) else float("nan"),
            "comparison_before": float(b.mean()) if len(b) else float("nan"),
            "comparison_after": float(np.average(b, weights=wb)) if wb.sum() > 0 else float("nan"),
            "smd_before": _smd(a, b, ones_a, ones_b, pooled),
            "smd_after": _smd(a, b, wa, wb, pooled),
        })
    return rows


def histogram(score: pd.Series, treated: np.ndarray, bins: int = 20) -> dict[str, list[float] | list[int]]:
    """Counts of enrolled and comparison families per score bin (0 to 1): the common support."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    return {
        "edges": [float(e) for e in edges],
        "enrolled": [int(c) for c in np.histogram(score[treated], edges)[0]],
        "comparison": [int(c) for c in np.histogram(score[~treated], edges)[0]],
    }
