"""Column schemas of KUMKM files: Entas names (docs/data-formats.md) and, as aliases, the
Indonesian headers of ministry and OSS extracts. Header names match case-insensitively."""

from datetime import date

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.enterprises import kbli
from entas.enterprises.import_types import KbliCode, Nib, Rupiah
from entas.enterprises.models import CooperativeStatus, CooperativeType, EnterpriseStatus, LegalForm
from entas.enterprises.scale import Scale, scale_expr
from entas.ingest.schema import Derived, Field, Rule, Schema, raw
from entas.ingest.types import Choice, Date, Integer, Text
from entas.registry.imports import VILLAGE_ALIASES, IdentityNumber, VillageCode

OTHER_KBLI = Message(gettext_noop("'%(code)s' is a KBLI %(other)s code, not KBLI %(version)s"))
UNKNOWN_KBLI = Message(gettext_noop("'%(code)s' is not a KBLI %(version)s code in Entas's list"))
NEEDS_OWNER = Message(gettext_noop("needed when there is no nib (informal enterprise)"))
SCALE_DIFFERS = Message(gettext_noop("the file says %(declared)s but capital and sales make it %(computed)s "
                                     "(PP 7/2021)"), words=("declared", "computed"))
SCALE_WORDS = (gettext_noop("micro"), gettext_noop("small"), gettext_noop("medium"), gettext_noop("large"))
NIB_ALIASES = ("NIB", "NOMOR_INDUK_BERUSAHA")
KBLI_ALIASES = ("KBLI", "KODE_KBLI")
TYPE_ALIASES = ("JENIS_KOPERASI", "JENIS")
REGISTRATION_ALIASES = ("NOMOR_INDUK_KOPERASI", "NIK_KOPERASI", "NO_REGISTRASI")

LEGAL_FORMS = {"perorangan": "individual", "usaha perorangan": "individual", "pt perorangan": "pt_individual",
               "pt": "pt", "perseroan terbatas": "pt", "firma": "firm", "koperasi": "cooperative",
               "lainnya": "other"}
STATUSES = {"aktif": "active", "tutup": "closed", "tidak aktif": "closed"}
VERSIONS = {"kbli 2020": "2020", "kbli2020": "2020", "kbli 2025": "2025", "kbli2025": "2025"}
SCALES = {"mikro": "micro", "kecil": "small", "menengah": "medium", "besar": "large"}
COOPERATIVE_TYPES = {
    "merah putih": "merah_putih", "koperasi desa merah putih": "merah_putih", "kdmp": "merah_putih",
    "koperasi kelurahan merah putih": "merah_putih", "kkmp": "merah_putih", "simpan pinjam": "savings_loan",
    "ksp": "savings_loan", "produsen": "producer", "konsumen": "consumer", "jasa": "service",
    "pemasaran": "marketing",
}


def _known_kbli() -> pl.Series:
    return pl.Series([f"{version}:{code}" for version, code in kbli.codes()], dtype=pl.String)


def _kbli_message(code: pl.Expr, version: pl.Expr) -> pl.Expr:
    """kbli.problem() for whole columns: the other version named when the code belongs to it."""
    in_2020 = pl.concat_str([pl.lit("2020:"), code]).is_in(_known_kbli().implode())
    in_2025 = pl.concat_str([pl.lit("2025:"), code]).is_in(_known_kbli().implode())
    other = pl.when(version == "2020").then(in_2025).otherwise(in_2020)
    return (
        pl.when(other)
        .then(OTHER_KBLI.expr(code=code, version=version,
                              other=pl.when(version == "2020").then(pl.lit("2025")).otherwise(pl.lit("2020"))))
        .otherwise(UNKNOWN_KBLI.expr(code=code, version=version))
    )


def enterprise_rules(on: date) -> tuple[Rule, ...]:
    code, version = pl.col("kbli_code"), pl.col("kbli_version")
    unknown = ~pl.concat_str([version, pl.lit(":"), code]).is_in(_known_kbli().implode())
    computed = scale_expr(pl.col("capital"), pl.col("annual_sales"), pl.col("founded"), on)
    declared = pl.col("declared_scale")
    return (
        Rule("kbli_code", unknown, _kbli_message(code, version)),
        Rule("owner_nik", raw("nib").is_null() & raw("owner_nik").is_null(),
             NEEDS_OWNER.expr()),
        Rule("declared_scale", declared.is_not_null() & computed.is_not_null() & (declared != computed),
             SCALE_DIFFERS.expr(declared=declared, computed=computed),
             warning=True),
    )


def enterprise_schema(villages: pl.Series, on: date) -> Schema:
    fields = (
        Field("nib", Nib(), NIB_ALIASES),
        Field("name", Text(200), ("NAMA_USAHA", "NAMA_PERUSAHAAN"), required=True),
        Field("owner_nik", IdentityNumber(nik=True), ("NIK_PEMILIK", "NIK")),
        Field("owner_name", Text(200), ("NAMA_PEMILIK",)),
        Field("village_code", VillageCode(villages), VILLAGE_ALIASES, required=True),
        Field("kbli_code", KbliCode(), KBLI_ALIASES, required=True),
        Field("kbli_version", Choice(kbli.VERSIONS, VERSIONS), ("VERSI_KBLI",), required=True),
        Field("capital", Rupiah(), ("MODAL", "MODAL_USAHA")),
        Field("annual_sales", Rupiah(), ("OMZET", "OMSET", "OMZET_TAHUNAN", "HASIL_PENJUALAN_TAHUNAN")),
        Field("workers", Integer(0, 1_000_000), ("TENAGA_KERJA", "JUMLAH_TENAGA_KERJA")),
        Field("legal_form", Choice(tuple(LegalForm.values), LEGAL_FORMS), ("BENTUK_USAHA", "BADAN_USAHA")),
        Field("status", Choice(tuple(EnterpriseStatus.values), STATUSES), ("STATUS_USAHA",)),
        Field("founded", Date(), ("TANGGAL_BERDIRI", "TGL_BERDIRI", "MULAI_USAHA")),
        Field("declared_scale", Choice(tuple(Scale.values), SCALES), ("SKALA_USAHA", "SKALA")),
    )
    money = (pl.col("capital"), pl.col("annual_sales"), pl.col("founded"))
    derived = (Derived("kbli_section", "text", section_expr(pl.col("kbli_code"), pl.col("kbli_version"))),
               Derived("scale", "text", scale_expr(*money, on)))
    return Schema(fields, enterprise_rules(on), derived)


def section_expr(code: pl.Expr, version: pl.Expr) -> pl.Expr:
    """kbli.section_of() for whole columns: by version and two-digit division."""
    sections = {f"{v}:{division:02d}": letter for v, table in kbli.SECTIONS.items()
                for letter, low, high in table for division in range(low, high + 1)}
    key = pl.concat_str([version, pl.lit(":"), code.str.slice(0, 2)])
    return key.replace_strict(list(sections), list(sections.values()), default=None, return_dtype=pl.String)


def cooperative_schema(villages: pl.Series) -> Schema:
    fields = (
        Field("registration_number", Text(32), REGISTRATION_ALIASES, required=True),
        Field("name", Text(200), ("NAMA_KOPERASI", "NAMA"), required=True),
        Field("legal_entity_number", Text(64), ("NOMOR_BADAN_HUKUM", "NO_BADAN_HUKUM")),
        Field("type", Choice(tuple(CooperativeType.values), COOPERATIVE_TYPES), TYPE_ALIASES, required=True),
        Field("village_code", VillageCode(villages), VILLAGE_ALIASES, required=True),
        Field("status", Choice(tuple(CooperativeStatus.values), STATUSES), ("STATUS_KOPERASI",)),
        Field("founded", Date(), ("TANGGAL_BERDIRI", "TGL_BERDIRI")),
    )
    return Schema(fields)
