"""Field types: how a column of stripped strings becomes typed values, and why a value cannot.

A type gives three Polars expressions, so a chunk is checked column by column, never row by row:
`quick` reads the spelling nearly every file uses and runs on every row; `parse` reads every
accepted spelling and runs only on rows `quick` left empty; `problem` says why a text is not a
value and runs only on rejected rows. Both parses give null for anything not a valid value
(out of range included): null with text present is what marks a problem. `number_problem` says
why a cell a spreadsheet stored as a number cannot be taken; most types take numbers.
Apps add types (NIK, region codes) by subclassing FieldType.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.dates import date_problem, parse_dates, quick_dates

TOO_LONG = Message(gettext_noop("%(length)s characters, at most %(limit)s"))
NOT_WHOLE = Message(gettext_noop("'%(value)s' is not a whole number"))
BELOW = Message(gettext_noop("%(value)s is below %(limit)s"))
ABOVE = Message(gettext_noop("%(value)s is above %(limit)s"))
NOT_ONE_OF = Message(gettext_noop("'%(value)s' is not one of %(choices)s"))
NOT_RUPIAH = Message(gettext_noop("'%(value)s' is not a whole number of rupiah"))
NOT_FLAG = Message(gettext_noop("'%(value)s' is not 1 or 0"))
IN_FUTURE = Message(gettext_noop("%(value)s is in the future"))
BEFORE = Message(gettext_noop("%(value)s is before %(limit)s"))


class FieldType:
    sql: ClassVar[str] = "text"  # staging column type: text, integer, bigint, date or boolean

    def quick(self, raw: pl.Expr) -> pl.Expr:
        return self.parse(raw)

    def parse(self, raw: pl.Expr) -> pl.Expr:
        raise NotImplementedError

    def problem(self, raw: pl.Expr) -> pl.Expr:
        raise NotImplementedError

    def number_problem(self, raw: pl.Expr) -> pl.Expr | None:
        """Why a cell the spreadsheet stored as a number (its text: `raw`) is refused; None when
        numbers are as good as text (amounts, codes of a few digits, dates as serial numbers)."""
        return None


@dataclass(frozen=True)
class Text(FieldType):
    max_length: int = 255

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return pl.when(raw.str.len_chars() <= self.max_length).then(raw)

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return TOO_LONG.expr(length=raw.str.len_chars(), limit=pl.lit(str(self.max_length)))


@dataclass(frozen=True)
class Integer(FieldType):
    minimum: int | None = None
    maximum: int | None = None
    thousands: bool = False  # accept 1.500.000 and 1,500,000 (money)
    sql: ClassVar[str] = "bigint"

    def _number(self, raw: pl.Expr) -> pl.Expr:
        # 1.500.000 is thousands (money) before 5.0 is a spreadsheet's whole number.
        text = raw.str.replace(r"\.0+$", "")
        if self.thousands:
            grouped = raw.str.contains(r"^\d{1,3}([.,]\d{3})+$")
            text = pl.when(grouped).then(raw.str.replace_all(r"[.,]", "")).otherwise(text)
        return text.str.to_integer(strict=False)

    def _in_range(self, value: pl.Expr) -> pl.Expr:
        low = value >= self.minimum if self.minimum is not None else pl.lit(True)
        high = value <= self.maximum if self.maximum is not None else pl.lit(True)
        return pl.when(low & high).then(value)

    def quick(self, raw: pl.Expr) -> pl.Expr:
        # str.to_integer, not cast: a cast reads "225.000" as 225.
        return self._in_range(raw.str.to_integer(strict=False))

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return self._in_range(self._number(raw))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        number = self._number(raw)
        below = number < self.minimum if self.minimum is not None else pl.lit(False)
        return (
            pl.when(number.is_null()).then(NOT_WHOLE.expr(value=raw))
            .when(below).then(BELOW.expr(value=number, limit=pl.lit(str(self.minimum))))
            .otherwise(ABOVE.expr(value=number, limit=pl.lit(str(self.maximum))))
        )


@dataclass(frozen=True)
class Choice(FieldType):
    """One of `values`; `synonyms` maps other spellings (any case) to a value, e.g. '2' -> 'P'."""

    values: tuple[str, ...]
    synonyms: Mapping[str, str] = field(default_factory=dict)

    def lookup(self) -> dict[str, str]:
        table = {value.lower(): value for value in self.values}
        table.update({key.lower(): value for key, value in self.synonyms.items()})
        return table

    def quick(self, raw: pl.Expr) -> pl.Expr:
        return raw.replace_strict(dict(zip(self.values, self.values, strict=True)), default=None,
                                  return_dtype=pl.String)

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return raw.str.to_lowercase().replace_strict(self.lookup(), default=None, return_dtype=pl.String)

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return NOT_ONE_OF.expr(value=raw, choices=pl.lit(", ".join(self.values)))


@dataclass(frozen=True)
class MultiChoice(FieldType):
    """Several of `values` separated by `separator`, stored the same way (empty: none)."""

    values: tuple[str, ...]
    separator: str = ";"

    def _items(self, raw: pl.Expr) -> pl.Expr:
        items = raw.str.split(self.separator).list.eval(pl.element().str.strip_chars().str.to_lowercase())
        return items.list.eval(pl.element().filter(pl.element() != ""))

    def parse(self, raw: pl.Expr) -> pl.Expr:
        items = self._items(raw)
        known = items.list.eval(pl.element().is_in(self.values)).list.all()
        return pl.when(known).then(items.list.join(self.separator))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        unknown = self._items(raw).list.eval(pl.element().filter(~pl.element().is_in(self.values))).list.join(", ")
        return NOT_ONE_OF.expr(value=unknown, choices=pl.lit(", ".join(self.values)))


TRUE_WORDS = ("1", "true", "t", "ya", "y", "yes")
FALSE_WORDS = ("0", "false", "f", "tidak", "n", "no")


@dataclass(frozen=True)
class Flag(FieldType):
    sql: ClassVar[str] = "boolean"

    def parse(self, raw: pl.Expr) -> pl.Expr:
        words = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
        return raw.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return NOT_FLAG.expr(value=raw)


@dataclass(frozen=True)
class Date(FieldType):
    earliest: date | None = date(1900, 1, 1)
    not_future: bool = True
    sql: ClassVar[str] = "date"

    def _in_range(self, value: pl.Expr) -> pl.Expr:
        ok = pl.lit(True)
        if self.not_future:
            ok = ok & (value <= date.today())
        if self.earliest is not None:
            ok = ok & (value >= self.earliest)
        return pl.when(ok).then(value)

    def quick(self, raw: pl.Expr) -> pl.Expr:
        return self._in_range(quick_dates(raw))

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return self._in_range(parse_dates(raw))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        value = parse_dates(raw)
        return pl.coalesce(
            date_problem(raw),
            pl.when(value > date.today()).then(IN_FUTURE.expr(value=value)),
            BEFORE.expr(value=value, limit=pl.lit(str(self.earliest or date.min))),
        )
