"""The de-identified data of an analysis, for a researcher to check or redo it: one row per family
analysed with a pseudonym, its village as a pseudonymous cluster, its regency, group, cohort,
weight, propensity score, baseline values and the outcome at each extract. No NIK, No. KK, name,
address, village code or enrolment date. Pseudonyms are a random permutation drawn from the
analysis's seed, so the same analysis gives the same file and two analyses cannot be joined by them.
Kept as Parquet in the data folder when the analysis runs; downloaded as CSV."""

import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from django.conf import settings

from entas.impact.models import ImpactAnalysis


def path(analysis: ImpactAnalysis) -> Path:
    return Path(settings.DATA_DIR) / "impact" / f"analysis-{analysis.pk}.parquet"


def deidentified(frame: pd.DataFrame, seed: int, dates: list[datetime.date], outcome: str) -> pl.DataFrame:
    """The columns: family, cluster, regency, enrolled, cohort (index of its first extract after
    enrolment among the outcome columns, -1: comparison), weight, score, the first extract's values
    (log_income0, decile, assets_score, housing_score: what matching used) and the outcome at each
    extract, named `<outcome>_<date>` (log of income per person for income)."""
    rng = np.random.default_rng(seed)
    families = rng.permutation(len(frame)) + 1
    villages = pd.Index(sorted(frame["village"].unique()))
    clusters = rng.permutation(len(villages)) + 1
    data: dict[str, object] = {
        "family": families,
        "cluster": clusters[villages.get_indexer(frame["village"])],
        "regency": frame["regency"].to_numpy(),
        "enrolled": frame["treated"].to_numpy(bool),
        "cohort": frame["cohort"].to_numpy(),
        "weight": frame["weight"].to_numpy().round(6),
        "score": frame["score"].to_numpy().round(6),
    }
    for column in ("per_capita_income", "decile", "assets_score", "housing_score"):
        if column in frame.columns:
            data["log_income0" if column == "per_capita_income" else column] = frame[column].to_numpy().round(4)
    measure = "log_income" if outcome == "income" else outcome
    for k, day in enumerate(dates):
        data[f"{measure}_{day.isoformat()}"] = frame[f"t{k}"].to_numpy().round(4)
    return pl.DataFrame(data).sort("family")


def write(analysis: ImpactAnalysis, frame: pd.DataFrame, dates: list[datetime.date]) -> Path:
    target = path(analysis)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    deidentified(frame, analysis.seed, dates, analysis.outcome).write_parquet(target)
    return target


def read_csv(analysis: ImpactAnalysis) -> bytes | None:
    source = path(analysis)
    if not source.exists():
        return None
    return pl.read_parquet(source).write_csv().encode()
