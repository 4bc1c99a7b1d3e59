"""A declarative column schema: which header names give which field, which fields are required,
their types, and checks across the fields of one row.

`Schema.validate` turns a raw chunk into typed columns plus `_reasons`, every problem of the row
as `field: reason; field: reason`, null for a valid row. Two problems come before any type's own
and leave the field untyped: a NUL character (never text, and PostgreSQL stores none), and a cell
a spreadsheet stored as a number where the type needs the text (FieldType.number_problem).
Checks that need other rows (duplicates, references) run later in SQL on the staging table
(entas.ingest.staging).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.errors import ImportFileError
from entas.ingest.types import FieldType


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    aliases: tuple[str, ...] = ()  # other header names for this column, e.g. DTSEN's NO_KK
    required: bool = False  # the column must be there and every row must have a value


@dataclass(frozen=True)
class Rule:
    """A check across the typed fields of one row: where `condition` holds, `message` (only
    computed for those rows) is reported against `field`. A warning is counted and reported but
    does not reject the row."""

    field: str
    condition: pl.Expr
    message: pl.Expr
    warning: bool = False


@dataclass(frozen=True)
class Derived:
    """A column the file does not give, computed from the typed fields of each row and staged
    with them (e.g. an enterprise's KBLI section): worked out in the reading thread, which overlaps
    loading, instead of in the merge. Meaningful for valid rows only."""

    name: str
    sql: str  # generic SQL type of entas.ingest.types
    expr: pl.Expr


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[str, str]  # field name -> chunk column (c0, c1, ...)
    unused: tuple[str, ...]  # header names no field takes


NUL = Message(gettext_noop("contains a NUL character (\\x00), which is not text; remove it (was the file damaged, "
                           "or saved by a program as binary data?)"))
MISSING = Message(gettext_noop("missing"))
TWO_COLUMNS = Message(gettext_noop("row 1 (header): columns '%(first)s' and '%(second)s' both give %(field)s"))
NO_COLUMN = Message(gettext_noop("row 1 (header): missing required column %(columns)s"), nested=("columns",))
ONE_COLUMN = Message(gettext_noop("row 1 (header): missing required column %(columns)s. The header has a single column "
                                  "'%(header)s': columns must be separated by a comma, semicolon, tab or |"),
                     nested=("columns",))
ALSO = Message(gettext_noop("%(field)s (also accepted: %(aliases)s)"))
NAMELESS = Message(gettext_noop("(column %(number)s without a name)"))


def normalise(name: str) -> str:
    return re.sub(r"[\s\-./]+", "_", name.strip().lower())


def in_header(header: list[str], name: str, aliases: tuple[str, ...]) -> bool:
    """Whether the header names the field `name` or one of its aliases: how a plan factory tells
    the kind of a file from its header."""
    return bool({normalise(h) for h in header} & {normalise(a) for a in (name, *aliases)})


def raw(name: str) -> pl.Expr:
    return pl.col(f"{name}__raw")


@dataclass(frozen=True)
class Refusals:
    """Problems that come before a type's own (see the module's docstring), for one chunk."""

    numbers: dict[str, pl.Expr]  # field -> why its number cells are refused (Schema._number_fields)
    nul: bool  # some text of the chunk holds a NUL: most chunks hold none, and skip the check

    @property
    def possible(self) -> bool:
        return self.nul or bool(self.numbers)

    def reason(self, name: str) -> pl.Expr:
        """Why the text of field `name` is refused before its type reads it; null where it is not."""
        found = [pl.when(raw(name).str.contains("\x00", literal=True)).then(NUL.expr())] if self.nul else []
        if name in self.numbers:
            found.append(pl.when(pl.col(f"{name}__number")).then(self.numbers[name]))
        return pl.coalesce(found) if found else pl.lit(None, pl.String)


def _has_nul(frame: pl.DataFrame, mapping: HeaderMap) -> bool:
    columns = list(mapping.columns.values())
    if not columns or frame.height == 0:
        return False
    found = frame.select(pl.any_horizontal(pl.col(columns).str.contains("\x00", literal=True)).any())
    return bool(found.item())


@dataclass(frozen=True)
class Schema:
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    derived: tuple[Derived, ...] = ()

    @property
    def errors(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if not rule.warning)

    @property
    def warnings(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.warning)

    def map_header(self, header: Sequence[str]) -> HeaderMap:
        accepted = {normalise(alias): f.name for f in self.fields for alias in (f.name, *f.aliases)}
        columns: dict[str, str] = {}
        unused: list[str] = []
        for index, name in enumerate(header):
            target = accepted.get(normalise(name))
            if target is None:
                unused.append(name or NAMELESS(number=index + 1))
            elif target in columns:
                first = header[int(columns[target][1:])]
                raise ImportFileError(TWO_COLUMNS(first=first, second=name, field=target))
            else:
                columns[target] = f"c{index}"
        missing = [f for f in self.fields if f.required and f.name not in columns]
        if missing:
            raise ImportFileError(_missing_message(missing, header))
        return HeaderMap(columns, tuple(unused))

    def validate(self, frame: pl.DataFrame, mapping: HeaderMap) -> pl.DataFrame:
        """`_row`, `_reasons`, every field typed (null where absent or invalid), `{field}__raw`,
        `_w0`, `_w1`... true where a warning rule applies, and the derived columns."""
        numbers = self._number_fields(frame, mapping)
        refusals = Refusals(numbers, _has_nul(frame, mapping))
        typed = self._typed(frame, mapping, refusals)
        bad = pl.any_horizontal(pl.col("_shape").is_not_null(), *self._failures())
        warnings = [rule.condition.fill_null(False).alias(f"_w{i}") for i, rule in enumerate(self.warnings)]
        derived = [d.expr.alias(d.name) for d in self.derived]
        # Lazy, so that Polars plans the checks of all fields as one: faster than eager (bench/README.md).
        checked = typed.lazy().with_columns(bad.alias("_bad"), *warnings, *derived).collect()
        good = checked.filter(~pl.col("_bad")).with_columns(pl.lit(None, pl.String).alias("_reasons"))
        rejected = checked.filter(pl.col("_bad"))
        if rejected.height:
            reasons = pl.concat_str(self._reasons(refusals), separator="; ", ignore_nulls=True)
            good = pl.concat([good, rejected.with_columns(reasons.alias("_reasons"))])
        return good.drop("_bad", "_shape", *(f"{name}__number" for name in numbers))

    def _number_fields(self, frame: pl.DataFrame, mapping: HeaderMap) -> dict[str, pl.Expr]:
        """Field -> why its number cells are refused, for the fields whose type refuses numbers and
        whose column holds some (`cK__number`, from spreadsheets)."""
        found = {}
        for f in self.fields:
            problem = f.type.number_problem(raw(f.name))
            if problem is not None and f"{mapping.columns.get(f.name)}__number" in frame.columns:
                found[f.name] = problem
        return found

    def _typed(self, frame: pl.DataFrame, mapping: HeaderMap, refusals: Refusals) -> pl.DataFrame:
        """Typed columns: the quick parse everywhere, the full parse where that left text untyped."""
        texts = [
            _clean(pl.col(mapping.columns[f.name])).alias(f"{f.name}__raw") if f.name in mapping.columns
            else pl.lit(None, pl.String).alias(f"{f.name}__raw")
            for f in self.fields
        ]
        flags = [pl.col(f"{mapping.columns[name]}__number").fill_null(False).alias(f"{name}__number")
                 for name in refusals.numbers]
        untyped = pl.any_horizontal(raw(f.name).is_not_null() & pl.col(f.name).is_null() for f in self.fields)
        typed = (frame.lazy().select("_row", "_shape", *texts, *flags)
                 .with_columns(f.type.quick(raw(f.name)).alias(f.name) for f in self.fields)
                 .with_columns(untyped.alias("_untyped")).collect())
        retry = typed.filter(pl.col("_untyped"))
        if retry.height:
            retry = retry.with_columns(pl.coalesce(pl.col(f.name), f.type.parse(raw(f.name))).alias(f.name)
                                       for f in self.fields)
            typed = pl.concat([typed.filter(~pl.col("_untyped")), retry])
        typed = typed.drop("_untyped")
        if not refusals.possible:
            return typed
        # Refused text is not typed: no check across rows or merge ever sees it.
        return typed.with_columns(pl.when(refusals.reason(f.name).is_null()).then(pl.col(f.name)).alias(f.name)
                                  for f in self.fields)

    def _failures(self) -> list[pl.Expr]:
        found = [raw(f.name).is_null() for f in self.fields if f.required]
        found += [raw(f.name).is_not_null() & pl.col(f.name).is_null() for f in self.fields]
        return found + [rule.condition.fill_null(False) for rule in self.errors]

    def _reasons(self, refusals: Refusals) -> list[pl.Expr]:
        reasons = [pl.concat_str([pl.lit("line: "), pl.col("_shape")])]
        for f in self.fields:
            text, value = raw(f.name), pl.col(f.name)
            problem: pl.Expr = pl.when(text.is_not_null() & value.is_null()).then(f.type.problem(text))
            if f.required:
                problem = pl.when(text.is_null()).then(MISSING.expr()).otherwise(problem)
            if refusals.possible:
                problem = pl.coalesce(refusals.reason(f.name), problem)
            checks = [problem, *(pl.when(r.condition).then(r.message) for r in self.errors if r.field == f.name)]
            reasons.extend(pl.concat_str([pl.lit(f"{f.name}: "), check]) for check in checks)
        return reasons


def _clean(text: pl.Expr) -> pl.Expr:
    stripped = text.str.strip_chars()
    return pl.when(stripped != "").then(stripped)


def _missing_message(missing: list[Field], header: Sequence[str]) -> str:
    columns = "; ".join(ALSO(field=f.name, aliases=", ".join(f.aliases)) if f.aliases else f.name for f in missing)
    if len(header) == 1:
        return ONE_COLUMN(columns=columns, header=header[0][:60])
    return NO_COLUMN(columns=columns)
