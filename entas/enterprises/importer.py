"""How KUMKM files are checked across rows and merged: one Plan per kind of file, run by the
shared pipeline (entas.ingest).

enterprises   upsert by NIB (formal) or by owner NIK, village and name (informal); the owner is
              linked to the registry person with that NIK; KBLI section and PP 7/2021 scale derived
cooperatives  upsert by registration number; one Koperasi Desa/Kelurahan Merah Putih per village
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.core.scoping import user_scope
from entas.enterprises import import_schema as schemas
from entas.enterprises.models import Cooperative, Enterprise
from entas.ingest.errors import NOT_A_KIND, UNKNOWN_KIND, ImportFileError
from entas.ingest.models import ImportBatch
from entas.ingest.pipeline import Outcome, Plan, counted, outcome
from entas.ingest.schema import Schema, in_header
from entas.ingest.staging import Staging, append_reason, one, quote, run
from entas.ingest.upsert import Counts, Upsert, locked_for_merge, rebuilt_indexes, upsert
from entas.regions.queries import codes
from entas.registry.imports import mark_people_outside
from entas.registry.models import Person

KINDS = ("enterprises", "cooperatives")
# What each kind may insert or change, declared with the target (monitoring refreshes by it).
WRITES = {"enterprises": ("enterprises.Enterprise",), "cooperatives": ("enterprises.Cooperative",)}
ENTERPRISE = Enterprise._meta.db_table
COOPERATIVE = Cooperative._meta.db_table
PERSON = Person._meta.db_table
S = Staging.name
VALID = "s._reasons IS NULL"
SECOND_MERAH_PUTIH = Message(gettext_noop("more than one Koperasi Desa/Kelurahan Merah Putih for this village in this "
                                          "file"))
MERAH_PUTIH_TAKEN = Message(gettext_noop("this village already has a Koperasi Desa/Kelurahan Merah Putih with another "
                                         "registration number"))
LEGAL_ENTITY_TAKEN = Message(gettext_noop("already registered for a cooperative with another registration number"))
ENTERPRISE_PLAIN = ("owner_name", "capital", "annual_sales", "workers", "legal_form", "status", "founded")
COOPERATIVE_PLAIN = ("legal_entity_number", "status", "founded")


@dataclass(frozen=True)
class EnterprisesPlan:
    schema: Schema
    batch_id: int
    present: set[str]
    scope: str | None = None  # the importing officer's region; None: national
    kind: str = "enterprises"

    def check(self, staging: Staging) -> None:
        nib = ["nib"] if "nib" in self.present else []
        if nib:
            staging.mark_duplicates(nib, "nib")
        if "owner_nik" in self.present:
            # An enterprise with a NIB is told apart by it; only those without are by owner, village and name.
            staging.mark_duplicates(["owner_nik", "village_code", "name"], "name", among="nib IS NULL" if nib else "")
            if self.scope is not None:
                # Linking the owner would show a person of another region on the enterprise page.
                mark_people_outside(staging, "owner_nik", self.scope)

    def _columns(self) -> dict[str, str]:
        """Target column -> SQL over the staged row (section and scale were derived while reading)."""
        columns = {"name": "s.name", "village_id": "s.village_code", "kbli_code": "s.kbli_code",
                   "kbli_version": "s.kbli_version", "kbli_section": "s.kbli_section"}
        columns |= {c: f"s.{c}" for c in ("nib", *ENTERPRISE_PLAIN) if c in self.present}
        if "owner_nik" in self.present:
            columns |= {"owner_nik": "s.owner_nik", "owner_id": "p.id"}
        if {"capital", "annual_sales"} & self.present:  # else a stored scale stays as it is
            columns["scale"] = "s.scale"
        return columns

    def _merge(self, key: tuple[str, ...], where: str, within: str) -> Counts:
        owner = f"LEFT JOIN {PERSON} AS p ON p.nik = s.owner_nik" if "owner_nik" in self.present else ""
        source = f"FROM {S} AS s {owner} WHERE {VALID} AND {where}"
        return upsert(Upsert(ENTERPRISE, key, self._columns(), source, self.batch_id, within=within))

    def load(self, staging: Staging) -> Outcome:
        formal = "nib" in self.present
        valid = staging.valid
        locked_for_merge(ENTERPRISE)  # what is stored now stays so until the merges are done
        stored = int(one(f"SELECT COALESCE(MAX(id), 0) FROM {ENTERPRISE}")[0])
        done: list[Counts] = []
        # One index rebuild for both merges when the file is large against the table, not one each.
        with rebuilt_indexes(ENTERPRISE, valid, stored):
            # The unique indexes are partial, so each merge names its predicate (ON CONFLICT needs it).
            # Into an empty table no staged row can match a stored one by either key: the merge by
            # NIB then takes them all (one pass over the staged rows instead of two).
            at_once = formal and not stored
            if formal:
                done.append(self._merge(("nib",), "TRUE" if at_once else "s.nib IS NOT NULL", "nib IS NOT NULL"))
            if "owner_nik" in self.present and not at_once:
                informal = "s.nib IS NULL" if formal else "TRUE"
                done.append(self._merge(("owner_nik", "village_id", "name"), informal, "nib IS NULL"))
        total = Counts(sum(c.inserted for c in done), sum(c.updated for c in done))
        details = {"enterprises": counted(total, valid)}
        linked = int(one(f"SELECT COUNT(*) FROM {ENTERPRISE} WHERE batch_id = %s AND owner_id IS NOT NULL",
                         [self.batch_id])[0])
        return outcome({**details, "owners_in_registry": {"linked": linked}}, "enterprises")


@dataclass(frozen=True)
class CooperativesPlan:
    schema: Schema
    batch_id: int
    present: set[str]
    kind: str = "cooperatives"

    def check(self, staging: Staging) -> None:
        staging.mark_duplicates(["registration_number"], "registration_number")
        if "legal_entity_number" in self.present:
            staging.mark_duplicates(["legal_entity_number"], "legal_entity_number")
            self._mark_taken_legal_entity()
        self._mark_second_merah_putih()

    def _mark_second_merah_putih(self) -> None:
        in_file = quote(f"village_code: {SECOND_MERAH_PUTIH()}")
        run(f"UPDATE {S} SET {append_reason(in_file)} WHERE type = 'merah_putih' AND village_code IN "
            f"(SELECT village_code FROM {S} WHERE type = 'merah_putih' GROUP BY village_code HAVING COUNT(*) > 1)")
        taken = quote(f"village_code: {MERAH_PUTIH_TAKEN()}")
        run(f"UPDATE {S} SET {append_reason(taken)} WHERE type = 'merah_putih' AND EXISTS (SELECT 1 FROM "
            f"{COOPERATIVE} AS c WHERE c.village_id = {S}.village_code AND c.type = 'merah_putih' "
            f"AND c.registration_number IS DISTINCT FROM {S}.registration_number)")

    def _mark_taken_legal_entity(self) -> None:
        taken = quote(f"legal_entity_number: {LEGAL_ENTITY_TAKEN()}")
        run(f"UPDATE {S} SET {append_reason(taken)} WHERE EXISTS (SELECT 1 FROM {COOPERATIVE} AS c "
            f"WHERE c.legal_entity_number = {S}.legal_entity_number "
            f"AND c.registration_number IS DISTINCT FROM {S}.registration_number)")

    def load(self, staging: Staging) -> Outcome:
        columns = {"registration_number": "s.registration_number", "name": "s.name", "type": "s.type",
                   "village_id": "s.village_code"} | {c: f"s.{c}" for c in COOPERATIVE_PLAIN if c in self.present}
        merge = Upsert(COOPERATIVE, ("registration_number",), columns, f"FROM {S} AS s WHERE {VALID}", self.batch_id,
                       within="registration_number IS NOT NULL")
        counts = counted(upsert(merge), staging.valid)
        return outcome({"cooperatives": counts}, "cooperatives")


def detect(header: list[str]) -> str:
    if in_header(header, "kbli_code", schemas.KBLI_ALIASES) or in_header(header, "nib", schemas.NIB_ALIASES):
        return "enterprises"
    if in_header(header, "type", schemas.TYPE_ALIASES):
        return "cooperatives"
    raise ImportFileError(UNKNOWN_KIND(kinds=" / ".join(KINDS)))


def plan_for(kind: str, header: list[str], batch: ImportBatch) -> Plan:
    kind = detect(header) if kind == "auto" else kind
    if kind not in KINDS:
        raise ImportFileError(NOT_A_KIND(kind=kind, target="KUMKM", kinds=", ".join(KINDS)))
    if kind == "cooperatives":
        schema = schemas.cooperative_schema(codes(4))
        return CooperativesPlan(schema, batch.pk, set(schema.map_header(header).columns))
    schema = schemas.enterprise_schema(codes(4), batch.extract_date or date.today())
    return EnterprisesPlan(schema, batch.pk, set(schema.map_header(header).columns), user_scope(batch.created_by))
