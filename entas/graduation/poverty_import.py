"""Poverty-line files through the shared import pipeline (entas.ingest), as target `poverty_lines`.

One row: province (code "33" or name "Jawa Tengah"), area (perkotaan / perdesaan / total, or
urban / rural), period (the date the line is valid from: "2025-03", "Maret 2025", "2025-03-01"),
amount (Rp per person per month) and optionally the source. Every row is checked before anything
is written (all or nothing): an unknown province or area, a period that is no date, an amount not
above 0, the same province, area and period twice in the file. Rows are merged by (province, area,
period) the way `poverty.set_poverty_line` sets one. Only a national administrator imports them.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.utils.translation import gettext_noop

from entas.accounts.roles import Role
from entas.core import audit
from entas.core.messages import Message
from entas.graduation.models import Area, PovertyLine
from entas.graduation.poverty import MAX_AMOUNT
from entas.ingest.dates import MONTHS, parse_dates
from entas.ingest.errors import NOT_A_KIND, ImportFileError
from entas.ingest.models import ImportBatch
from entas.ingest.pipeline import Outcome, Plan, outcome
from entas.ingest.schema import Field, Schema
from entas.ingest.staging import Staging, rows
from entas.ingest.types import NOT_RUPIAH, Choice, FieldType, Integer, Text
from entas.regions.codes import Level
from entas.regions.models import Region

TARGET = "poverty_lines"
KINDS = ("poverty_lines",)
# Poverty lines are read by the graduation criteria when families are evaluated, by no indicator.
WRITES = {"poverty_lines": ("graduation.PovertyLine",)}
COLUMNS = ("province", "area", "valid_from", "amount", "source")
NOT_PROVINCE = Message(gettext_noop("'%(value)s' is not a province code or name (e.g. 33 or Jawa Tengah)"))
NOT_AREA = Message(gettext_noop("'%(value)s' is not an area: write perkotaan (urban), perdesaan (rural) or total"))
NOT_MONTH = Message(gettext_noop("'%(value)s' is not a period: write the month the line is valid from, e.g. 2025-03 or "
                                 "Maret 2025 (or a date, 2025-03-01), from 2000 on"))
NOT_ABOVE_ZERO = Message(gettext_noop("%(value)s: a poverty line is an amount of rupiah above 0"))
TOO_HIGH = Message(gettext_noop("%(value)s is above %(limit)s rupiah: check the amount"))
WHO_IMPORTS = Message(gettext_noop("only a national administrator imports poverty lines"))
EXAMPLE = (("33", "perkotaan", "2025-03", "598000", "BPS, Maret 2025"),
           ("Jawa Tengah", "perdesaan", "2025-03", "560000", "BPS, Maret 2025"))
AREAS = {"perkotaan": Area.URBAN, "kota": Area.URBAN, "perdesaan": Area.RURAL, "pedesaan": Area.RURAL,
         "desa": Area.RURAL, "perkotaan+perdesaan": Area.TOTAL, "perkotaan + perdesaan": Area.TOTAL,
         "kota+desa": Area.TOTAL, "jumlah": Area.TOTAL, "semua": Area.TOTAL}


@dataclass(frozen=True)
class Province(FieldType):
    """A province by its code or its name (any case): staged as the code."""

    names: tuple[tuple[str, str], ...] = field(default=())

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return raw.str.to_lowercase().replace_strict(dict(self.names), default=None, return_dtype=pl.String)

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return NOT_PROVINCE.expr(value=raw)


@dataclass(frozen=True)
class AreaChoice(Choice):
    def problem(self, raw: pl.Expr) -> pl.Expr:
        return NOT_AREA.expr(value=raw)


@dataclass(frozen=True)
class Period(FieldType):
    """The date a line is valid from: a month ("2025-03", "Maret 2025": its first day) or a date."""

    sql = "date"

    def parse(self, raw: pl.Expr) -> pl.Expr:
        text = raw.str.to_lowercase().str.strip_chars()
        month_first = text.str.extract_groups(r"^(\d{4})[-/](\d{1,2})$")
        named = text.str.extract_groups(r"^([a-z]+)\.?[ -](\d{4})$")
        number_month = pl.date(month_first.struct.field("1").str.to_integer(strict=False),
                               month_first.struct.field("2").str.to_integer(strict=False), 1)
        month = named.struct.field("1").replace_strict(MONTHS, default=None, return_dtype=pl.Int64)
        named_month = pl.date(named.struct.field("2").str.to_integer(strict=False), month, 1)
        valid = pl.coalesce(
            pl.when(month_first.struct.field("2").str.to_integer(strict=False).is_between(1, 12)).then(number_month),
            pl.when(month.is_not_null()).then(named_month), parse_dates(raw))
        return pl.when(valid >= date(2000, 1, 1)).then(valid)

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return NOT_MONTH.expr(value=raw)


@dataclass(frozen=True)
class Amount(Integer):
    def problem(self, raw: pl.Expr) -> pl.Expr:
        number = self._number(raw)
        return (pl.when(number.is_null()).then(NOT_RUPIAH.expr(value=raw))
                .when(number <= 0).then(NOT_ABOVE_ZERO.expr(value=number))
                .otherwise(TOO_HIGH.expr(value=number, limit=pl.lit(str(MAX_AMOUNT)))))


def provinces() -> tuple[tuple[str, str], ...]:
    found = Region.objects.filter(level=Level.PROVINCE).values_list("code", "name")
    return tuple((key, code) for code, name in found for key in (code.lower(), name.lower()))


def schema(names: tuple[tuple[str, str], ...]) -> Schema:
    return Schema((
        Field("province", Province(names), ("province_code", "province_name", "provinsi", "kode_provinsi"),
              required=True),
        Field("area", AreaChoice(tuple(Area.values), AREAS), ("daerah", "wilayah", "klasifikasi"), required=True),
        Field("valid_from", Period(), ("period", "periode", "berlaku_mulai", "tanggal"), required=True),
        Field("amount", Amount(1, MAX_AMOUNT, thousands=True), ("garis_kemiskinan", "nilai", "rupiah"),
              required=True),
        Field("source", Text(200), ("sumber",)),
    ))


@dataclass(frozen=True)
class PovertyLinesPlan:
    batch_id: int
    names: tuple[tuple[str, str], ...]
    has_source: bool
    kind: str = "poverty_lines"

    @property
    def schema(self) -> Schema:
        return schema(self.names)

    def check(self, staging: Staging) -> None:
        staging.mark_duplicates(("province", "area", "valid_from"), "valid_from")

    def load(self, staging: Staging) -> Outcome:
        staged = rows(f"SELECT province, area, valid_from, amount, {'source' if self.has_source else 'NULL'} "
                      f"FROM {Staging.name} WHERE _reasons IS NULL ORDER BY _row")
        stored = {(p.province_id, p.area, p.valid_from): p
                  for p in PovertyLine.objects.filter(province_id__in={r[0] for r in staged})}
        new: list[PovertyLine] = []
        changed: list[PovertyLine] = []
        for province, area, valid_from, amount, source in staged:
            day = valid_from if isinstance(valid_from, date) else date.fromisoformat(str(valid_from)[:10])
            line = stored.get((province, area, day)) or PovertyLine(province_id=province, area=area, valid_from=day)
            before = (line.amount, line.source)
            line.amount = int(amount)
            if source is not None or line.pk is None:
                line.source = str(source or "")
            if line.pk is None:
                new.append(line)
            elif before != (line.amount, line.source):
                changed.append(line)
        PovertyLine.objects.bulk_create(new)
        PovertyLine.objects.bulk_update(changed, ["amount", "source"])
        batch = ImportBatch.objects.get(pk=self.batch_id)
        for line in [*new, *changed]:
            # One entry per line set, as when it is typed on the page.
            audit.record_change(batch.created_by, audit.Action.POVERTY_LINE_SET, line, region_code=line.province_id,
                                details={"area": line.area, "valid_from": line.valid_from.isoformat(),
                                         "amount": line.amount, "import": self.batch_id})
        counts = {"inserted": len(new), "updated": len(changed), "unchanged": len(staged) - len(new) - len(changed)}
        return outcome({"poverty_lines": counts}, "poverty_lines")


def plan_for(kind: str, header: list[str], batch: ImportBatch) -> Plan:
    if kind not in (*KINDS, "auto"):
        raise ImportFileError(NOT_A_KIND(kind=kind, target=TARGET, kinds=", ".join(KINDS)))
    creator: Any = batch.created_by
    if creator is not None and creator.role != Role.NATIONAL_ADMIN:
        raise ImportFileError(WHO_IMPORTS())
    names = provinces()
    present = frozenset(schema(names).map_header(header).columns)
    return PovertyLinesPlan(batch.pk, names, "source" in present)


def template_workbook() -> bytes:
    """The file to fill in: the columns with two example rows, and the provinces and areas."""
    import io

    from entas.core.sheets import workbook, write_row

    buffer = io.BytesIO()
    book = workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("poverty_lines")
    write_row(book, sheet, 0, COLUMNS)
    for n, example in enumerate(EXAMPLE, start=1):
        write_row(book, sheet, n, example)
    sheet.set_column(0, 4, 18)
    places = book.add_worksheet("provinces")
    write_row(book, places, 0, ("province", "name"))
    for n, (code, name) in enumerate(Region.objects.filter(level=Level.PROVINCE).order_by("code")
                                     .values_list("code", "name"), start=1):
        write_row(book, places, n, (code, name))
    areas = book.add_worksheet("areas")
    write_row(book, areas, 0, ("area", "means"))
    for n, row in enumerate((("perkotaan", "urban"), ("perdesaan", "rural"), ("total", "perkotaan + perdesaan")),
                            start=1):
        write_row(book, areas, n, row)
    book.close()
    return buffer.getvalue()
