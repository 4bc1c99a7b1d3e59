"""Vectorised registry rules: NIK and No. KK (same messages as entas.core.identifiers, tested to
agree), village codes, assistance periods, and the Indonesian spellings each choice accepts."""

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext_noop

from entas.core.identifiers import (
    BIRTH_DATE,
    FEMALE_DAY_OFFSET,
    ISSUE_DATE,
    LENGTH,
    NO_SUCH_DAY,
    NO_SUCH_MONTH,
    NOT_DIGITS,
    SERIAL_ZERO,
    SEX_DISAGREES,
    WRONG_LENGTH,
)
from entas.core.messages import Message
from entas.ingest.types import FieldType


def _two(text: pl.Expr, start: int) -> pl.Expr:
    return text.str.slice(start, 2).cast(pl.Int32, strict=False)


def _real_day(day: pl.Expr, nik: bool) -> pl.Expr:
    return pl.when(day > FEMALE_DAY_OFFSET).then(day - FEMALE_DAY_OFFSET).otherwise(day) if nik else day


def _days_in(month: pl.Expr, yy: pl.Expr) -> pl.Expr:
    # The century is unknown: 29 February is possible whenever yy is a leap year in either century.
    return pl.when(month == 2).then(pl.when(yy % 4 == 0).then(29).otherwise(28)).when(
        month.is_in([4, 6, 9, 11])).then(30).otherwise(31)


def identity_valid(text: pl.Expr, *, nik: bool) -> pl.Expr:
    """True where the text can be a NIK (nik=True) or No. KK: cheap enough for every row."""
    day, month, yy = _real_day(_two(text, 6), nik), _two(text, 8), _two(text, 10)
    return (
        text.str.contains(f"^[0-9]{{{LENGTH}}}$") & (text.str.slice(12, 4) != "0000")
        & month.is_between(1, 12) & day.is_between(1, _days_in(month, yy))
    )


def identity_problem(text: pl.Expr, *, nik: bool) -> pl.Expr:
    """Why each text cannot be a NIK or No. KK; the wording of entas.core.identifiers."""
    what = pl.lit(BIRTH_DATE if nik else ISSUE_DATE)
    length = text.str.len_chars()
    day, month = _real_day(_two(text, 6), nik), text.str.slice(8, 2)
    return (
        pl.when(~text.str.contains(r"^[0-9]+$"))
        .then(NOT_DIGITS.expr(value=text, length=pl.lit(str(LENGTH))))
        .when(length != LENGTH).then(WRONG_LENGTH.expr(count=length, length=pl.lit(str(LENGTH))))
        .when(text.str.slice(12, 4) == "0000").then(SERIAL_ZERO.expr())
        .when(~_two(text, 8).is_between(1, 12)).then(NO_SUCH_MONTH.expr(month=month, what=what))
        .otherwise(NO_SUCH_DAY.expr(day=day.cast(pl.String).str.zfill(2), what=what, month=month))
    )


def clean_identity(raw: pl.Expr) -> pl.Expr:
    # Excel users type a leading apostrophe to keep the digits as text; some group them in fours.
    return raw.str.strip_prefix("'").str.replace_all(r"\s", "")


# How Excel writes a long number it shortened: 3,31026E+15 in a CSV it saved, 3.31026E+15 typed.
SCIENTIFIC = r"^[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+$"
# Excel keeps 15 significant digits of a number (IEEE doubles, shown rounded to 15 digits).
EXCEL_DIGITS = 15
SHORTENED = Message(gettext_noop("'%(value)s' is a number Excel shortened (scientific notation), not a %(label)s; "
                                  "format the column as Text and export again"))
ROUNDED = Message(gettext_noop("Excel stored this %(label)s as a number and rounded it (%(value)s); format the column "
                               "as Text and export again"))
AS_NUMBER = Message(gettext_noop("the spreadsheet stored this %(label)s as a number (%(value)s), not as text, and only "
                                 "text keeps all 16 digits exactly; format the column as Text and export again"))
DATE_DISAGREES = Message(gettext_noop("its date %(nik_date)s differs from birth_date %(birth_date)s"))
NOT_IN_LIST = Message(gettext_noop("district %(code)s of the %(label)s is not in the Kemendagri 2025 list"))
NO_VILLAGE = Message(gettext_noop("'%(value)s' is not a village in the Kemendagri 2025 list"))
NOT_VILLAGE_CODE = Message(gettext_noop("'%(value)s' is not a village code (PP.KK.CC.NNNN)"))
NOT_PERIOD = Message(gettext_noop("'%(value)s' is not a period (YYYY-MM or YYYY-Qn)"))


@dataclass(frozen=True)
class IdentityNumber(FieldType):
    nik: bool

    @property
    def label(self) -> str:
        return "NIK" if self.nik else "No. KK"

    def quick(self, raw: pl.Expr) -> pl.Expr:
        return pl.when(identity_valid(raw, nik=self.nik)).then(raw)

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return self.quick(clean_identity(raw))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        scientific = SHORTENED.expr(value=raw, label=pl.lit(self.label))
        return pl.when(raw.str.contains(SCIENTIFIC)).then(scientific).otherwise(
            identity_problem(clean_identity(raw), nik=self.nik))

    def number_problem(self, raw: pl.Expr) -> pl.Expr:
        """Every number cell is refused, not only those that lost digits. A number of 16 digits
        with at most 15 significant (3310260203680040) may be a rounded 3310260203680038 or exact,
        and nothing tells which. One with 16 significant digits was not typed into Excel but
        written by a program, and was still a float: exact below 2^53, not for the 9x provinces
        (Papua) above it. One of 15 digits or fewer is no identity at all. The registry keeps
        identities exactly as issued, so only text is taken, and the message says why."""
        whole = raw.str.replace(r"\.0+$", "")
        long = whole.str.contains(r"^[0-9]+$") & (whole.str.len_chars() >= LENGTH)
        rounded = long & (whole.str.strip_chars_end("0").str.len_chars() <= EXCEL_DIGITS)
        return (
            pl.when(rounded).then(ROUNDED.expr(label=pl.lit(self.label), value=whole))
            .otherwise(AS_NUMBER.expr(label=pl.lit(self.label), value=whole))
        )


def female_by_nik(nik: pl.Expr) -> pl.Expr:
    return _two(nik, 6) > FEMALE_DAY_OFFSET


def sex_disagrees(nik: pl.Expr, sex: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(condition, message): the NIK's day says one sex, the sex column the other."""
    female = female_by_nik(nik)
    said = pl.when(female).then(pl.lit("female")).otherwise(pl.lit("male"))
    return female != (sex == "P"), SEX_DISAGREES.expr(day=nik.str.slice(6, 2), sex_by_day=said, sex=sex)


def nik_date_disagrees(nik: pl.Expr, birth_date: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(condition, message) of a warning: the NIK's date (the +40 of women taken off) is not the
    birth date. Often a typo in one of the two; the sex column has its own check."""
    day = _real_day(_two(nik, 6), nik=True)
    same = (day == birth_date.dt.day()) & (_two(nik, 8) == birth_date.dt.month()) & (
        _two(nik, 10) == birth_date.dt.year() % 100)
    message = DATE_DISAGREES.expr(nik_date=nik.str.slice(6, 6), birth_date=birth_date)
    return ~same, message


def unknown_district(number: pl.Expr, districts: pl.Series, label: str) -> tuple[pl.Expr, pl.Expr]:
    """(condition, message) of a warning: the district a NIK or No. KK was issued in is not in
    today's list (it may have been split or renamed since), which alone is no reason to reject."""
    prefix = number.str.slice(0, 6)
    undotted = districts.str.replace_all(".", "", literal=True)
    code = pl.format("{}.{}.{}", prefix.str.slice(0, 2), prefix.str.slice(2, 2), prefix.str.slice(4, 2))
    message = NOT_IN_LIST.expr(code=code, label=pl.lit(label))
    return number.is_not_null() & ~prefix.is_in(undotted.implode()), message


@dataclass(frozen=True, eq=False)
class VillageCode(FieldType):
    """A dotted village code that exists; 10 digits without dots are accepted and dotted."""

    villages: pl.Series

    def quick(self, raw: pl.Expr) -> pl.Expr:
        return pl.when(raw.is_in(self.villages.implode())).then(raw)

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return self.quick(raw.str.replace(r"^(\d{2})(\d{2})(\d{2})(\d{4})$", "$1.$2.$3.$4"))

    def problem(self, raw: pl.Expr) -> pl.Expr:
        dotted = raw.str.replace(r"^(\d{2})(\d{2})(\d{2})(\d{4})$", "$1.$2.$3.$4")
        return (
            pl.when(dotted.str.contains(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"))
            .then(NO_VILLAGE.expr(value=raw))
            .otherwise(NOT_VILLAGE_CODE.expr(value=raw))
        )


@dataclass(frozen=True)
class Period(FieldType):
    """A month `YYYY-MM` or a quarter `YYYY-Qn`."""

    def quick(self, raw: pl.Expr) -> pl.Expr:
        return pl.when(raw.str.contains(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")).then(raw)

    def parse(self, raw: pl.Expr) -> pl.Expr:
        return self.quick(raw.str.to_uppercase())

    def problem(self, raw: pl.Expr) -> pl.Expr:
        return NOT_PERIOD.expr(value=raw)


# Indonesian spellings and DTSEN-like numeric codes accepted besides our own values
# (docs/data-formats.md, "DTSEN-like files").
SEX = {"1": "L", "2": "P", "laki-laki": "L", "laki laki": "L", "lk": "L", "pria": "L", "m": "L", "male": "L",
       "perempuan": "P", "pr": "P", "wanita": "P", "w": "P", "f": "P", "female": "P"}
RELATIONSHIP = {
    "1": "head", "2": "spouse", "3": "child", "4": "in_law", "5": "grandchild", "6": "parent", "7": "other",
    "8": "other", "kepala keluarga": "head", "kepala rumah tangga": "head", "istri": "spouse", "suami": "spouse",
    "istri/suami": "spouse", "anak": "child", "menantu": "in_law", "cucu": "grandchild", "orang tua": "parent",
    "mertua": "parent", "orang tua/mertua": "parent", "famili lain": "other", "lainnya": "other",
}
EDUCATION = {
    "1": "none", "2": "sd", "3": "smp", "4": "sma", "5": "diploma", "6": "university",
    "tidak/belum sekolah": "none", "tidak sekolah": "none", "belum sekolah": "none", "sd/mi": "sd",
    "sd/sederajat": "sd", "smp/mts": "smp", "smp/sederajat": "smp", "sma/smk": "sma", "sma/sederajat": "sma",
    "smk": "sma", "ma": "sma", "d1": "diploma", "d2": "diploma", "d3": "diploma", "d1/d2/d3": "diploma",
    "d4": "university", "s1": "university", "s2": "university", "s3": "university", "d4/s1": "university",
    "sarjana": "university", "perguruan tinggi": "university",
}
OCCUPATION = {
    "tidak bekerja": "none", "belum/tidak bekerja": "none", "petani": "farmer", "nelayan": "fisher",
    "buruh": "labourer", "pedagang": "trader", "sopir": "driver", "pengemudi": "driver", "pengrajin": "craftsman",
    "pns": "civil_servant", "pns/tni/polri": "civil_servant", "karyawan swasta": "private_employee",
    "wiraswasta": "entrepreneur", "pelajar": "student", "mahasiswa": "student", "pelajar/mahasiswa": "student",
    "mengurus rumah tangga": "housekeeping", "lainnya": "other",
}
DISABILITY = {"0": "none", "tidak ada": "none", "tidak": "none", "fisik": "physical", "sensorik": "sensory",
              "intelektual": "intellectual", "mental": "mental", "ganda": "multiple"}
MARITAL = {"1": "single", "2": "married", "3": "divorced", "4": "widowed", "belum kawin": "single",
           "kawin": "married", "cerai hidup": "divorced", "cerai mati": "widowed"}
FLOOR = {"tanah": "earth", "bambu": "bamboo", "kayu": "wood", "papan": "wood", "semen": "cement",
         "keramik": "ceramic"}
WALL = {"bambu": "bamboo", "kayu": "wood", "papan": "wood", "tembok tanpa plester": "brick",
        "tembok diplester": "plaster_brick", "tembok": "brick"}
ROOF = {"ijuk": "thatch", "rumbia": "thatch", "jerami": "thatch", "seng": "zinc", "asbes": "asbestos",
        "genteng": "tile", "beton": "concrete"}
WATER = {"sungai": "river", "mata air": "river", "sumur tak terlindung": "unprotected_well",
         "sumur terlindung": "protected_well", "sumur bor": "protected_well", "leding": "piped", "pam": "piped",
         "air kemasan": "bottled", "air isi ulang": "bottled"}
SANITATION = {"tidak ada": "none", "bersama": "shared", "umum": "shared", "sendiri": "own"}
FUEL = {"kayu bakar": "wood", "minyak tanah": "kerosene", "lpg 3 kg": "lpg_3kg", "elpiji 3 kg": "lpg_3kg",
        "lpg > 3 kg": "lpg_large", "listrik": "electric"}
PROGRAMME = {"bpnt": "SEMBAKO", "pbi": "PBI_JKN", "pbi jk": "PBI_JKN", "pbi-jkn": "PBI_JKN", "lainnya": "OTHER"}
COMPONENT = {"ibu hamil": "pregnant", "anak usia dini": "early_childhood", "disabilitas berat": "severe_disability",
             "lansia": "elderly"}
