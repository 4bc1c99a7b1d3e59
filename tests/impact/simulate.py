"""Synthetic household panels with a known effect, for the estimator's tests (no database)."""

import datetime

import numpy as np
import pandas as pd

from entas.impact.analysis import Panel
from entas.impact.event_study import COMPARISON


def panel(*, seed: int, villages: int = 60, per_village: int = 40, periods: int = 8, effect: float = 0.08,
          pre_trend: float = 0.0, cohorts: tuple[int, ...] = (2, 3, 4, 5), treated_share: float = 0.4) -> pd.DataFrame:
    """One row per household and extract: log income with a household effect, a village shock per
    extract, a common trend, noise, and `effect` (log points) from the first extract after
    enrolment on; `pre_trend` adds a differential trend of that much per extract to the enrolled
    before their enrolment."""
    rng = np.random.default_rng(seed)
    n = villages * per_village
    village = np.repeat(np.arange(villages), per_village)
    treated = rng.random(n) < treated_share
    cohort = np.where(treated, rng.choice(cohorts, n), COMPARISON)
    unit_effect = rng.normal(13.0, 0.5, n) - 0.1 * treated
    shock = rng.normal(0, 0.05, (villages, periods))
    rows = []
    for t in range(periods):
        y = unit_effect + 0.01 * t + shock[village, t] + rng.normal(0, 0.1, n)
        after = treated & (t >= cohort)
        y = y + effect * after
        before = treated & (t < cohort)
        y = y + pre_trend * np.where(before, t - cohort, 0)
        rows.append(pd.DataFrame({"household": np.arange(n), "village": village, "cohort": cohort, "period": t,
                                  "y": y}))
    return pd.concat(rows, ignore_index=True)


def household_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Each household its own cell (weight 1): the household-level regression."""
    return frame.assign(cell=frame["household"], w=1.0, n=1)


def village_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Households averaged into (village, cohort) cells: what the database gives the estimator."""
    grouped = frame.groupby(["village", "cohort", "period"], as_index=False).agg(y=("y", "mean"), n=("y", "size"))
    grouped["w"] = grouped["n"].astype(float)
    grouped["cell"] = grouped["village"].astype(str) + ":" + grouped["cohort"].astype(str)
    return grouped


def as_panel(frame: pd.DataFrame, *, start: datetime.date = datetime.date(2024, 3, 31), seed: int = 0) -> Panel:
    """The household panel as the database would give it: quarterly extract dates, enrolment dates
    between the cohort's base extract and its first extract after, incomes in rupiah, baseline
    values, regencies of five villages each."""
    rng = np.random.default_rng(seed)
    periods = int(frame["period"].max()) + 1
    dates = [start + datetime.timedelta(days=round(91.3125 * k)) for k in range(periods)]
    wide = frame.pivot(index="household", columns="period", values="y")
    first = frame[frame["period"] == 0].set_index("household").loc[wide.index]
    cohort = first["cohort"].to_numpy()
    enrolled = [dates[g - 1] + datetime.timedelta(days=int(rng.integers(1, 80))) if g != COMPARISON else None
                for g in cohort]
    income = np.exp(wide.to_numpy())
    households = pd.DataFrame({
        "id": wide.index.to_numpy() + 1,
        "village": "",
        "enrolled_on": pd.to_datetime(pd.Series(enrolled, dtype="object")),
        "per_capita_income0": income[:, 0].round(),
        "decile0": np.clip(np.ceil(wide[0].rank(pct=True).to_numpy() * 3), 1, 3),
        "assets_score0": rng.integers(0, 6, len(wide)).astype(float),
        "housing_score0": rng.integers(0, 8, len(wide)).astype(float),
    })
    for k in range(periods):
        households[f"y{k}"] = income[:, k].round()
    # Twenty villages per regency.
    households["regency"] = [f"33.{10 + v // 20:02d}" for v in first["village"]]
    households["village"] = [f"{r}.01.{2001 + v:04d}"
                             for r, v in zip(households["regency"], first["village"], strict=True)]
    return Panel(dates=dates, households=households, regencies=sorted(set(households["regency"])))
