"""One impact analysis from start to end, as data: which families could be compared, the comparison
group and its balance, the effect with its interval, per event time and per cohort, the pre-trend
check, and, for whatever cannot be estimated, a statement saying so instead of a number.

Timing. Extract k is "before" a family's enrolment when dated on or before the day it enrolled. A
family's cohort g is the index of its first extract after enrolment, so g - 1 is its base. A family
enrolled before the first extract with the outcome has no pre-period; one enrolled after the last
extract has not been measured since: both are left out, counted, and said.

The comparison group is matched on the values of the first extract; the effect is estimated over
the extracts after it, so that matching does not bias the pre-trend test.
"""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from entas.impact.event_study import COMPARISON, Fit
from entas.impact.matching import MatchingFailed, match, propensity
from entas.impact.outcomes import COVARIATES, Outcome

MIN_ENROLLED = 30
MILESTONES = (6, 12, 24)
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Panel:
    """What the database gives an analysis (impact/panel.py): the extract dates, and per household
    id, village, regency, enrolled_on (NaT: not enrolled), <covariate>0 at the first extract and the
    outcome y0 ... y{T-1} at each extract (NaN: not recorded)."""

    dates: list[datetime.date]
    households: pd.DataFrame
    regencies: list[str]


def statement(code: str, **values: Any) -> dict[str, Any]:
    """What could not be estimated: a code the page words (impact/statements.py), and its values."""
    return {"code": code, **values}


def _window(panel: Panel) -> tuple[int, int]:
    """The extracts with the outcome for anyone: first and last index (first > last: none)."""
    columns = [f"y{i}" for i in range(len(panel.dates))]
    present = [i for i, c in enumerate(columns) if panel.households[c].notna().any()] if columns else []
    return (present[0], present[-1]) if present else (1, 0)


def analyse(panel: Panel, outcome: Outcome, *, enrolled_in_scope: int, regency_names: dict[str, str],
            keep: dict[str, Any] | None = None) -> dict[str, Any]:
    """The analysis as a JSON-able dict; `keep` receives the analysed households ("frame": cohort,
    weight, score, outcome per extract t0 ...; "dates": the extracts t0 ... stand for) for the
    de-identified export."""
    result: dict[str, Any] = {"statements": [], "counts": {"enrolled_in_scope": enrolled_in_scope},
                              "dates": [d.isoformat() for d in panel.dates]}
    says = result["statements"]
    if enrolled_in_scope < MIN_ENROLLED:
        says.append(statement("too_few_enrolled", enrolled=enrolled_in_scope, needed=MIN_ENROLLED))
        return result
    first, last = _window(panel)
    # The first extract is the matching's (its values are the covariates); effects are measured from
    # the next one on. Matching on the very values the pre-trend test compares would make a pre-trend
    # of its own: families picked for a low draw that year drift back up (regression to the mean).
    first = max(first, 1)
    if last - first < 1:
        says.append(statement("too_few_extracts", extracts=max(last - first + 1, 0)))
        return result
    dates = panel.dates[first:last + 1]
    result["window"] = [dates[0].isoformat(), dates[-1].isoformat()]
    frame = panel.households.copy()
    ys = [f"y{i}" for i in range(first, last + 1)]
    frame = frame.rename(columns={old: f"t{k}" for k, old in enumerate(ys)})
    ys = [f"t{k}" for k in range(len(dates))]
    treated = frame["enrolled_on"].notna()
    enrolled = frame.loc[treated, "enrolled_on"].to_numpy("datetime64[D]")
    cohort = np.full(len(frame), COMPARISON)
    cohort[treated.to_numpy()] = np.searchsorted(np.array(dates, dtype="datetime64[D]"), enrolled, side="right")
    frame["cohort"] = cohort
    counts = result["counts"]
    counts["enrolled_with_history"] = int(treated.sum())
    counts["no_pre_period"] = int((treated & (frame["cohort"] == 0)).sum())
    counts["not_measured_since"] = int((treated & (frame["cohort"] == len(dates))).sum())
    if counts["no_pre_period"] and counts["no_pre_period"] == counts["enrolled_with_history"]:
        says.append(statement("no_pre_period", outcome=outcome.code, first=dates[0].isoformat()))
        return result
    if counts["no_pre_period"]:
        says.append(statement("some_without_pre_period", families=counts["no_pre_period"], first=dates[0].isoformat()))
    if counts["not_measured_since"]:
        says.append(statement("not_measured_since", families=counts["not_measured_since"],
                              last=dates[-1].isoformat()))
    frame = frame[~treated | ((frame["cohort"] > 0) & (frame["cohort"] < len(dates)))]
    treated = frame["enrolled_on"].notna()

    values = frame[ys]
    if outcome.logged:
        values = values.where(values > 0)
    complete = values.notna().all(axis=1)
    counts["missing_outcome"] = int((treated & ~complete).sum())
    counts["comparison_missing_outcome"] = int((~treated & ~complete).sum())
    frame = frame[complete].copy()
    frame[ys] = np.log(values[complete]) if outcome.logged else values[complete]
    treated = frame["enrolled_on"].notna()

    covariates = []
    for name in COVARIATES:
        column = frame[f"{name}0"]
        if name == "per_capita_income":
            column = np.log(column.where(column > 0))
        if column.notna().mean() >= 0.5:
            frame[name] = column
            covariates.append(name)
    known = frame[covariates].notna().all(axis=1) if covariates else pd.Series(True, index=frame.index)
    counts["missing_baseline"] = int((treated & ~known).sum())
    frame = frame[known]
    treated = frame["enrolled_on"].notna()

    by_regency = frame.groupby("regency")["enrolled_on"].agg(enrolled="count", total="size")
    lonely = by_regency[(by_regency["enrolled"] > 0) & (by_regency["enrolled"] == by_regency["total"])]
    for regency, row in lonely.iterrows():
        says.append(statement("no_comparison_in_region", regency=str(regency),
                              name=regency_names.get(str(regency), str(regency)), families=int(row["enrolled"])))
    frame = frame[~frame["regency"].isin(lonely.index)]
    treated = frame["enrolled_on"].notna()
    counts["comparison_pool"] = int((~treated).sum())
    if not (~treated).any() or not treated.any():
        says.append(statement("no_comparison"))
        return result
    frame = frame.assign(treated=treated)
    try:
        matched = match(frame, propensity(frame, covariates), covariates)
    except MatchingFailed as error:
        says.append(statement("matching_failed", reason=str(error)))
        return result
    frame["weight"] = matched.weight
    frame["score"] = matched.score
    counts["off_support"] = matched.off_support
    result["support"] = {"histogram": matched.histogram, "balance": matched.balance, "covariates": covariates}
    frame = frame[frame["weight"] > 0]
    treated = frame["treated"]
    counts["analysed_enrolled"] = int(treated.sum())
    counts["analysed_comparison"] = int((~treated).sum())
    counts["comparison_weight"] = float(frame.loc[~treated, "weight"].sum())
    if counts["analysed_enrolled"] < MIN_ENROLLED:
        says.append(statement("too_few_analysed", families=counts["analysed_enrolled"], needed=MIN_ENROLLED))
        return result
    if keep is not None:
        keep["frame"] = frame[["id", "village", "regency", "treated", "cohort", "weight", "score", *covariates, *ys]]
        keep["dates"] = dates
    effects = _effects(frame, ys, dates, outcome)
    says.extend(effects.pop("statements"))
    result.update(effects)
    return result


def cells(frame: pd.DataFrame, ys: list[str]) -> pd.DataFrame:
    """Weighted means per (village, cohort) and extract: what the regression needs, no household."""
    frame = frame.assign(cell=frame["village"] + ":" + frame["cohort"].astype(str))
    rows = []
    for period, column in enumerate(ys):
        weighted = frame[column] * frame["weight"]
        part = (frame.assign(wy=weighted).groupby(["cell", "village", "cohort"], as_index=False)
                .agg(wy=("wy", "sum"), w=("weight", "sum"), n=("weight", "size")))
        part["y"] = part["wy"] / part["w"]
        part["period"] = period
        rows.append(part.drop(columns="wy"))
    return pd.concat(rows, ignore_index=True)


def _horizons(frame: pd.DataFrame, dates: list[datetime.date]) -> dict[int, float]:
    """Event time -> mean months between enrolment and that extract, over the families reaching it."""
    treated = frame[frame["treated"]]
    day = np.array(dates, dtype="datetime64[D]")
    enrolled = treated["enrolled_on"].to_numpy("datetime64[D]")
    cohort = treated["cohort"].to_numpy()
    horizons: dict[int, float] = {}
    for e in range(0, len(dates)):
        reach = cohort + e < len(dates)
        if reach.any():
            gap = (day[cohort[reach] + e] - enrolled[reach]).astype(int)
            horizons[e] = float(gap.mean() / DAYS_PER_MONTH)
    return horizons


def _shown(estimate: dict[str, float], outcome: Outcome) -> dict[str, float]:
    """Log points as percent (100 (exp(b) - 1), the interval's ends likewise); others as they are."""
    if not outcome.logged:
        return {**estimate, "shown": estimate["estimate"], "shown_low": estimate["low"],
                "shown_high": estimate["high"]}
    return {**estimate, "shown": 100 * float(np.expm1(estimate["estimate"])),
            "shown_low": 100 * float(np.expm1(estimate["low"])), "shown_high": 100 * float(np.expm1(estimate["high"]))}


def _effects(frame: pd.DataFrame, ys: list[str], dates: list[datetime.date], outcome: Outcome) -> dict[str, Any]:
    from entas.impact.event_study import fit  # pyfixest loads on the first analysis, not at start-up

    fitted: Fit = fit(cells(frame, ys))
    horizons = _horizons(frame, dates)
    event_times: list[dict[str, Any]] = [
        {"e": t.e, "cohorts": t.cohorts, "families": t.families, "months": horizons.get(t.e),
         **_shown(asdict(t.estimate), outcome)} for t in fitted.event_times]
    says: list[dict[str, Any]] = []
    milestones = []
    after = [t for t in event_times if t["e"] >= 0 and t["months"] is not None]
    for month in MILESTONES:
        reached = [t for t in after if t["months"] >= month]
        milestones.append({"month": month, "at": reached[0] if reached else None})
        if not reached:
            longest = max((float(t["months"]) for t in after), default=0.0)
            says.append(statement("too_young", month=month, longest=round(longest, 1)))
    pre = fitted.pre_trend
    if pre.leads == 0:
        says.append(statement("pre_trend_untestable"))
    elif pre.flagged:
        says.append(statement("pre_trend", p_value=pre.p_value))
    sizes = frame[frame["treated"]].groupby("cohort").size()
    cohorts = [{"cohort": int(g), "from": dates[g - 1].isoformat(), "to": dates[g].isoformat(),
                "families": int(sizes.get(g, 0)), **_shown(asdict(e), outcome)} for g, e in fitted.by_cohort.items()]
    return {"estimate": _shown(asdict(fitted.overall), outcome), "event_times": event_times, "cohorts": cohorts,
            "milestones": milestones, "pre_trend": asdict(pre),
            "fit": {"cells": fitted.cells, "clusters": fitted.clusters}, "statements": says}
