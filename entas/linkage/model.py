"""The probabilistic model that links people across files: Splink settings, training and scoring.

One model for every backend: the comparisons use Splink's level library and plain SQL equality,
so the same settings run on DuckDB (embedded, the default) and on Spark (`spark.py`).

Fields are compared as five pieces of evidence, not as eight independent fields, because the
fields of an Indonesian identity are not independent:
- the NIK encodes the district of registration and the birth date (a woman's day +40). The NIK
  levels in which those parts agree (exact, +40 missing, Excel's zeroed last digit, only the
  serial differing) take their u-probabilities among pairs of *different people who already share
  district and birth date* (`conditional_nik_u`), because the birth-date and place comparisons
  count that agreement once already. Among such pairs a different serial is the rule, so a twin's
  next serial weighs against a link instead of for it;
- an exact NIK counts only when it agrees with the sex its record states (a day above 40 is a
  woman's): a woman's record carrying her twin brother's NIK (her own without the +40) falls to the
  weaker "+40 level" and her name and sex decide;
- village, address and No. KK are one `place` comparison: a family member shares all three, and
  three agreeing fields would otherwise outvote a different name.
"""

from dataclasses import dataclass
from typing import Any

import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

# The comparisons, in the order of the per-field weight columns of the output.
FIELDS = ("nik", "name", "birth_date", "sex", "place")
# The NIK levels whose u-probability is taken among different people who share district and birth
# date (see the module's docstring), in the order of `_nik()`'s levels after the null level.
NIK_CONDITIONAL = ("exact", "without_plus_40", "excel_zeroed", "other_serial")
U_FLOOR = 1e-4  # the least u given to a level that never occurs among the sampled non-matches


@dataclass(frozen=True)
class Thresholds:
    """A link is accepted at or above `upper`, rejected below `lower`, reviewed in between. A best
    candidate whose runner-up is within `margin` (in match weight) of it is reviewed too."""

    upper: float = 0.90
    lower: float = 0.30
    margin: float = 2.0


DEFAULT = Thresholds()


def _nik(conditional_u: dict[str, float] | None) -> ComparisonCreator:
    consistent = "(sex_{s} IS NULL OR nik_sex_{s} IS NULL OR sex_{s} = nik_sex_{s})"
    levels: list[Any] = [
        cll.NullLevel("nik"),
        cll.CustomLevel(f"nik_l = nik_r AND {consistent.format(s='l')} AND {consistent.format(s='r')}",
                        "exact NIK"),
        cll.CustomLevel("nik_canon_l = nik_canon_r", "same NIK but for a woman's +40"),
        cll.CustomLevel("substr(nik_l, 1, 15) = substr(nik_r, 1, 15) AND "
                        "(substr(nik_l, 16, 1) = '0' OR substr(nik_r, 16, 1) = '0')", "last digit zeroed (Excel)"),
        cll.CustomLevel("nik_12_l = nik_12_r", "same district and birth date, other serial"),
        cll.CustomLevel("nik_l = kk_r OR nik_r = kk_l", "No. KK in the NIK field"),
        cll.DamerauLevenshteinLevel("nik_canon", 1).configure(label_for_charts="one digit wrong or two swapped"),
        cll.ElseLevel(),
    ]
    if conditional_u:
        for index, key in enumerate(NIK_CONDITIONAL, start=1):
            levels[index] = levels[index].configure(u_probability=conditional_u[key], fix_u_probability=True)
    return cl.CustomComparison(levels, "nik", "NIK")


def _birth_date() -> ComparisonCreator:
    return cl.CustomComparison([
        cll.CustomLevel("dob_year_l IS NULL OR dob_year_r IS NULL").configure(is_null_level=True),
        cll.ExactMatchLevel("dob").configure(label_for_charts="same birth date"),
        cll.CustomLevel("dob_l = dob_swapped_r", "day and month swapped"),
        cll.CustomLevel("(dob_l IS NULL OR dob_r IS NULL) AND dob_year_l = dob_year_r", "only the year, agreeing"),
        cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="one digit apart"),
        cll.CustomLevel("dob_year_l = dob_year_r", "same year"),
        cll.ElseLevel(),
    ], "birth_date", "birth date")


def _name() -> ComparisonCreator:
    return cl.CustomComparison([
        cll.NullLevel("name"),
        cll.ExactMatchLevel("name").configure(tf_adjustment_column="name", tf_adjustment_weight=0.6),
        cll.ExactMatchLevel("name_sorted").configure(label_for_charts="same words, other order"),
        cll.JaroWinklerLevel("name", 0.95),
        cll.ArraySubsetLevel("name_tokens").configure(label_for_charts="one name contains the other"),
        cll.JaroWinklerLevel("name", 0.88),
        cll.ArrayIntersectLevel("name_tokens", 1).configure(label_for_charts="a word in common"),
        cll.ElseLevel(),
    ], "name", "name")


def _place() -> ComparisonCreator:
    return cl.CustomComparison([
        cll.CustomLevel("regency_l IS NULL OR regency_r IS NULL").configure(is_null_level=True),
        cll.CustomLevel("kk_l = kk_r", "same No. KK"),
        cll.And(cll.ExactMatchLevel("village"), cll.JaroWinklerLevel("address", 0.9)),
        cll.ExactMatchLevel("village"),
        cll.And(cll.ExactMatchLevel("district"), cll.JaroWinklerLevel("address", 0.9)),
        cll.ExactMatchLevel("district"),
        cll.ExactMatchLevel("regency"),
        cll.ElseLevel(),
    ], "place", "village, address and No. KK")


def blocking_rules() -> list[BlockingRuleCreator | dict[str, Any]]:
    """The pairs worth scoring: each rule catches what the others miss when a field is damaged."""
    return [
        block_on("nik"),
        block_on("nik_canon"),
        block_on("nik_12"),
        {"blocking_rule": "l.nik = r.kk", "sql_dialect": None},
        {"blocking_rule": "l.kk = r.nik", "sql_dialect": None},
        {"blocking_rule": "substr(l.nik_canon, 7, 10) = substr(r.nik_canon, 7, 10) AND l.name_first = r.name_first",
         "sql_dialect": None},
        block_on("name", "district"),
        block_on("dob", "regency"),
        {"blocking_rule": "l.dob = r.dob_swapped AND l.regency = r.regency", "sql_dialect": None},
        block_on("name_sorted", "dob_year", "regency"),
        block_on("name_first", "dob_year", "district"),
    ]


def settings(conditional_u: dict[str, float] | None = None, prior: float | None = None) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="record_id",
        comparisons=[_nik(conditional_u), _name(), _birth_date(), _sex(), _place()],
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        probability_two_random_records_match=prior or 1e-5,
    )


def _sex() -> ComparisonCreator:
    return cl.ExactMatch("sex")


def conditional_nik_u(a: pl.DataFrame, *, sample: int = 200_000, seed: int = 7) -> dict[str, float]:
    """The share of each NIK level among pairs of different registry people who share district and
    birth date (the same first twelve canonical digits), floored at U_FLOOR."""
    people = a.select("record_id", "nik", "nik_canon", "nik_12", "sex", "nik_sex").drop_nulls("nik_12")
    if people.height > sample:
        people = people.sample(sample, seed=seed)
    pairs = people.join(people, on="nik_12", suffix="_r").filter(pl.col("record_id") < pl.col("record_id_r"))
    total = pairs.height
    if total == 0:
        return dict.fromkeys(NIK_CONDITIONAL, U_FLOOR) | {"other_serial": 1 - 3 * U_FLOOR}
    consistent = (pl.col("sex").is_null() | (pl.col("sex") == pl.col("nik_sex"))) & (
        pl.col("sex_r").is_null() | (pl.col("sex_r") == pl.col("nik_sex_r")))
    exact = (pl.col("nik") == pl.col("nik_r")) & consistent
    canon = ~exact & (pl.col("nik_canon") == pl.col("nik_canon_r"))
    zeroed = ~exact & ~canon & (pl.col("nik").str.slice(0, 15) == pl.col("nik_r").str.slice(0, 15)) & (
        (pl.col("nik").str.slice(15) == "0") | (pl.col("nik_r").str.slice(15) == "0"))
    counts = pairs.select(exact.sum().alias("exact"), canon.sum().alias("without_plus_40"),
                          zeroed.sum().alias("excel_zeroed")).row(0, named=True)
    shares = {key: max(value / total, U_FLOOR) for key, value in counts.items()}
    shares["other_serial"] = max(1 - sum(shares.values()), U_FLOOR)
    return shares
