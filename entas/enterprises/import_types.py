"""Field types of KUMKM files: NIB, KBLI code, rupiah amounts (with the reason a text like
'2 M' or 'Rp 1.500.000' is refused), each a whole column at a time (see entas.ingest.types)."""

from dataclasses import dataclass
from typing import ClassVar

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.identifiers import NOT_DIGITS, WRONG_LENGTH
from entas.core.messages import Message
from entas.enterprises.checks import NIB_LENGTH
from entas.ingest.types import NOT_RUPIAH, FieldType, Integer
from entas.registry.imports import clean_identity

NOT_KBLI = Message(gettext_noop("'%(value)s' is not a 5-digit KBLI code"))
UNIT_WORDS = Message(gettext_noop("'%(value)s' is text, not an amount: write the full amount in digits, without 'Rp' "
                                  "or units like M, jt or rb (e.g. 2000000000)"))
RP_PREFIX = Message(gettext_noop("'%(value)s' is text, not an amount: write digits only, without 'Rp' (e.g. 1500000)"))
NEGATIVE = Message(gettext_noop("%(value)s is below 0: an amount cannot be negative"))
TOO_LARGE = Message(gettext_noop("%(value)s is above the largest amount accepted"))
UNITS = r"(?i)^\s*(rp\.?\s*)?[\d.,]+\s*(m|jt|juta|rb|ribu|k|miliar|milyar|triliun|t)\s*$"


@dataclass(frozen=True)
class Nib(FieldType):
    def quick(self, raw: pl.Expr) -> pl.Expr:
        return pl.when(raw.str.contains(f"^[0-9]{{{NIB_LENGTH}}}$")).then(raw)

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return self.quick(clean_identity(raw))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        text = clean_identity(raw)
        return (
            pl.when(~text.str.contains(r"^[0-9]+$"))
            .then(NOT_DIGITS.expr(value=text, length=pl.lit(str(NIB_LENGTH))))
            .otherwise(WRONG_LENGTH.expr(count=text.str.len_chars(), length=pl.lit(str(NIB_LENGTH))))
        )


@dataclass(frozen=True)
class KbliCode(FieldType):
    """The shape only (5 digits); whether the code exists in its version is a rule of the schema."""

    def quick(self, raw: pl.Expr) -> pl.Expr:
        return pl.when(raw.str.contains(r"^[0-9]{5}$")).then(raw)

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return self.quick(raw.str.strip_prefix("'").str.replace_all(r"[\s.]", ""))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return NOT_KBLI.expr(value=raw)


@dataclass(frozen=True)
class Rupiah(Integer):
    """Whole rupiah, 0 or more; 1.500.000 and 1,500,000 are read, 'Rp' and unit words are not:
    '2 M' could be 2 million or 2 billion (miliar), so the file must say the number."""

    minimum: int | None = 0
    thousands: bool = True
    sql: ClassVar[str] = "bigint"

    def _number(self, raw: pl.Expr) -> pl.Expr:
        # Grouping first: Integer strips a trailing '.000' as an Excel decimal before it looks for
        # thousands separators, which reads 300.000.000 as 300000 (reported to ingest's owner).
        grouped = raw.str.contains(r"^\d{1,3}([.,]\d{3})+$")
        plain = raw.str.replace(r"\.0+$", "")
        return pl.when(grouped).then(raw.str.replace_all(r"[.,]", "")).otherwise(plain).cast(pl.Int64, strict=False)

    def problem(self, raw: pl.Expr) -> pl.Expr:
        number = self._number(raw)
        return (
            pl.when(raw.str.contains(UNITS))
            .then(UNIT_WORDS.expr(value=raw))
            .when(raw.str.contains(r"(?i)^\s*rp"))
            .then(RP_PREFIX.expr(value=raw))
            .when(number.is_null()).then(NOT_RUPIAH.expr(value=raw))
            .when(number < 0).then(NEGATIVE.expr(value=number))
            .otherwise(TOO_LARGE.expr(value=number))
        )
