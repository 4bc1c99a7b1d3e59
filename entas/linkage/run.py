"""A link job from two frames of identities to one best registry candidate per source record.

`link(a, b)` normalises both sides, trains the model of `model.py` without labels (u by random
sampling, m by expectation maximisation in two blocked sessions, the NIK's conditional u from the
registry itself), scores the blocked pairs and keeps, per source record, its best candidate with
the per-field match weights, a band (accepted / review / rejected) and, for the review band, the
order in which to ask a reviewer. Labels (earlier review decisions) are never asked again: a
decided pair takes its decision, and pairs with the same comparison pattern as decided ones move
towards what the reviewers said (`calibrate`).
"""

import logging
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, block_on

from entas.linkage.model import DEFAULT, FIELDS, Thresholds, conditional_nik_u, settings
from entas.linkage.normalise import identities

Band = Literal["accepted", "review", "rejected"]
Progress = Callable[[str, float], None]
PRIOR_STRENGTH = 1.0  # how many labels the model's own probability counts for, per pattern
# The lowest match weight kept from scoring: below it no pair could be a best candidate worth a look.
KEEP_ABOVE = -8.0


@dataclass
class Report:
    """What a run says about itself: counts per band, estimated precision and recall (from the
    model, and from the labels where there are any), suggested thresholds, labels used."""

    a_records: int = 0
    b_records: int = 0
    pairs_scored: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    precision_model: float | None = None
    recall_model: float | None = None
    labels_used: int = 0
    labels_precision: float | None = None
    labels_agreement: float | None = None  # share of the decisions the model had right before them
    moved_by_labels: int = 0
    suggested_upper: float | None = None
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Result:
    candidates: pl.DataFrame  # one row per source record that has any candidate
    report: Report
    pairs: pl.DataFrame | None = None  # every scored pair (for explaining a decision)


def _no_progress(stage: str, share: float) -> None:
    return None


def link(
    a: pl.DataFrame,
    b: pl.DataFrame,
    *,
    labels: pl.DataFrame | None = None,
    thresholds: Thresholds = DEFAULT,
    api: Any = None,
    progress: Progress = _no_progress,
) -> Result:
    """Link the source records `b` to the registry people `a` (frames of text columns named by the
    link keys). `api` is a Splink database API (DuckDB in memory when None)."""
    clock: dict[str, float] = {}
    started = time.perf_counter()
    progress("normalise", 0.0)
    left, right = identities(a), identities(b)
    clock["normalise"] = time.perf_counter() - started
    report = Report(a_records=left.height, b_records=right.height)
    if left.height == 0 or right.height == 0:
        return Result(_empty(), report)

    progress("train", 0.1)
    step = time.perf_counter()
    spill = None
    if api is None:
        spill = tempfile.TemporaryDirectory(prefix="entas-link-")
        api = duckdb_api(spill.name)
    logging.getLogger("splink").setLevel(logging.ERROR)  # its training chatter is not the user's business
    tables = [api.register(_for_backend(left), table_name="registry"),
              api.register(_for_backend(right), table_name="source")]
    linker = Linker(tables, settings(conditional_nik_u(left), _prior(left.height, right.height)), log_level=None)
    # Spark pays a fixed cost per query: one chunk of u sampling instead of ten saves most of it.
    _train(linker, u_pairs=_u_pairs(left.height, right.height), u_chunks=10 if isinstance(api, DuckDBAPI) else 1)
    if os.environ.get("ENTAS_LINK_MODEL"):
        linker.misc.save_model_to_json(os.environ["ENTAS_LINK_MODEL"], overwrite=True)
    clock["train"] = time.perf_counter() - step

    progress("score", 0.5)
    step = time.perf_counter()
    scored = _scored(linker.inference.predict(threshold_match_weight=KEEP_ABOVE).as_pyarrow_table())
    scored = _with_twin_flag(scored, left, right)
    report.pairs_scored = scored.height
    clock["score"] = time.perf_counter() - step

    progress("decide", 0.9)
    if labels is not None and labels.height:
        scored, report = calibrate(scored, labels, report)
    if "decided" not in scored.columns:
        scored = scored.with_columns(pl.lit(None, pl.Int8).alias("decided"))
    scored = exclusive(scored.filter(pl.col("decided").fill_null(1) == 1))
    candidates = decide(scored, thresholds)
    _summarise(candidates, report, labels)
    report.seconds = clock | {"total": time.perf_counter() - started}
    if spill is not None:
        spill.cleanup()
    progress("done", 1.0)
    return Result(candidates, report, scored)


def duckdb_api(spill: str, memory_limit: str | None = None) -> DuckDBAPI:
    """Splink on an in-memory DuckDB that spills to `spill` beyond `memory_limit` (ENTAS_LINK_MEMORY,
    default 2GB), so that a national run stays within a laptop's memory."""
    limit = memory_limit or os.environ.get("ENTAS_LINK_MEMORY", "2GB")
    return DuckDBAPI(duckdb.connect(config={"memory_limit": limit, "temp_directory": spill,
                                            "preserve_insertion_order": False}))


def _prior(a_count: int, b_count: int) -> float:
    """Two random records match with about this probability when most source records are in
    the registry: one match per source record among all pairs."""
    return min(0.5, 0.8 * b_count / (a_count * b_count))


def _for_backend(frame: pl.DataFrame) -> Any:
    return frame.to_arrow()


def _u_pairs(a_count: int, b_count: int) -> float:
    """How many random pairs estimate the u probabilities: 3 million from a registry of about
    100,000 people up (enough for the rare agreements: one exact name among thousands), fewer for
    a small job, where sampling would otherwise take most of its time."""
    return min(3e6, max(1e6, 20.0 * (a_count + b_count)))


def _train(linker: Linker, *, u_pairs: float, u_chunks: int) -> None:
    training = linker.training
    training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1, num_chunks=u_chunks)
    training.estimate_parameters_using_expectation_maximisation(block_on("nik_canon"), max_pairs=2e6)
    training.estimate_parameters_using_expectation_maximisation(block_on("dob", "regency"), max_pairs=2e6)


def _scored(table: Any) -> pl.DataFrame:
    """Splink's predictions as record_id_a, record_id_b, the match weight and probability, a
    weight per field and the pattern of comparison levels."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    flipped = frame["source_dataset_l"][0] != "registry" if frame.height else False
    a_side, b_side = ("r", "l") if flipped else ("l", "r")
    weights = []
    for name in FIELDS:
        weight = pl.col(f"mw_{name}")
        if f"mw_tf_adj_{name}" in frame.columns:
            weight = weight + pl.col(f"mw_tf_adj_{name}")
        weights.append(weight.round(2).alias(f"weight_{name}"))
    # A field's weight without term frequencies names its comparison level: their list is the pattern.
    pattern = pl.concat_str([pl.col(f"mw_{name}").round(3).cast(pl.String) for name in FIELDS], separator="|")
    return frame.select(
        pl.col(f"record_id_{a_side}").alias("record_id_a"),
        pl.col(f"record_id_{b_side}").alias("record_id_b"),
        pl.col("match_weight").round(3),
        pl.col("match_probability").alias("probability"),
        *weights,
        pattern.alias("pattern"),
    )


def _with_twin_flag(scored: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """Flag the pairs whose NIKs agree on district and birth date but not on the serial, where the
    registry person has a twin (someone of the same No. KK born the same day): the twin scores like
    the person, and only a reviewer who reads both names should say which one it is."""
    twins = left.filter(pl.col("kk").is_not_null() & pl.col("nik_12").is_not_null()).filter(
        pl.len().over("kk", "nik_12") > 1)["record_id"]
    keys = ["record_id", "nik_12", "nik_canon"]
    joined = scored.join(left.select(keys), left_on="record_id_a", right_on="record_id", how="left").join(
        right.select(keys), left_on="record_id_b", right_on="record_id", how="left", suffix="_b")
    excel_zeroed = (pl.col("nik_canon").str.slice(0, 15) == pl.col("nik_canon_b").str.slice(0, 15)) & (
        (pl.col("nik_canon").str.slice(15) == "0") | (pl.col("nik_canon_b").str.slice(15) == "0"))
    twin = (
        pl.col("record_id_a").is_in(twins.implode())
        & (pl.col("nik_12") == pl.col("nik_12_b"))
        & (pl.col("nik_canon") != pl.col("nik_canon_b"))
        & ~excel_zeroed
    )
    return joined.with_columns(twin.fill_null(False).alias("other_serial")).drop(
        "nik_12", "nik_canon", "nik_12_b", "nik_canon_b")


def calibrate(scored: pl.DataFrame, labels: pl.DataFrame, report: Report) -> tuple[pl.DataFrame, Report]:
    """Move each pair's probability towards what reviewers said of pairs with the same pattern
    of comparison levels (a Beta update with the model's probability as the prior), and give the
    decided pairs their decision."""
    decided = labels.select(
        pl.col("record_id_a").cast(pl.String), pl.col("record_id_b").cast(pl.String),
        pl.col("is_match").cast(pl.Int8),
    ).unique(["record_id_a", "record_id_b"], keep="last")
    known = scored.join(decided, on=["record_id_a", "record_id_b"], how="inner")
    report.labels_used = known.height
    if known.height == 0:
        return scored, report
    sided = (known["probability"] >= 0.5).cast(pl.Int8) == known["is_match"]
    report.labels_agreement = round(float(sided.mean() or 0), 4)  # type: ignore[arg-type]
    per_pattern = known.group_by("pattern").agg(pl.len().alias("_n"), pl.col("is_match").sum().alias("_k"))
    before = scored["probability"]
    updated = (
        scored.join(per_pattern, on="pattern", how="left")
        .join(decided, on=["record_id_a", "record_id_b"], how="left")
        .with_columns(
            pl.when(pl.col("is_match").is_not_null())
            .then(pl.col("is_match").cast(pl.Float64))
            .when(pl.col("_n").is_not_null())
            .then((pl.col("_k") + PRIOR_STRENGTH * pl.col("probability")) / (pl.col("_n") + PRIOR_STRENGTH))
            .otherwise(pl.col("probability"))
            .alias("probability"),
            pl.col("is_match").alias("decided"),
        )
        .drop("_n", "_k", "is_match")
    )
    report.moved_by_labels = int(((updated["probability"] - before).abs() > 0.05).sum())
    return updated, report


def decide(scored: pl.DataFrame, thresholds: Thresholds) -> pl.DataFrame:
    """The best candidate of each source record with its band and, in the review band, its place
    in the order of questions. Pairs a reviewer rejected are no candidates."""
    if "decided" not in scored.columns:
        scored = scored.with_columns(pl.lit(None, pl.Int8).alias("decided"))
    ranked = (
        scored.filter(pl.col("decided").fill_null(1) == 1)
        .sort(["record_id_b", "probability", "match_weight"], descending=[False, True, True])
        .with_columns(pl.col("match_weight").shift(-1).over("record_id_b").alias("runner_up_weight"),
                      pl.int_range(pl.len()).over("record_id_b").alias("_rank"))
        .filter(pl.col("_rank") == 0)
        .drop("_rank")
    )
    close_rival = pl.col("runner_up_weight").is_not_null() & (
        pl.col("match_weight") - pl.col("runner_up_weight") < thresholds.margin)
    band = (
        pl.when(pl.col("decided") == 1).then(pl.lit("accepted"))
        .when(pl.col("probability") < thresholds.lower).then(pl.lit("rejected"))
        .when((pl.col("probability") >= thresholds.upper) & ~close_rival & ~pl.col("other_serial"))
        .then(pl.lit("accepted"))
        .otherwise(pl.lit("review"))
    )
    decided = ranked.with_columns(band.alias("band"))
    return _ask_order(decided)


def exclusive(scored: pl.DataFrame) -> pl.DataFrame:
    """Each probability given that the source record is at most one of its two best candidates: a
    candidate's odds over one plus the odds of both. Two close candidates (twins, namesakes in one
    village) share the certainty that one of them alone would have had; the weak candidates every
    record has do not erode the best one."""
    clipped = pl.col("probability").clip(1e-12, 1 - 1e-12)
    odds = clipped / (1 - clipped)
    rank = odds.rank("ordinal", descending=True).over("record_id_b")
    top_two = pl.when(rank <= 2).then(odds).otherwise(0.0).sum().over("record_id_b")
    shared = odds / (1 + top_two + pl.when(rank > 2).then(odds).otherwise(0.0))
    return scored.with_columns(
        pl.when(pl.col("decided") == 1).then(pl.lit(1.0)).otherwise(shared).alias("probability"))


def _ask_order(candidates: pl.DataFrame) -> pl.DataFrame:
    """Active learning: in the review band ask first where the model is least sure, one question
    per pattern of disagreement in turn, the patterns that cover most pairs first, so that each
    answer moves as many undecided pairs as it can."""
    review = candidates.filter(pl.col("band") == "review").with_columns(
        (1 - (2 * pl.col("probability") - 1).abs()).alias("_doubt"),
        pl.len().over("pattern").alias("_pattern_size"),
    )
    review = review.sort(["_doubt", "record_id_b"], descending=[True, False]).with_columns(
        pl.int_range(pl.len()).over("pattern").alias("_turn")
    )
    review = review.sort(["_turn", "_pattern_size", "_doubt", "record_id_b"],
                         descending=[False, True, True, False])
    review = review.with_row_index("ask_order", offset=1).drop("_doubt", "_pattern_size", "_turn")
    others = candidates.filter(pl.col("band") != "review").with_columns(pl.lit(None, pl.UInt32).alias("ask_order"))
    return pl.concat([review.select(others.columns), others])


def _summarise(candidates: pl.DataFrame, report: Report, labels: pl.DataFrame | None) -> None:
    report.bands = {band: int(count) for band, count in
                    candidates.group_by("band").len().iter_rows()}
    accepted = candidates.filter(pl.col("band") == "accepted")["probability"]
    expected_matches = float(candidates["probability"].sum()) if candidates.height else 0.0
    if accepted.len():
        report.precision_model = round(float(accepted.mean() or 0), 4)  # type: ignore[arg-type]
        report.recall_model = round(float(accepted.sum()) / expected_matches, 4) if expected_matches else None
    if labels is not None and labels.height:
        report.labels_precision = round(float(labels["is_match"].cast(pl.Float64).mean() or 0), 4)  # type: ignore[arg-type]
    report.suggested_upper = suggest_upper(candidates)


def suggest_upper(candidates: pl.DataFrame) -> float | None:
    """The upper threshold at which the model expects the best F1: accepting the best candidates
    down to it, the expected true links are the sum of their probabilities and all expected links
    the sum over every best candidate."""
    ordered = candidates.sort("probability", descending=True)["probability"]
    if ordered.len() == 0:
        return None
    expected = float(ordered.sum())
    f1 = 2 * ordered.cum_sum() / (pl.Series(range(1, ordered.len() + 1)) + expected)
    return round(float(ordered[int(f1.arg_max() or 0)]), 4)


def _empty() -> pl.DataFrame:
    columns: dict[str, Any] = {"record_id_a": pl.String, "record_id_b": pl.String, "match_weight": pl.Float64,
                               "probability": pl.Float64}
    columns |= {f"weight_{name}": pl.Float64 for name in FIELDS}
    columns |= {"pattern": pl.String, "other_serial": pl.Boolean, "decided": pl.Int8,
                "runner_up_weight": pl.Float64, "band": pl.String, "ask_order": pl.UInt32}
    return pl.DataFrame(schema=columns)


def bits(probability: float) -> float:
    """A probability as a match weight (log2 of the odds)."""
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))
