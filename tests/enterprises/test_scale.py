"""PP 7/2021 scale: limits are inclusive; capital decides at founding, annual sales afterwards.
The scalar rule and the Polars rule (imports, synth) agree."""

import datetime

import polars as pl
import pytest

from entas.enterprises.scale import scale_expr, scale_of

BN = 1_000_000_000
ON = datetime.date(2025, 7, 31)
OLD = datetime.date(2020, 1, 1)  # founded years ago: sales decide
NEW = datetime.date(2025, 3, 1)  # founded this year: capital decides


def test_exactly_rp1_bn_of_capital_is_micro() -> None:
    assert scale_of(1 * BN, None, NEW, ON) == "micro"
    assert scale_of(1 * BN + 1, None, NEW, ON) == "small"


@pytest.mark.parametrize(("capital", "expected"), [
    (0, "micro"), (5 * BN, "small"), (5 * BN + 1, "medium"), (10 * BN, "medium"), (10 * BN + 1, "large"),
])
def test_capital_limits(capital: int, expected: str) -> None:
    assert scale_of(capital, None, NEW, ON) == expected


@pytest.mark.parametrize(("sales", "expected"), [
    (2 * BN, "micro"), (2 * BN + 1, "small"), (15 * BN, "small"), (15 * BN + 1, "medium"), (50 * BN, "medium"),
    (50 * BN + 1, "large"),
])
def test_sales_limits(sales: int, expected: str) -> None:
    assert scale_of(0, sales, OLD, ON) == expected


def test_capital_decides_at_founding_and_sales_after() -> None:
    # Rp3 bn capital (small) with Rp1 bn sales (micro):
    assert scale_of(3 * BN, 1 * BN, NEW, ON) == "small"  # within its first year: capital
    assert scale_of(3 * BN, 1 * BN, OLD, ON) == "micro"  # afterwards: sales
    assert scale_of(3 * BN, 1 * BN, ON - datetime.timedelta(days=365), ON) == "micro"  # a year on the day
    assert scale_of(3 * BN, None, OLD, ON) == "small"  # no sales reported yet: capital
    assert scale_of(None, None, OLD, ON) is None


CASES = [(c, s, f) for c in (None, 0, BN, BN + 1, 7 * BN, 11 * BN) for s in (None, 2 * BN, 2 * BN + 1, 60 * BN)
         for f in (None, OLD, NEW)]


def test_the_polars_rule_agrees_with_the_scalar_rule() -> None:
    frame = pl.DataFrame(CASES, schema={"c": pl.Int64, "s": pl.Int64, "f": pl.Date}, orient="row")
    got = frame.select(scale_expr(pl.col("c"), pl.col("s"), pl.col("f"), ON)).to_series().to_list()
    assert got == [scale_of(c, s, f, ON) for c, s, f in CASES]
