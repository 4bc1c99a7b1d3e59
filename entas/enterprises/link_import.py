"""Files that link people to cooperatives and enterprises, through the shared pipeline
(entas.ingest) as target `kumkm-people`: one Plan per kind of file.

memberships  a person (NIK) in a cooperative (registration number) from `joined` until `left`,
             with simpanan pokok and wajib paid; merged by cooperative, person and join date
jobs         a person (NIK) employed by an enterprise (NIB) from `start` until `end`; merged by
             enterprise, person and start date

Both files may also give the person as the source knows her (`name`, `birth_date`, `sex`,
`address`, `village_code`: kept as text, as given, on the membership or job). A row whose NIK is
that of a registry person links that person. A row whose NIK names nobody in the registry (or is
empty, or damaged: not a valid NIK) is kept when it gives a name: the membership or job is stored
without a person and with the identity as given, until a link recognises her
(entas.enterprises.identities); such rows are merged by place, NIK as given (else the name) and
start date (`given_key`), so the same file again adds nothing, also once a link was accepted. A
stored record without a person whose NIK as given is now a registry person's takes that person
when a row of the file names her again.

Both refuse a row whose cooperative/enterprise is not registered, that names nobody the registry
knows and gives no name, whose end is not after its start, whose cooperative/enterprise or person
lies outside the importing officer's region, or whose period overlaps another period of the same
person in the same place (in the file or already stored): the rules of services.join_cooperative
and services.record_job, checked for whole files at once.
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
from entas.ingest.schema import ALSO, NO_COLUMN, Derived, Field, Rule, Schema, in_header, raw
from entas.ingest.staging import Staging, append_reason, one, quote, run
from entas.ingest.types import TOO_LONG, Date, FieldType, Text
from entas.ingest.upsert import Counts, Upsert, locked_for_merge, upsert
from entas.registry.imports import NIK_ALIASES, IdentityNumber, mark_people_outside
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
NOBODY = Message(gettext_noop("no person in the registry has this NIK, and the row gives no name to recognise the "
                              "person by"))
NO_IDENTITY = Message(gettext_noop("missing, and the row gives no name to recognise the person by"))
KEPT_AS_GIVEN = Message(gettext_noop("%(problem)s: kept as given with the name, for recognising the person later"),
                        nested=("problem",))
REPEATED = "enterprises_repeated_people"  # TEMP: the (place, person) keys a file repeats
RECOGNISED = "enterprises_recognised_again"  # TEMP: stored records the file recognises (id, person)
OPEN_END = "'9999-12-31'"  # an open period runs until this day; ISO text compares as a date on SQLite
VALID_NIK = IdentityNumber(nik=True)
# The person as the source gives her: staged field -> stored column (all text, as given).
GIVEN = {"nik": "given_nik", "name": "given_name", "birth_date": "given_birth_date", "sex": "given_sex",
         "address": "given_address", "village": "given_village"}
NAME_ALIASES = ("nama", "nama_lengkap")


@dataclass(frozen=True)
class GivenNik(FieldType):
    """A NIK as the file gives it: cleaned (spaces, a leading apostrophe) when it is a valid NIK,
    else the text as typed, up to 32 characters. A damaged NIK names nobody, so the row needs a name
    (a rule of the schema). A cell a spreadsheet stored as a number is refused as for any NIK:
    Excel may have rounded it into somebody else's."""

    max_length: int = 32

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return pl.when(raw.str.len_chars() <= self.max_length).then(pl.coalesce(VALID_NIK.parse(raw), raw))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return TOO_LONG.expr(length=raw.str.len_chars(), limit=pl.lit(str(self.max_length)))

    def number_problem(self, raw: pl.Expr) -> pl.Expr:
        return VALID_NIK.number_problem(raw)


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


def _given_fields() -> tuple[Field, ...]:
    """The person as the source gives her, besides the NIK: optional, kept as text."""
    return (
        Field("name", Text(200), NAME_ALIASES),
        Field("birth_date", Text(32), ("tanggal_lahir", "tgl_lahir")),
        Field("sex", Text(16), ("jenis_kelamin", "jk")),
        Field("address", Text(255), ("alamat",)),
        Field("village", Text(16), ("village_code", "kode_desa", "kode_wilayah")),
    )


def _identity_rules() -> tuple[Rule, ...]:
    """A NIK that is not a valid NIK names nobody: without a name the row is refused for it (the
    NIK's own problem), with one it is kept as given and the file's report says so."""
    nik, name = pl.col("nik"), pl.col("name")
    damaged = nik.is_not_null() & VALID_NIK.quick(nik).is_null()
    return (
        Rule("nik", damaged & name.is_null(), VALID_NIK.problem(raw("nik"))),
        Rule("nik", nik.is_null() & raw("nik").is_null() & name.is_null(), NO_IDENTITY.expr()),
        Rule("nik", damaged & name.is_not_null(), KEPT_AS_GIVEN.expr(problem=VALID_NIK.problem(raw("nik"))),
             warning=True),
    )


# Whether the staged NIK is a valid one (else it is kept as typed and names nobody).
NIK_VALID = Derived("nik_valid", "boolean", VALID_NIK.quick(pl.col("nik")).is_not_null())


def membership_schema() -> Schema:
    fields = (
        Field("registration_number", Text(32), REGISTRATION_ALIASES, required=True),
        Field("nik", GivenNik(), (*NIK_ALIASES, "NIK_ANGGOTA")),
        Field("joined", Date(), ("TANGGAL_MASUK", "TGL_MASUK"), required=True),
        Field("left_on", Date(), ("left", "TANGGAL_KELUAR", "TGL_KELUAR")),
        Field("share_principal", Rupiah(), ("SIMPANAN_POKOK",)),
        Field("share_mandatory", Rupiah(), ("SIMPANAN_WAJIB",)),
        *_given_fields(),
    )
    return Schema(fields, (_after(MEMBERSHIPS), *_identity_rules()), (NIK_VALID,))


def job_schema() -> Schema:
    fields = (
        Field("nib", Nib(), NIB_ALIASES, required=True),
        Field("nik", GivenNik(), (*NIK_ALIASES, "NIK_PEKERJA")),
        Field("start", Date(), ("TANGGAL_MULAI", "TGL_MULAI_KERJA"), required=True),
        Field("end_on", Date(), ("end", "TANGGAL_SELESAI", "TGL_SELESAI_KERJA")),
        Field("position", Text(100), ("JABATAN", "POSISI")),
        *_given_fields(),
    )
    return Schema(fields, (_after(JOBS), *_identity_rules()), (NIK_VALID,))


def _overlap(a: str, a_end: str, b: str, b_end: str, link: Link) -> str:
    """SQL: the periods of rows `a` (staged) and `b` share at least one day; `a_end`, `b_end`:
    SQL for their ends."""
    return (f"{b}.{link.start} < COALESCE({a_end}, {OPEN_END}) "
            f"AND {a}.{link.start} < COALESCE({b_end}, {OPEN_END})")


def _named(row: str) -> str:
    """SQL: the NIK of staged row `row` is a registry person's."""
    return f"EXISTS (SELECT 1 FROM {PERSON} AS pn WHERE pn.nik = {row}.nik)"


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

    def _key(self, row: str) -> str:
        """SQL: the key a record without a person is merged by (`given_key`): the NIK as given,
        else the name."""
        return f"COALESCE({row}.nik, {row}.name)" if "name" in self.present else f"{row}.nik"

    def _has_name(self, row: str) -> str:
        return f"{row}.name IS NOT NULL" if "name" in self.present else "FALSE"

    def _field(self, row: str) -> str:
        """SQL: the field a reason about the person is given against: the NIK, else the name."""
        return f"CASE WHEN {row}.nik IS NULL THEN {quote('name: ')} ELSE {quote('nik: ')} END"

    def check(self, staging: Staging) -> None:
        link = self.link
        staging.mark_missing(link.place_field, link.place_table, link.place_column,
                             f"{link.place_field}: {NO_PLACE(place=link.place_label)}")
        # A valid NIK that names nobody: kept when the row gives a name (a damaged NIK without one
        # is refused by the schema already, for its own problem).
        nobody = quote(f"nik: {NOBODY()}")
        run(f"UPDATE {S} SET {append_reason(nobody)} WHERE nik IS NOT NULL AND nik_valid = TRUE "
            f"AND NOT ({self._has_name(S)}) AND NOT {_named(S)}")
        if self.scope:
            outside = f"{link.place_field}: {PLACE_OUTSIDE(place=link.place_label, region=self.scope)}"
            staging.mark_outside(link.place_field, self.scope, outside,
                                 via=(link.place_table, link.place_column, "village_id"))
            # A scoped officer links only people she can see, as the pages find them (core.scoping).
            mark_people_outside(staging, "nik", self.scope)
        self._mark_overlaps()

    def _mark_overlaps(self) -> None:
        link = self.link
        # The same NIK (a registry person's, or as given) twice in the file at the same time, and
        # the same name of rows without NIK.
        self._mark_twice("nik", f"o.nik = {S}.nik", f"{S}.nik IS NOT NULL")
        if "name" in self.present:
            without_nik = f"{S}.nik IS NULL AND {S}.name IS NOT NULL"
            self._mark_twice("name", f"o.nik IS NULL AND o.name = {S}.name", without_nik)
        message = quote(OVERLAPS(place=link.place_label))
        stored = (f"SELECT 1 FROM {link.table} AS t JOIN {link.place_table} AS pl ON pl.id = t.{link.place_key} "
                  f"JOIN {PERSON} AS p ON p.id = t.person_id WHERE pl.{link.place_column} = {S}.{link.place_field} "
                  f"AND p.nik = {S}.nik AND t.{link.start} <> {S}.{link.start} "
                  f"AND {_overlap(S, self._end(S), 't', f't.{link.stored_end}', link)}")
        run(f"UPDATE {S} SET {append_reason(quote('nik: ') + ' || ' + message)} WHERE EXISTS ({stored})")
        # A person nobody recognised yet: her stored periods are those of the same identity as given.
        given = (f"SELECT 1 FROM {link.table} AS t JOIN {link.place_table} AS pl ON pl.id = t.{link.place_key} "
                 f"WHERE pl.{link.place_column} = {S}.{link.place_field} AND t.given_key = {self._key(S)} "
                 f"AND t.given_key > '' AND t.{link.start} <> {S}.{link.start} "
                 f"AND {_overlap(S, self._end(S), 't', f't.{link.stored_end}', link)}")
        reason = f"{self._field(S)} || {message}"
        run(f"UPDATE {S} SET {append_reason(reason)} WHERE NOT {_named(S)} AND EXISTS ({given})")

    def _mark_twice(self, field: str, same: str, among: str) -> None:
        """Rows whose person (`same`: SQL on staged rows `o` and the staging table) is twice in one
        place at the same time. Only the keys that repeat are compared (usually none): the
        comparison of every row with every other of a place would grow with its square."""
        link = self.link
        place = link.place_field
        run(f"DROP TABLE IF EXISTS {REPEATED}")
        run(f"CREATE TEMP TABLE {REPEATED} AS SELECT {place} AS place, {field} AS who FROM {S} WHERE {among} "
            f"GROUP BY {place}, {field} HAVING COUNT(*) > 1")
        if one(f"SELECT EXISTS (SELECT 1 FROM {REPEATED})")[0]:
            overlap = _overlap(S, self._end(S), "o", self._end("o"), link)
            other = f"FROM {S} AS o WHERE o.{place} = {S}.{place} AND {same} AND o._row <> {S}._row AND {overlap}"
            twice = quote(f"{field}: ") + " || " + TWICE.sql(nik=f"{S}.{field}", place=quote(link.place_label),
                                                           row=f"SELECT MIN(o._row) {other}")
            repeated = f"SELECT 1 FROM {REPEATED} AS r WHERE r.place = {S}.{place} AND r.who = {S}.{field}"
            run(f"UPDATE {S} SET {append_reason(twice)} WHERE {among} AND EXISTS ({repeated}) "
                f"AND EXISTS (SELECT 1 {other})")
        run(f"DROP TABLE IF EXISTS {REPEATED}")

    def _end(self, row: str) -> str:
        """SQL for the end of the period of staged row `row`. A file without the end column
        (it is optional) leaves a stored period's end as it is, like any absent column, and a new
        period open."""
        link = self.link
        if link.end in self.present:
            return f"{row}.{link.end}"
        place = (f"FROM {link.table} AS e JOIN {link.place_table} AS ep ON ep.id = e.{link.place_key} "
                 f"WHERE ep.{link.place_column} = {row}.{link.place_field} AND e.{link.start} = {row}.{link.start}")
        of_person = (f"SELECT e.{link.stored_end} {place} "
                     f"AND e.person_id = (SELECT ee.id FROM {PERSON} AS ee WHERE ee.nik = {row}.nik)")
        as_given = f"SELECT e.{link.stored_end} {place} AND e.given_key = {self._key(row)} AND e.given_key > ''"
        return f"COALESCE(({of_person}), ({as_given}))"

    def _columns(self) -> dict[str, str]:
        """Target column -> SQL over staged row `s`, besides the place, the person and the start."""
        link = self.link
        columns = {link.start: f"s.{link.start}"}
        if link.end in self.present:
            columns[link.stored_end] = f"s.{link.end}"
        columns |= {c: f"COALESCE(s.{c}, {link.empty})" for c in link.plain if c in self.present}
        given = {stored: f"COALESCE(s.{field}, '')" for field, stored in GIVEN.items() if field in self.present}
        return columns | given

    def load(self, staging: Staging) -> Outcome:
        link = self.link
        locked_for_merge(link.table)
        last_old_id = int(one(f"SELECT COALESCE(MAX(id), 0) FROM {link.table}")[0])
        places = (f"FROM {S} AS s JOIN {link.place_table} AS pl ON pl.{link.place_column} = s.{link.place_field}")
        recognised_again = self._recognise_stored()
        known = {link.place_key: "pl.id", "person_id": "p.id", **self._columns()}
        upsert(Upsert(link.table, (link.place_key, "person_id", link.start), known,
                      f"{places} JOIN {PERSON} AS p ON p.nik = s.nik WHERE s._reasons IS NULL", self.batch_id))
        unknown = {link.place_key: "pl.id", "given_key": self._key("s"), **self._columns()}
        upsert(Upsert(link.table, (link.place_key, "given_key", link.start), unknown,
                      f"{places} WHERE s._reasons IS NULL AND NOT {_named('s')}", self.batch_id,
                      within="given_key > ''"))
        # Counted by the batch stamp: a record recognised again and then changed is one update.
        inserted = int(one(f"SELECT COUNT(*) FROM {link.table} WHERE id > %s", [last_old_id])[0])
        updated = int(one(f"SELECT COUNT(*) FROM {link.table} WHERE id <= %s AND batch_id = %s",
                          [last_old_id, self.batch_id])[0])
        unrecognised = int(one(f"SELECT COUNT(*) FROM {S} AS s WHERE s._reasons IS NULL AND NOT {_named('s')}")[0])
        details = {link.kind: counted(Counts(inserted, updated), staging.valid),
                   "unrecognised": unrecognised, "recognised_again": recognised_again}
        return outcome(details, link.kind)

    def _recognise_stored(self) -> int:
        """A stored record without a person whose NIK as given is now a registry person's, named
        again by a valid row of the file (same place and start), takes that person, unless she
        has that record already; the merge of the recognised rows then updates it. The number of
        records recognised so. Found from the staged rows through the index of the given key,
        then changed by id."""
        link, table = self.link, self.link.table
        end = f", s.{link.end} AS end_on" if link.end in self.present else ""
        run(f"DROP TABLE IF EXISTS {RECOGNISED}")
        run(f"CREATE TEMP TABLE {RECOGNISED} AS SELECT t.id AS id, p.id AS person_id{end} "
            f"FROM {S} AS s JOIN {link.place_table} AS pl ON pl.{link.place_column} = s.{link.place_field} "
            f"JOIN {PERSON} AS p ON p.nik = s.nik "
            f"JOIN {table} AS t ON t.{link.place_key} = pl.id AND t.given_key = s.nik AND t.given_key > '' "
            f"AND t.{link.start} = s.{link.start} "
            f"WHERE s._reasons IS NULL AND t.person_id IS NULL AND NOT EXISTS (SELECT 1 FROM {table} AS o "
            f"WHERE o.{link.place_key} = t.{link.place_key} AND o.person_id = p.id "
            f"AND o.{link.start} = t.{link.start})")
        found = int(one(f"SELECT COUNT(*) FROM {RECOGNISED}")[0])
        if found:
            run(f"CREATE INDEX {RECOGNISED}_id ON {RECOGNISED} (id)")
            value = f"(SELECT r.{{}} FROM {RECOGNISED} AS r WHERE r.id = {table}.id)"
            # The end too, as the merge would write it: another open period of hers may follow.
            also = f", {link.stored_end} = {value.format('end_on')}" if end else ""
            run(f"UPDATE {table} SET person_id = {value.format('person_id')}, batch_id = %s{also} "
                f"WHERE id IN (SELECT id FROM {RECOGNISED})", [self.batch_id])
        run(f"DROP TABLE IF EXISTS {RECOGNISED}")
        return found


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
    present = set(schema.map_header(header).columns)
    if "nik" not in present:  # the column is required; a cell may be empty when the row gives a name
        nik = next(f for f in schema.fields if f.name == "nik")
        raise ImportFileError(NO_COLUMN(columns=ALSO(field="nik", aliases=", ".join(nik.aliases))))
    scope = user_scope(batch.created_by)
    return LinkPlan(schema, batch.pk, link, scope, present)
