"""Enterprise scale by PP 7/2021 art. 35: micro, small, medium or large.

Capital (excluding land and buildings) decides at founding; annual sales decide afterwards, that
is once the enterprise has reported sales for a year. Limits are inclusive: exactly Rp1 bn of
capital is still micro. One rule, two spellings kept in agreement by the tests: `scale_of` for
single records, `scale_expr` (Polars) for whole columns (imports, synth).
"""

from datetime import date
from typing import Any

import polars as pl
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

BILLION = 1_000_000_000
# (scale, upper limit of capital, upper limit of annual sales), smallest first; above all: large.
LIMITS: tuple[tuple[str, int, int], ...] = (
    ("micro", 1 * BILLION, 2 * BILLION),
    ("small", 5 * BILLION, 15 * BILLION),
    ("medium", 10 * BILLION, 50 * BILLION),
)
FOUNDING_DAYS = 365  # within its first year an enterprise has no annual sales to go by


class Scale(TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


def _by(amount: int, column: int) -> str:
    return next((name for name, *caps in LIMITS if amount <= caps[column - 1]), Scale.LARGE.value)


def uses_sales(annual_sales: int | None, founded: date | None, on: date) -> bool:
    if annual_sales is None:
        return False
    return founded is None or (on - founded).days >= FOUNDING_DAYS


def scale_of(capital: int | None, annual_sales: int | None, founded: date | None, on: date) -> str | None:
    """The scale on date `on`; None when neither amount is known."""
    if annual_sales is not None and uses_sales(annual_sales, founded, on):
        return _by(annual_sales, 2)
    if capital is not None:
        return _by(capital, 1)
    return None


def _expr_by(amount: pl.Expr, column: int) -> pl.Expr:
    chain: Any = pl.when(amount.is_null()).then(pl.lit(None, pl.String))
    for limits in LIMITS:
        chain = chain.when(amount <= limits[column]).then(pl.lit(limits[0]))
    return chain.otherwise(pl.lit(Scale.LARGE.value))


def scale_expr(capital: pl.Expr, annual_sales: pl.Expr, founded: pl.Expr, on: date) -> pl.Expr:
    """`scale_of` for whole columns."""
    after_founding = founded.is_null() | ((pl.lit(on) - founded).dt.total_days() >= FOUNDING_DAYS)
    by_sales = annual_sales.is_not_null() & after_founding
    return pl.when(by_sales).then(_expr_by(annual_sales, 2)).otherwise(_expr_by(capital, 1))
