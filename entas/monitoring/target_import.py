"""Target files through the shared import pipeline (entas.ingest), as target `targets`.

One row: indicator code, region code (empty: the national target), year, quarter (empty: the whole
year), target value, and optionally a typed achievement and a note. Every row is checked before
anything is written (all or nothing): an unknown indicator or region, a period not in the
calendar, a negative value, the same target twice in the file, a region outside the importing
officer's own, an achievement typed for a computed indicator or without a note. Rows are merged
by (indicator, region, period) the way `services.set_target` sets one; an empty achievement or
note leaves the stored one as it is (evidence files are attached on the target's page).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils.translation import gettext_noop

from entas.accounts.models import User
from entas.core.messages import Message
from entas.core.scoping import user_scope
from entas.ingest.errors import NOT_A_KIND, ImportFileError
from entas.ingest.models import ImportBatch
from entas.ingest.pipeline import Outcome, Plan, outcome
from entas.ingest.schema import Derived, Field, Schema
from entas.ingest.staging import Staging, append_reason, quote, rows, run
from entas.ingest.types import FieldType, Integer, Text
from entas.monitoring.models import Indicator, Period, Target
from entas.monitoring.services import FIRST_YEAR, LAST_YEAR, may_set_targets
from entas.regions.models import Region

TARGET = "targets"
KINDS = ("targets",)
# Targets are no data any computation counts: monitoring has nothing to refresh after an import.
WRITES = {"targets": ("monitoring.Target",)}
S = Staging.name
COLUMNS = ("indicator_code", "region_code", "year", "quarter", "target", "achieved", "note")
REGION_ALIASES = ("region", "kode_wilayah", "wilayah")
NEGATIVE = Message(gettext_noop("%(value)s is negative: it cannot be below zero"))
NOT_A_NUMBER = Message(gettext_noop("'%(value)s' is not a number (write digits, e.g. 120 or 120.5)"))
REGION_AS_NUMBER = Message(gettext_noop("the spreadsheet stored this region code as a number (%(value)s); format the "
                                        "column as Text and type the code again (e.g. 33.10)"))
NO_INDICATOR = Message(gettext_noop("no indicator has this code (see the sheet of indicators)"))
NO_REGION = Message(gettext_noop("no region has this code"))
NOT_IN_CALENDAR = Message(gettext_noop("the period %(period)s is not in the calendar"))
COMPUTED = Message(gettext_noop("this indicator is computed from data; its achievement cannot be typed"))
NEEDS_EVIDENCE = Message(gettext_noop("a typed achievement needs evidence: say in the note where it is kept, or attach "
                                      "a file on the target's page"))
TARGET_OUTSIDE = Message(gettext_noop("outside your region %(region)s; you may set targets only inside it"))
NATIONAL_ONLY = Message(gettext_noop("empty means the national target, which only a national administrator sets; give "
                                     "a region inside %(region)s"))
WHO_SETS = Message(gettext_noop("only national administrators and regional officers set targets"))
NO_REGION_COLUMN = Message(gettext_noop("row 1 (header): missing required column region_code (also accepted: "
                                        "%(aliases)s); leave its cells empty for a national target"))
NUMBER = r"^[0-9]+([.,][0-9]+)?$"


@dataclass(frozen=True)
class Amount(FieldType):
    """A number of 0 or more, with '.' or ',' before the decimals; staged as text ('120.5')."""

    def parse(self, raw: pl.Expr) -> pl.Expr:
        text = raw.str.replace_all(r"\s", "")
        return pl.when(text.str.contains(NUMBER) & (text.str.len_chars() <= 21)).then(text.str.replace(",", "."))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        negative = NEGATIVE.expr(value=raw)
        return (pl.when(raw.str.contains(r"^\s*-\s*[0-9]")).then(negative)
                .otherwise(NOT_A_NUMBER.expr(value=raw)))


@dataclass(frozen=True)
class RegionCode(Text):
    max_length: int = 13

    def number_problem(self, raw: pl.Expr) -> pl.Expr:
        # A spreadsheet reads 33.10 as the number 33.1: only whole numbers (a province) are taken.
        return pl.when(raw.str.contains(r"\.")).then(REGION_AS_NUMBER.expr(value=raw))


def schema() -> Schema:
    fields = (
        Field("indicator_code", Text(64), ("indicator", "kode_indikator", "indikator"), required=True),
        # The column must be there (plan_for), its cells may be empty: the national target.
        Field("region_code", RegionCode(), REGION_ALIASES),
        Field("year", Integer(FIRST_YEAR, LAST_YEAR), ("tahun",), required=True),
        Field("quarter", Integer(1, 4), ("triwulan", "kuartal")),
        Field("target", Amount(), ("target_value", "value", "nilai_target", "target_nilai"), required=True),
        Field("achieved", Amount(), ("capaian", "achievement")),
        Field("note", Text(2000), ("catatan", "keterangan")),
    )
    period = pl.when(pl.col("quarter").is_null()).then(pl.col("year").cast(pl.String)).otherwise(
        pl.format("{}-Q{}", pl.col("year"), pl.col("quarter")))
    return Schema(fields, derived=(Derived("period", "text", period),))


def _mark(where: str, message: str, params: list[Any] | None = None) -> int:
    """Add `message` (SQL text) to the reasons of the staged rows where `where` holds."""
    return run(f"UPDATE {S} SET {append_reason(message)} WHERE {where}", params)


@dataclass(frozen=True)
class TargetsPlan:
    batch_id: int
    scope: str | None  # the importing officer's region; None: national
    present: frozenset[str]
    kind: str = "targets"

    @property
    def schema(self) -> Schema:
        return schema()

    def check(self, staging: Staging) -> None:
        indicator, region, period = (Indicator._meta.db_table, Region._meta.db_table, Period._meta.db_table)
        staging.mark_missing("indicator_code", indicator, "code",
                             f"indicator_code: {NO_INDICATOR()}")
        staging.mark_missing("region_code", region, "code", f"region_code: {NO_REGION()}")
        calendar = (f"SELECT 1 FROM {period} AS p WHERE p.year = {S}.year AND (p.quarter = {S}.quarter "
                    f"OR (p.quarter IS NULL AND {S}.quarter IS NULL))")
        _mark(f"year IS NOT NULL AND NOT EXISTS ({calendar})",
              quote("year: ") + " || " + NOT_IN_CALENDAR.sql(period=f"{S}.period"))
        staging.mark_duplicates(("indicator_code", "region_code", "period"), "indicator_code",
                                optional=("region_code",))
        if "achieved" in self.present:
            computed = f"SELECT 1 FROM {indicator} AS i WHERE i.code = {S}.indicator_code AND i.computation <> ''"
            _mark(f"achieved IS NOT NULL AND EXISTS ({computed})",
                  quote(f"achieved: {COMPUTED()}"))
            _mark("achieved IS NOT NULL AND note IS NULL" if "note" in self.present else "achieved IS NOT NULL",
                  quote(f"achieved: {NEEDS_EVIDENCE()}"))
        if self.scope:
            staging.mark_outside("region_code", self.scope, f"region_code: {TARGET_OUTSIDE(region=self.scope)}")
            _mark("region_code IS NULL", quote(f"region_code: {NATIONAL_ONLY(region=self.scope)}"))

    def load(self, staging: Staging) -> Outcome:
        staged = rows(f"SELECT indicator_code, COALESCE(region_code, ''), year, quarter, target, "
                      f"{'achieved' if 'achieved' in self.present else 'NULL'}, "
                      f"{'note' if 'note' in self.present else 'NULL'} FROM {S} WHERE _reasons IS NULL ORDER BY _row")
        indicators = dict(Indicator.objects.values_list("code", "pk"))
        periods = {(p.year, p.quarter): p.pk for p in Period.objects.all()}
        keys = {(indicators[r[0]], r[1] or None, periods[(r[2], r[3])]) for r in staged}
        stored = {(t.indicator_id, t.region_id, t.period_id): t
                  for t in Target.objects.filter(indicator_id__in={k[0] for k in keys},
                                                 period_id__in={k[2] for k in keys})}
        new: list[Target] = []
        changed: list[Target] = []
        for code, region, year, quarter, value, achieved, note in staged:
            key = (indicators[code], region or None, periods[(year, quarter)])
            target = stored.get(key) or Target(indicator_id=key[0], region_id=key[1], period_id=key[2], note="")
            before = (target.value, target.achieved, target.note)
            target.value = _decimal(value)
            if achieved is not None:
                target.achieved = _decimal(achieved)
            if note is not None:
                target.note = str(note)
            if target.pk is None:
                new.append(target)
            elif before != (target.value, target.achieved, target.note):
                changed.append(target)
        Target.objects.bulk_create(new, batch_size=1000)
        Target.objects.bulk_update(changed, ["value", "achieved", "note"], batch_size=1000)
        counts = {"inserted": len(new), "updated": len(changed), "unchanged": len(staged) - len(new) - len(changed)}
        return outcome({"targets": counts}, "targets")


def _decimal(text: Any) -> Decimal:
    return Decimal(str(text)).quantize(Decimal("0.01"))


def plan_for(kind: str, header: list[str], batch: ImportBatch) -> Plan:
    if kind not in (*KINDS, "auto"):
        raise ImportFileError(NOT_A_KIND(kind=kind, target=TARGET, kinds=", ".join(KINDS)))
    creator: User | None = batch.created_by
    if creator is not None and not may_set_targets(creator):
        raise ImportFileError(WHO_SETS())
    present = frozenset(schema().map_header(header).columns)
    if "region_code" not in present:
        raise ImportFileError(NO_REGION_COLUMN(aliases=", ".join(REGION_ALIASES)))
    return TargetsPlan(batch.pk, user_scope(creator), present)
