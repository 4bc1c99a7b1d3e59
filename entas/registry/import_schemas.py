"""Column schemas of the registry files: the synthetic/Entas names (docs/data-formats.md) and,
as aliases, the DTSEN-like Indonesian headers. Header names match case-insensitively, with
spaces, dashes and dots read as underscores."""

import polars as pl
from django.db.models import TextChoices
from django.utils.translation import gettext_noop

from entas.core.messages import Message
from entas.ingest.schema import Field, Rule, Schema
from entas.ingest.types import Choice, Date, Flag, Integer, MultiChoice, Text
from entas.registry import import_rules as rules
from entas.registry import models as m

ONLY_PKH = Message(gettext_noop("only PKH has components, not %(programme)s"))
NIK_ALIASES = ("NIK", "NO_NIK")
VILLAGE_ALIASES = ("KODE_DESA", "KODE_WILAYAH", "KDDESA", "KODE_KELURAHAN")
PROGRAMME_ALIASES = ("PROGRAM", "JENIS_BANSOS", "BANSOS")
PERIOD_ALIASES = ("PERIODE",)
NIK = Field("nik", rules.IdentityNumber(nik=True), NIK_ALIASES, required=True)
KK = Field("kk_number", rules.IdentityNumber(nik=False), ("NO_KK", "NOKK", "NOMOR_KK", "KK"), required=True)


def choice(options: type[TextChoices], synonyms: dict[str, str]) -> Choice:
    return Choice(tuple(options.values), synonyms)


def household_fields(villages: pl.Series) -> tuple[Field, ...]:
    return (
        Field("village_code", rules.VillageCode(villages), VILLAGE_ALIASES, required=True),
        Field("address", Text(255), ("ALAMAT",)),
        Field("decile", Integer(1, 10), ("DESIL", "DESIL_NASIONAL")),
        Field("decile_source", Text(64), ("SUMBER_DESIL",)),
        Field("decile_date", Date(), ("TGL_DESIL", "TANGGAL_DESIL")),
        Field("per_capita_income", Integer(0, thousands=True), ("PENDAPATAN_PER_KAPITA", "PENGELUARAN_PER_KAPITA")),
        Field("floor_material", choice(m.Floor, rules.FLOOR), ("JENIS_LANTAI", "LANTAI")),
        Field("wall_material", choice(m.Wall, rules.WALL), ("JENIS_DINDING", "DINDING")),
        Field("roof_material", choice(m.Roof, rules.ROOF), ("JENIS_ATAP", "ATAP")),
        Field("drinking_water", choice(m.Water, rules.WATER), ("SUMBER_AIR_MINUM", "AIR_MINUM")),
        Field("sanitation", choice(m.Sanitation, rules.SANITATION), ("FASILITAS_BAB", "SANITASI")),
        Field("electricity_watt", Integer(0, 100_000), ("DAYA_LISTRIK", "DAYA_TERPASANG")),
        Field("cooking_fuel", choice(m.CookingFuel, rules.FUEL), ("BAHAN_BAKAR_MEMASAK", "BAHAN_BAKAR")),
        Field("assets", MultiChoice(m.ASSETS), ("ASET",)),
        Field("extreme_poor", Flag(), ("MISKIN_EKSTREM", "KEMISKINAN_EKSTREM")),
    )


PERSON_FIELDS = (
    Field("full_name", Text(200), ("NAMA", "NAMA_LENGKAP", "NAMA_ART"), required=True),
    Field("sex", Choice(("L", "P"), rules.SEX), ("JENIS_KELAMIN", "JK", "KELAMIN")),
    Field("birth_date", Date(), ("TGL_LAHIR", "TANGGAL_LAHIR")),
    Field("birth_place", Text(100), ("TEMPAT_LAHIR", "TMP_LAHIR")),
    Field("relationship", choice(m.Relationship, rules.RELATIONSHIP),
          ("HUB_KELUARGA", "HUBUNGAN_KELUARGA", "HUB_KK", "SHDK")),
    Field("education", choice(m.Education, rules.EDUCATION), ("PENDIDIKAN", "PENDIDIKAN_TERAKHIR")),
    Field("occupation", choice(m.Occupation, rules.OCCUPATION), ("PEKERJAAN", "PEKERJAAN_UTAMA")),
    Field("disability", choice(m.Disability, rules.DISABILITY), ("DISABILITAS", "JENIS_DISABILITAS")),
    Field("marital_status", choice(m.MaritalStatus, rules.MARITAL), ("STATUS_KAWIN", "STATUS_PERKAWINAN")),
)

ASSISTANCE_FIELDS = (
    KK,
    Field("nik", rules.IdentityNumber(nik=True), NIK_ALIASES),
    Field("programme", choice(m.Programme, rules.PROGRAMME), PROGRAMME_ALIASES, required=True),
    Field("component", choice(m.PkhComponent, rules.COMPONENT), ("KOMPONEN",)),
    Field("period", rules.Period(), PERIOD_ALIASES, required=True),
    Field("amount", Integer(0, thousands=True), ("NOMINAL", "JUMLAH", "NILAI"), required=True),
)


def _district_warnings(districts: pl.Series, *, nik: bool) -> tuple[Rule, ...]:
    kk = Rule("kk_number", *rules.unknown_district(pl.col("kk_number"), districts, "No. KK"), warning=True)
    if not nik:
        return (kk,)
    return kk, Rule("nik", *rules.unknown_district(pl.col("nik"), districts, "NIK"), warning=True)


def households_schema(villages: pl.Series, districts: pl.Series) -> Schema:
    return Schema((KK, *household_fields(villages)), _district_warnings(districts, nik=False))


def people_schema(districts: pl.Series, villages: pl.Series | None = None) -> Schema:
    """People; with `villages`, people rows that also carry their household's columns."""
    household = household_fields(villages) if villages is not None else ()
    nik, sex, born = pl.col("nik"), pl.col("sex"), pl.col("birth_date")
    checks = (
        Rule("nik", *rules.sex_disagrees(nik, sex)),
        Rule("nik", *rules.nik_date_disagrees(nik, born), warning=True),
        *_district_warnings(districts, nik=True),
    )
    return Schema((NIK, KK, *PERSON_FIELDS, *household), checks)


def assistance_schema() -> Schema:
    component, programme = pl.col("component"), pl.col("programme")
    only_pkh = Rule("component", component.is_not_null() & (programme != "PKH"),
                    ONLY_PKH.expr(programme=programme))
    return Schema(ASSISTANCE_FIELDS, (only_pkh,))
