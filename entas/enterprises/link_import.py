"""Files that link registry people to cooperatives and enterprises, through the shared pipeline
(entas.ingest) as target `kumkm-people`: one Plan per kind of file.

memberships  a person (NIK) in a cooperative (registration number) from `joined` until `left`,
             with simpanan pokok and wajib paid; merged by cooperative, person and join date
jobs         a person (NIK) employed by an enterprise (NIB) from `start` until `end`; merged by
             enterprise, person and start date

Both refuse a row whose person or cooperative/enterprise is not registered, whose end is not
after its start, whose cooperative/enterprise or person lies outside the importing officer's
region, or whose period overlaps
another period of the same person in the same place (in the file or already stored): the rules
of services.join_cooperative and services.record_job, checked for whole files at once.
"""

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.core.scoping import user_scope
from entas.enterprises.import_schema import NIB_ALIASES, REGISTRATION_ALIASES
from entas.enterprises.import_types import Nib, Rupiah
from entas.enterprises.models import Cooperative, Enterprise, Job, Membership
from entas.ingest.errors import NOT_A_KIND, UNKNOWN_KIND, ImportFileError
from entas.ingest.models import ImportBatch
from entas.ingest.pipeline import Outcome, Plan, counted, outcome
from entas.ingest.schema import Field, Rule, Schema, in_header
from entas.ingest.staging import Staging, append_reason, quote, run
from entas.ingest.types import Date, Text
from entas.ingest.upsert import Upsert, upsert
from entas.registry.imports import NIK_ALIASES, NO_PERSON, IdentityNumber, mark_people_outside
from entas.registry.models import Person

TARGET = "kumkm-people"
KINDS = ("memberships", "jobs")
# What each kind may insert or change, declared with the target (monitoring refreshes by it).
WRITES = {"memberships": ("enterprises.Membership",), "jobs": ("enterprises.Job",)}
S = Staging.name
PERSON = Person._meta.db_table
NOT_AFTER = Message(gettext_noop("%(end)s is not after %(start_field)s %(start)s"))
NO_PLACE = Message(gettext_noop("no %(place)s is registered with this number"), words=("place",))
PLACE_OUTSIDE = Message(gettext_noop("the %(place)s lies outside your region %(region)s"), words=("place",))
TWICE = Message(gettext_noop("%(nik)s is in this %(place)s twice at the same time in this file (also row %(row)s)"),
                words=("place",))
OVERLAPS = Message(gettext_noop("already in this %(place)s for a period that overlaps this one (a person cannot be "
                                "there twice at the same time)"), words=("place",))
OPEN_END = "'9999-12-31'"  # an open period runs until this day; ISO text compares as a date on SQLite


@dataclass(frozen=True)
class Link:
    """What differs between the two kinds of file: the place a person is linked to, the names of
    the period's two ends, and the plain columns written as given."""

    kind: str
    place_field: str  # staged column naming the place: registration_number or nib
    place_table: str
    place_column: str  # the column of place_table that place_field matches
    place_label: str
    table: str
    start: str  # staged and stored start column
    end: str  # staged end column; stored as `stored_end` (a reserved word in SQL, hence quoted)
    stored_end: str
    place_key: str  # target column holding the place's id
    plain: tuple[str, ...]  # columns written as staged, `empty` when the cell is empty
    empty: str


MEMBERSHIPS = Link("memberships", "registration_number", Cooperative._meta.db_table, "registration_number",
                   "cooperative", Membership._meta.db_table, "joined", "left_on", '"left"', "cooperative_id",
                   ("share_principal", "share_mandatory"), "0")
JOBS = Link("jobs", "nib", Enterprise._meta.db_table, "nib", "enterprise", Job._meta.db_table, "start", "end_on",
            '"end"', "enterprise_id", ("position",), "''")


def _after(link: Link) -> Rule:
    start, end = pl.col(link.start), pl.col(link.end)
    return Rule(link.end, end.is_not_null() & start.is_not_null() & (end <= start),
                NOT_AFTER.expr(end=end, start_field=pl.lit(link.start), start=start))


def membership_schema() -> Schema:
    fields = (
        Field("registration_number", Text(32), REGISTRATION_ALIASES, required=True),
        Field("nik", IdentityNumber(nik=True), (*NIK_ALIASES, "NIK_ANGGOTA"), required=True),
        Field("joined", Date(), ("TANGGAL_MASUK", "TGL_MASUK"), required=True),
        Field("left_on", Date(), ("left", "TANGGAL_KELUAR", "TGL_KELUAR")),
        Field("share_principal", Rupiah(), ("SIMPANAN_POKOK",)),
        Field("share_mandatory", Rupiah(), ("SIMPANAN_WAJIB",)),
    )
    return Schema(fields, (_after(MEMBERSHIPS),))


def job_schema() -> Schema:
    fields = (
        Field("nib", Nib(), NIB_ALIASES, required=True),
        Field("nik", IdentityNumber(nik=True), (*NIK_ALIASES, "NIK_PEKERJA"), required=True),
        Field("start", Date(), ("TANGGAL_MULAI", "TGL_MULAI_KERJA"), required=True),
        Field("end_on", Date(), ("end", "TANGGAL_SELESAI", "TGL_SELESAI_KERJA")),
        Field("position", Text(100), ("JABATAN", "POSISI")),
    )
    return Schema(fields, (_after(JOBS),))


def _overlap(a: str, a_end: str, b: str, b_end: str, link: Link) -> str:
    """SQL: the periods of rows `a` (staged) and `b` share at least one day; `a_end`, `b_end`:
    SQL for their ends."""
    return (f"{b}.{link.start} < COALESCE({a_end}, {OPEN_END}) "
            f"AND {a}.{link.start} < COALESCE({b_end}, {OPEN_END})")


@dataclass(frozen=True)
class LinkPlan:
    schema: Schema
    batch_id: int
    link: Link
    scope: str | None  # the importing officer's region; None: national
    present: set[str]

    @property
    def kind(self) -> str:
        return self.link.kind

    def check(self, staging: Staging) -> None:
        link = self.link
        staging.mark_missing(link.place_field, link.place_table, link.place_column,
                             f"{link.place_field}: {NO_PLACE(place=link.place_label)}")
        staging.mark_missing("nik", PERSON, "nik", f"nik: {NO_PERSON()}")
        if self.scope:
            outside = f"{link.place_field}: {PLACE_OUTSIDE(place=link.place_label, region=self.scope)}"
            staging.mark_outside(link.place_field, self.scope, outside,
                                 via=(link.place_table, link.place_column, "village_id"))
            # A scoped officer links only people she can see, as the pages find them (core.scoping).
            mark_people_outside(staging, "nik", self.scope)
        self._mark_overlaps()

    def _mark_overlaps(self) -> None:
        link = self.link
        other = (f"FROM {S} AS o WHERE o.{link.place_field} = {S}.{link.place_field} AND o.nik = {S}.nik "
                 f"AND o._row <> {S}._row AND {_overlap(S, self._end(S), 'o', self._end('o'), link)}")
        twice = quote("nik: ") + " || " + TWICE.sql(nik=f"{S}.nik", place=quote(link.place_label),
                                                    row=f"SELECT MIN(o._row) {other}")
        run(f"UPDATE {S} SET {append_reason(twice)} WHERE EXISTS (SELECT 1 {other})")
        stored = (f"SELECT 1 FROM {link.table} AS t JOIN {link.place_table} AS pl ON pl.id = t.{link.place_key} "
                  f"JOIN {PERSON} AS p ON p.id = t.person_id WHERE pl.{link.place_column} = {S}.{link.place_field} "
                  f"AND p.nik = {S}.nik AND t.{link.start} <> {S}.{link.start} "
                  f"AND {_overlap(S, self._end(S), 't', f't.{link.stored_end}', link)}")
        message = quote(f"nik: {OVERLAPS(place=link.place_label)}")
        run(f"UPDATE {S} SET {append_reason(message)} WHERE EXISTS ({stored})")

    def _end(self, row: str) -> str:
        """SQL for the end of the period of staged row `row`. A file without the end column
        (it is optional) leaves a stored period's end as it is, like any absent column, and a new
        period open."""
        link = self.link
        if link.end in self.present:
            return f"{row}.{link.end}"
        return (f"(SELECT e.{link.stored_end} FROM {link.table} AS e JOIN {link.place_table} AS ep "
                f"ON ep.id = e.{link.place_key} JOIN {PERSON} AS ee ON ee.id = e.person_id "
                f"WHERE ep.{link.place_column} = {row}.{link.place_field} AND ee.nik = {row}.nik "
                f"AND e.{link.start} = {row}.{link.start})")

    def load(self, staging: Staging) -> Outcome:
        link = self.link
        columns = {link.place_key: "pl.id", "person_id": "p.id", link.start: f"s.{link.start}"}
        if link.end in self.present:
            columns[link.stored_end] = f"s.{link.end}"
        columns |= {c: f"COALESCE(s.{c}, {link.empty})" for c in link.plain if c in self.present}
        source = (f"FROM {S} AS s JOIN {link.place_table} AS pl ON pl.{link.place_column} = s.{link.place_field} "
                  f"JOIN {PERSON} AS p ON p.nik = s.nik WHERE s._reasons IS NULL")
        merge = Upsert(link.table, (link.place_key, "person_id", link.start), columns, source, self.batch_id)
        counts = counted(upsert(merge), staging.valid)
        return outcome({link.kind: counts}, link.kind)


def detect(header: list[str]) -> str:
    if in_header(header, "registration_number", REGISTRATION_ALIASES):
        return "memberships"
    if in_header(header, "nib", NIB_ALIASES):
        return "jobs"
    raise ImportFileError(UNKNOWN_KIND(kinds=" / ".join(KINDS)))


def plan_for(kind: str, header: list[str], batch: ImportBatch) -> Plan:
    kind = detect(header) if kind == "auto" else kind
    if kind not in KINDS:
        raise ImportFileError(NOT_A_KIND(kind=kind, target=TARGET, kinds=", ".join(KINDS)))
    link, schema = (MEMBERSHIPS, membership_schema()) if kind == "memberships" else (JOBS, job_schema())
    scope = user_scope(batch.created_by)
    return LinkPlan(schema, batch.pk, link, scope, set(schema.map_header(header).columns))

