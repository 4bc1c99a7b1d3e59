"""How registry files are checked across rows and merged: one Plan per kind of file.

households  households.csv: upsert by No. KK, decile history kept per (source, date), welfare
            history per extract date (registry.history)
people      people.csv: upsert by NIK into an existing household; a move or a new relationship
            ends the current membership (kept as a past period) and starts another
people with household columns (DTSEN extracts are person-level): the first valid row of each
            No. KK gives the household, then the people as above
assistance  assistance.csv: upsert per household, person, programme, component and period
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.core.scoping import user_scope
from entas.ingest.errors import NOT_A_KIND, UNKNOWN_KIND, ImportFileError
from entas.ingest.models import ImportBatch
from entas.ingest.pipeline import Outcome, Plan, counted, outcome
from entas.ingest.schema import Schema, in_header
from entas.ingest.staging import Staging, append_reason, date_param, one, quote, rows, run
from entas.ingest.upsert import BATCH, Counts, Upsert, updated_table, upsert
from entas.regions.queries import codes
from entas.registry import import_schemas as schemas
from entas.registry.history import merge_welfare
from entas.registry.imports import NO_PERSON, mark_people_outside, outside_reason
from entas.registry.models import (
    AssistanceReceipt,
    DecileRecord,
    Household,
    HouseholdMembership,
    MoveRequest,
    MoveStatus,
    Person,
)

KINDS = ("households", "people", "assistance")
# What each kind may insert or change, declared with the target (monitoring refreshes by it).
WRITES = {
    "households": ("registry.Household", "registry.DecileRecord", "registry.WelfareRecord"),
    "people": ("registry.Household", "registry.Person", "registry.HouseholdMembership", "registry.DecileRecord",
               "registry.WelfareRecord", "registry.MoveRequest"),
    "assistance": ("registry.AssistanceReceipt",),
}
HOUSEHOLD = Household._meta.db_table
PERSON = Person._meta.db_table
MEMBERSHIP = HouseholdMembership._meta.db_table
DECILE = DecileRecord._meta.db_table
ASSISTANCE = AssistanceReceipt._meta.db_table
MOVE = MoveRequest._meta.db_table
S = Staging.name
VALID = "s._reasons IS NULL"
# Columns written as they are staged (field name = column name).
HOUSEHOLD_PLAIN = ("address", "per_capita_income", "floor_material", "wall_material", "roof_material",
                   "drinking_water", "sanitation", "electricity_watt", "cooking_fuel", "assets", "extreme_poor")
PERSON_PLAIN = ("full_name", "sex", "birth_date", "birth_place", "relationship", "education", "occupation",
                "disability", "marital_status")


@dataclass(frozen=True)
class Context:
    batch_id: int
    source: str
    extract_date: str  # ISO: bound the same way on both databases
    scope: str | None = None  # the importing user's region: rows outside it are rejected
    user_id: int | None = None

    @classmethod
    def of(cls, batch: ImportBatch) -> "Context":
        when = batch.extract_date or date.today()
        scope = user_scope(batch.created_by)
        return cls(batch.pk, batch.source or "DTSEN", when.isoformat(), scope, batch.created_by_id)

    def check_scope(self, staging: Staging, *people: str) -> None:
        """Rows naming a household the importing officer's region does not hold, or a person (by
        the NIK in each of `people`) who lives outside it. The village column itself is checked
        by the pipeline for every target."""
        if self.scope is None:
            return
        outside = f"kk_number: {HOUSEHOLD_OUTSIDE(region=self.scope)}"
        staging.mark_outside("kk_number", self.scope, outside, via=(HOUSEHOLD, "kk_number", "village_id"))
        for column in people:
            mark_people_outside(staging, column, self.scope)


def merge_households(ctx: Context, present: set[str], where: str) -> dict[str, dict[str, int]]:
    """Upsert households, their decile records and their welfare history (registry.history) from
    the staged rows matching `where`."""
    columns = {"kk_number": "s.kk_number", "village_id": "s.village_code"}
    columns.update({c: f"s.{c}" for c in HOUSEHOLD_PLAIN if c in present})
    params: list[object] = []
    if "decile" in present:
        # The decile's source and date default to the batch's, and mean nothing without a decile.
        columns["decile"] = "s.decile"
        columns["decile_source"] = f"CASE WHEN s.decile IS NULL THEN NULL ELSE {decile_source(present)} END"
        columns["decile_date"] = f"CASE WHEN s.decile IS NULL THEN NULL ELSE {decile_date(present)} END"
        params += [ctx.source, ctx.extract_date]
    merge = Upsert(HOUSEHOLD, ("kk_number",), columns, f"FROM {S} AS s WHERE {where}", ctx.batch_id, params,
                   extract_date=ctx.extract_date)
    staged = int(one(f"SELECT COUNT(*) FROM {S} AS s WHERE {where}")[0])
    result: dict[str, dict[str, int]] = {"households": counted(upsert(merge), staged)}
    if "decile" in present:
        result["decile_history"] = merge_deciles(ctx, present, where)
    # Every household named, whatever columns the file has: its values at this extract's date.
    result["welfare_history"] = counted(merge_welfare(ctx.extract_date, ctx.batch_id, present, where), staged)
    return result


def villages_left(where: str) -> frozenset[str]:
    """Villages of stored households that the staged rows (matching `where`) move elsewhere: their
    counts change too. Asked before the merge, which overwrites the old village."""
    found = rows(f"SELECT DISTINCT h.village_id FROM {S} AS s JOIN {HOUSEHOLD} AS h ON h.kk_number = s.kk_number "
                 f"WHERE {where} AND h.village_id <> s.village_code")
    return frozenset(str(code) for (code,) in found)


def decile_source(present: set[str]) -> str:
    return "COALESCE(s.decile_source, %s)" if "decile_source" in present else "%s"


def decile_date(present: set[str]) -> str:
    return f"COALESCE(s.decile_date, {date_param()})" if "decile_date" in present else date_param()


def merge_deciles(ctx: Context, present: set[str], where: str) -> dict[str, int]:
    where += " AND s.decile IS NOT NULL"
    columns = {"household_id": "h.id", "source": decile_source(present), "date": decile_date(present),
               "decile": "s.decile"}
    source = f"FROM {S} AS s JOIN {HOUSEHOLD} AS h ON h.kk_number = s.kk_number WHERE {where}"
    merge = Upsert(DECILE, ("household_id", "source", "date"), columns, source, ctx.batch_id,
                   (ctx.source, ctx.extract_date))
    return counted(upsert(merge), int(one(f"SELECT COUNT(*) FROM {S} AS s WHERE {where}")[0]))


def merge_people(ctx: Context, present: set[str], valid: int) -> dict[str, dict[str, int]]:
    columns = {"nik": "s.nik", "household_id": "h.id"} | {c: f"s.{c}" for c in PERSON_PLAIN if c in present}
    source = f"FROM {S} AS s JOIN {HOUSEHOLD} AS h ON h.kk_number = s.kk_number WHERE {VALID}"
    closed = close_memberships(ctx, present)
    merge = Upsert(PERSON, ("nik",), columns, source, ctx.batch_id, [ctx.extract_date], extract_date=ctx.extract_date,
                   on_insert={"member_since": date_param()})
    counts = upsert(merge, keep_updated=True)
    return {"people": counted(counts, valid),
            "memberships": {"opened": counts.inserted + open_memberships(ctx), "closed": closed}}


MOVED = "ingest_moved_people"


def close_memberships(ctx: Context, present: set[str]) -> int:
    """Before the people are merged: end the current membership of every stored person whom the
    staged rows put in another household or relationship, as a past period dated this extract.
    A person last written by a later extract keeps theirs (the merge leaves them alone too)."""
    run(f"DROP TABLE IF EXISTS {MOVED}")
    run(f"CREATE TEMP TABLE {MOVED} (id bigint)")
    if not one(f"SELECT EXISTS (SELECT 1 FROM {PERSON})")[0]:
        return 0
    moved = "p.household_id <> h.id" + (" OR p.relationship IS DISTINCT FROM s.relationship"
                                       if "relationship" in present else "")
    run(f"INSERT INTO {MOVED} (id) SELECT p.id "
        f"FROM {S} AS s JOIN {HOUSEHOLD} AS h ON h.kk_number = s.kk_number JOIN {PERSON} AS p ON p.nik = s.nik "
        f"WHERE {VALID} AND p.household_id IS NOT NULL AND ({moved}) AND NOT EXISTS "
        f"(SELECT 1 FROM {BATCH} AS b WHERE b.id = p.batch_id AND b.extract_date > {date_param()})",
        [ctx.extract_date])
    return run(
        f"INSERT INTO {MEMBERSHIP} (person_id, household_id, relationship, start_date, end_date, batch_id) "
        f"SELECT p.id, p.household_id, p.relationship, p.member_since, {date_param()}, %s "
        f"FROM {PERSON} AS p WHERE p.id IN (SELECT id FROM {MOVED})", [ctx.extract_date, ctx.batch_id])


def open_memberships(ctx: Context) -> int:
    """After the merge: the people who moved, and updated people who had no membership, belong
    to their household since this extract."""
    updated = updated_table(PERSON)
    # Two statements, not one with OR: each is then a semi-join on the small table, not a scan of all people.
    opened = run(f"UPDATE {PERSON} SET member_since = {date_param()} WHERE id IN (SELECT id FROM {MOVED})",
                 [ctx.extract_date])
    opened += run(f"UPDATE {PERSON} SET member_since = {date_param()} WHERE member_since IS NULL "
                  f"AND id IN (SELECT id FROM {updated})", [ctx.extract_date])
    run(f"DROP TABLE IF EXISTS {updated}")
    run(f"DROP TABLE IF EXISTS {MOVED}")
    return opened


MOVE_REQUESTED = Message(gettext_noop("a move request was made: an officer whose region covers both places approves "
                                      "it"))()
HOUSEHOLD_OUTSIDE = Message(gettext_noop("this household is outside your region %(region)s"))
NO_HOUSEHOLD = Message(gettext_noop("no household with this No. KK in the registry"))
NO_HOUSEHOLD_HERE = Message(gettext_noop("no household with this No. KK in the registry or this file"))


def request_moves(ctx: Context, present: set[str]) -> int:
    """People rows refused only because the person lives outside the importer's region, into a
    household inside it: each becomes a pending move request (registry.moves), unless one is
    already pending for that person. The row stays rejected and says so."""
    if ctx.scope is None:
        return 0
    destination = "COALESCE(d.village_id, s.village_code)" if "village_code" in present else "d.village_id"
    relationship = "s.relationship" if "relationship" in present else "NULL"
    made = run(
        f"INSERT INTO {MOVE} (person_id, given_name, to_kk_number, to_village, relationship, from_village, "
        f"requested_by_id, batch_id, file_row, status, note, created_at) "
        f"SELECT p.id, s.full_name, s.kk_number, {destination}, {relationship}, COALESCE(h.village_id, ''), "
        f"%s, %s, s._row, %s, '', %s "
        f"FROM {S} AS s JOIN {PERSON} AS p ON p.nik = s.nik LEFT JOIN {HOUSEHOLD} AS h ON h.id = p.household_id "
        f"LEFT JOIN {HOUSEHOLD} AS d ON d.kk_number = s.kk_number "
        f"WHERE s._reasons = %s AND ({destination} = %s OR {destination} LIKE %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {MOVE} AS m WHERE m.person_id = p.id AND m.status = %s)",
        [ctx.user_id, ctx.batch_id, MoveStatus.PENDING, connection.ops.adapt_datetimefield_value(timezone.now()),
         outside_reason("nik"), ctx.scope,
         ctx.scope + ".%", MoveStatus.PENDING])
    if made:
        run(f"UPDATE {S} SET {append_reason(quote(MOVE_REQUESTED))} WHERE _row IN "
            f"(SELECT file_row FROM {MOVE} WHERE batch_id = %s)", [ctx.batch_id])
    return made


@dataclass(frozen=True)
class HouseholdsPlan:
    schema: Schema
    ctx: Context
    present: set[str]
    kind: str = "households"

    def check(self, staging: Staging) -> None:
        staging.mark_duplicates(["kk_number"], "kk_number")
        self.ctx.check_scope(staging)

    def load(self, staging: Staging) -> Outcome:
        left = villages_left(VALID)
        return outcome(merge_households(self.ctx, self.present, VALID), "households", left)


@dataclass(frozen=True)
class PeoplePlan:
    schema: Schema
    ctx: Context
    present: set[str]
    kind: str = "people"

    @property
    def with_households(self) -> bool:
        return "village_code" in self.present

    def check(self, staging: Staging) -> None:
        staging.mark_duplicates(["nik"], "nik", apart="kk_number", apart_label="household")
        self.ctx.check_scope(staging, "nik")
        if not self.with_households:
            staging.mark_missing("kk_number", HOUSEHOLD, "kk_number",
                                 f"kk_number: {NO_HOUSEHOLD_HERE()}")
        request_moves(self.ctx, self.present)

    def load(self, staging: Staging) -> Outcome:
        details: dict[str, dict[str, int]] = {}
        left: frozenset[str] = frozenset()
        if self.with_households:
            first = f"{VALID} AND s._row IN (SELECT MIN(_row) FROM {S} WHERE _reasons IS NULL GROUP BY kk_number)"
            left = villages_left(first)
            details.update(merge_households(self.ctx, self.present, first))
        details.update(merge_people(self.ctx, self.present, staging.valid))
        return outcome(details, "people", left)


@dataclass(frozen=True)
class AssistancePlan:
    schema: Schema
    ctx: Context
    present: set[str]
    kind: str = "assistance"

    def check(self, staging: Staging) -> None:
        key = ["kk_number", "nik", "programme", "component", "period"]
        staging.mark_duplicates(key, "period", optional=["nik", "component"])
        self.ctx.check_scope(staging, *(["nik"] if "nik" in self.present else []))
        staging.mark_missing("kk_number", HOUSEHOLD, "kk_number",
                             f"kk_number: {NO_HOUSEHOLD()}")
        if "nik" in self.present:
            staging.mark_missing("nik", PERSON, "nik", f"nik: {NO_PERSON()}")

    def load(self, staging: Staging) -> Outcome:
        nik = "s.nik" if "nik" in self.present else "NULL"
        component = "COALESCE(s.component, '')" if "component" in self.present else "''"
        values = {"programme": "s.programme", "component": component, "period": "s.period", "amount": "s.amount"}
        households = f"FROM {S} AS s JOIN {HOUSEHOLD} AS h ON h.kk_number = s.kk_number"
        family = Upsert(ASSISTANCE, ("household_id", "programme", "component", "period"),
                        {"household_id": "h.id", **values}, f"{households} WHERE {VALID} AND {nik} IS NULL",
                        self.ctx.batch_id, within="person_id IS NULL")
        personal = Upsert(ASSISTANCE, ("household_id", "person_id", "programme", "component", "period"),
                          {"household_id": "h.id", "person_id": "p.id", **values},
                          f"{households} JOIN {PERSON} AS p ON p.nik = {nik} WHERE {VALID}", self.ctx.batch_id,
                          within="person_id IS NOT NULL")
        done = [upsert(family), upsert(personal) if "nik" in self.present else Counts(0, 0)]
        total = Counts(sum(c.inserted for c in done), sum(c.updated for c in done))
        return outcome({"assistance": counted(total, staging.valid)}, "assistance")


def detect(header: list[str]) -> str:
    """The kind a header belongs to, told by the columns that only that kind has."""
    programme = in_header(header, "programme", schemas.PROGRAMME_ALIASES)
    if programme and in_header(header, "period", schemas.PERIOD_ALIASES):
        return "assistance"
    if in_header(header, "nik", schemas.NIK_ALIASES):
        return "people"
    if in_header(header, "village_code", schemas.VILLAGE_ALIASES):
        return "households"
    raise ImportFileError(UNKNOWN_KIND(kinds=" / ".join(KINDS)))


def schema_for(kind: str, header: list[str]) -> Schema:
    if kind == "households":
        return schemas.households_schema(codes(4), codes(3))
    if kind == "assistance":
        return schemas.assistance_schema()
    with_households = in_header(header, "village_code", schemas.VILLAGE_ALIASES)
    return schemas.people_schema(codes(3), codes(4) if with_households else None)


def plan_for(kind: str, header: list[str], batch: ImportBatch) -> Plan:
    kind = detect(header) if kind == "auto" else kind
    if kind not in KINDS:
        raise ImportFileError(NOT_A_KIND(kind=kind, target="registry", kinds=", ".join(KINDS)))
    schema = schema_for(kind, header)
    present = set(schema.map_header(header).columns)
    ctx = Context.of(batch)
    if kind == "households":
        return HouseholdsPlan(schema, ctx, present)
    if kind == "assistance":
        return AssistancePlan(schema, ctx, present)
    return PeoplePlan(schema, ctx, present)
