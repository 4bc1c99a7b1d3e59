"""Indonesian-aware normalisation of identities before they are compared (issue #16).

Every rule is a Polars expression, so a million records are normalised in one vectorised pass and
the same derived columns feed Splink on DuckDB and on Spark. The input is a frame of text columns
named by the link keys (`record_id`, `nik`, `kk_number`, `name`, `sex`, `birth_date`, `address`,
`village_code`); any but `record_id` and `name` may be missing. `identities()` returns one row per
record with the columns the model compares (`COMPARED`).

What the rules undo, each tested in tests/linkage/test_normalise.py:
- names: titles and degrees (H., Hj., Drs., S.Pd., anything after a comma), honorifics (Bu, Pak),
  particles (Batak br/boru, bin/binti, Balinese I/Ni, Bugis Dg.), the spellings of Muhammad, the
  old spelling (oe, dj, tj, ch, j for y, nj, sj), doubled letters and a final h; word order is
  compared through the sorted tokens;
- NIK: spaces, dots and a leading apostrophe; Excel's scientific form keeps only the regency; the
  canonical NIK takes the +40 off a woman's day, so a NIK written without it still compares equal;
- birth dates: day-first and ISO writings, Excel serial numbers, a year alone (kept as the year);
  the day-month swap is a comparison level;
- village codes: dotted or not, village or only district; the district and regency are derived,
  from the NIK when the record has no code.
"""

from collections.abc import Sequence

import polars as pl

KEYS = ("record_id", "nik", "kk_number", "name", "sex", "birth_date", "address", "village_code")
REQUIRED = ("record_id", "name")



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Tokens that say nothing about who a person is: religious and academic titles, honorifics,
# particles. Degrees after a comma are cut before the tokens are read.
DROPPED = _words(
    """H HJ HJH HAJI HAJJAH HAJAH DRS DRA DR IR PROF BU IBU PAK BAPAK BPK SDR SDRI TUAN NY NYONYA BR
    BORU BIN BINTI BT BN I NI DG DAENG ST SPD SPDI SE SH SAG SKM SKEP SKOM SSI SSOS SIP SAP AMD
    AMKEB AMK MM MPD MSI MAG SPSI SHI SKED SFARM SSTP SPT STP MKES AMA"""
)
# The spellings of one name, read as one token.
MUHAMMAD = _words(
    """MUHAMMAD MUHAMAD MUHAMMED MUHAMED MOHAMMAD MOHAMAD MOHAMMED MOHAMED MOCHAMAD MOCHAMMAD MOCHAMED
    MOCHAMMED MOCH MOH MOHD MUH MUHD MHD MHMD MD M MUHAMMADI"""
)
# The old spelling (Ejaan Soewandi and before) and variants of one sound, mapped one way. Y maps to
# J, so modern y and old j meet; old dj (modern j) becomes j first, so they do not collide.
SPELLING = (("OE", "U"), ("TJ", "C"), ("DJ", "J"), ("CH", "KH"), ("Y", "J"), ("PH", "F"), ("TH", "T"),
            ("DH", "D"), ("Q", "K"), ("V", "F"), ("Z", "S"))
# A degree written without a comma after the name: S.Pd, S. E., A.Md., M.Pd.
DEGREE = r"\b(?:S|M|A)\.\s?(?:PD|PDI|E|H|AG|KOM|T|SI|SOS|IP|AP|KM|KEP|MD|M|SC|HUT|PT|TP|FARM|KED|GZ|HI)\b\.?"
EXCEL_ORIGIN = pl.date(1899, 12, 30)


def identities(frame: pl.DataFrame, *, region_from_nik: bool = True) -> pl.DataFrame:
    """The compared columns of `frame`; missing key columns count as blank."""
    missing = [key for key in REQUIRED if key not in frame.columns]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    text = {key: _text(frame, key) for key in KEYS}
    lazy = frame.lazy().select(
        pl.col("record_id").cast(pl.String).str.strip_chars().alias("record_id"),
        *(expr.alias(f"_{key}") for key, expr in text.items() if key != "record_id"),
    )
    lazy = lazy.with_columns(
        nik_expr(pl.col("_nik")).alias("nik"),
        nik_expr(pl.col("_kk_number")).alias("kk"),
        _nik_regency(pl.col("_nik")).alias("_nik_regency"),
        name_tokens_expr(pl.col("_name")).alias("name_tokens"),
        sex_expr(pl.col("_sex")).alias("sex"),
        birth_date_expr(pl.col("_birth_date")).alias("dob"),
        birth_year_expr(pl.col("_birth_date")).alias("dob_year"),
        address_expr(pl.col("_address")).alias("address"),
        village_expr(pl.col("_village_code")).alias("_place"),
    )
    lazy = lazy.with_columns(
        canonical_nik_expr(pl.col("nik")).alias("nik_canon"),
        nik_sex_expr(pl.col("nik")).alias("nik_sex"),
        pl.col("name_tokens").list.join(" ").alias("name"),
        pl.col("name_tokens").list.sort().list.join(" ").alias("name_sorted"),
        pl.col("name_tokens").list.first().alias("name_first"),
        pl.when(pl.col("_place").str.len_chars() == 13).then(pl.col("_place")).alias("village"),
        pl.when(pl.col("_place").str.len_chars() >= 8).then(pl.col("_place").str.slice(0, 8)).alias("district"),
    )
    nik_region = pl.col("_nik_regency") if region_from_nik else pl.lit(None, pl.String)
    lazy = lazy.with_columns(
        pl.col("_place").str.slice(0, 5).fill_null(nik_region).alias("regency"),
        pl.col("nik_canon").str.slice(0, 12).alias("nik_12"),
        pl.col("dob").dt.strftime("%Y-%m-%d").alias("dob"),
        _swapped(pl.col("dob")).alias("dob_swapped"),
    )
    return lazy.select(COMPARED).collect()


COMPARED = ("record_id", "nik", "nik_canon", "nik_12", "nik_sex", "kk", "name", "name_sorted", "name_first",
            "name_tokens", "sex", "dob", "dob_swapped", "dob_year", "address", "village", "district", "regency")


def _text(frame: pl.DataFrame, key: str) -> pl.Expr:
    if key not in frame.columns:
        return pl.lit(None, pl.String)
    column = pl.col(key).cast(pl.String).str.strip_chars()
    return pl.when(column.is_in(["", "-", "0", "NULL", "null", "NA", "N/A", "nan"])).then(None).otherwise(column)


def digits_expr(value: pl.Expr) -> pl.Expr:
    """The digits of a number typed with spaces, dots, dashes or Excel's leading apostrophe."""
    return value.str.replace_all(r"[\s.\-'`\u2019/]", "")


def nik_expr(value: pl.Expr) -> pl.Expr:
    """A 16-digit identity number, or null: Excel's `3.30205E+15` and short values are not one."""
    digits = digits_expr(value)
    return pl.when(digits.str.contains(r"^[1-9]\d{15}$")).then(digits)


def _nik_regency(value: pl.Expr) -> pl.Expr:
    """The regency (`PP.RR`) of a NIK, also from Excel's damaged `3.30205E+15` form."""
    digits = value.str.replace(r"^'", "").str.replace_all(r"[\s\-]", "")
    scientific = pl.when(digits.str.contains(r"^[1-9]\.\d{3}\d*[eE]\+?15$")).then(
        digits.str.replace(r"^([1-9])\.(\d{3}).*$", "${1}${2}")
    )
    plain = digits.str.replace_all(r"\.", "").str.extract(r"^([1-9]\d{3})\d{11,12}$", 1)
    head = pl.coalesce(plain, scientific)
    return head.str.slice(0, 2) + pl.lit(".") + head.str.slice(2, 2)


def canonical_nik_expr(nik: pl.Expr) -> pl.Expr:
    """The NIK with 40 taken off a woman's day: a NIK typed without the +40 compares equal."""
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    canon_day = pl.when(day > 40).then(day - 40).otherwise(day).cast(pl.String).str.zfill(2)
    return pl.when(nik.is_not_null()).then(nik.str.slice(0, 6) + canon_day + nik.str.slice(8))


def nik_sex_expr(nik: pl.Expr) -> pl.Expr:
    """The sex a NIK encodes: a day above 40 is a woman's."""
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    return pl.when(day > 40).then(pl.lit("P")).when(day.is_between(1, 31)).then(pl.lit("L"))


def name_tokens_expr(value: pl.Expr) -> pl.Expr:
    """The tokens of a name that say who the person is, in a canonical spelling."""
    upper = value.str.to_uppercase().str.normalize("NFKD").str.replace_all(r"[^\x00-\x7F]", "")
    upper = upper.str.replace(r",.*$", "")  # degrees after a comma: "Budi, S.Pd."
    upper = upper.str.replace_all(DEGREE, " ").str.replace_all(r"['`\u2019]", "")
    tokens = upper.str.replace_all(r"[^A-Z]+", " ").str.strip_chars().str.split(" ")
    return tokens.list.eval(
        pl.element()
        .filter((pl.element() != "") & ~pl.element().is_in(list(DROPPED)))
        .replace(dict.fromkeys(MUHAMMAD, "M"))
        .pipe(_spell)
    )


def _spell(token: pl.Expr) -> pl.Expr:
    for old, new in SPELLING:
        token = token.str.replace_all(old, new, literal=True)
    # Doubled letters (Muhammad / Muhamad, Abdullah / Abdulah) and a final h after a vowel
    # (Aminah / Amina) are spelling, not identity.
    for letter in "ABCDEFGHIJKLMNOPRSTUW":
        token = token.str.replace_all(letter + letter + "+", letter)
    return token.str.replace(r"([AEIOU])H$", "$1")


def sex_expr(value: pl.Expr) -> pl.Expr:
    upper = value.str.to_uppercase().str.replace_all(r"[^A-Z]", "")
    return (
        pl.when(upper.is_in(["L", "LK", "LAKILAKI", "LAKI", "PRIA", "M", "MALE", "1"]))
        .then(pl.lit("L"))
        .when(upper.is_in(["P", "PR", "PEREMPUAN", "WANITA", "F", "FEMALE", "W", "2"]))
        .then(pl.lit("P"))
    )


def birth_date_expr(value: pl.Expr) -> pl.Expr:
    """A full birth date from `DD-MM-YYYY`, `DD/MM/YYYY`, ISO or an Excel serial; null otherwise."""
    cleaned = value.str.replace(r"[ T]00:00(:00)?(\.0+)?$", "").str.replace_all(r"[./]", "-")
    serial = cleaned.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int32, strict=False)
    return pl.coalesce(
        cleaned.str.strptime(pl.Date, "%d-%m-%Y", strict=False),
        cleaned.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        pl.when(serial.is_between(1, 60000)).then(EXCEL_ORIGIN + pl.duration(days=serial)),
    )


def birth_year_expr(value: pl.Expr) -> pl.Expr:
    """The year of birth, also when only the year was written."""
    full = birth_date_expr(value).dt.year().cast(pl.Int32)
    alone = value.str.extract(r"^((?:19|20)\d{2})$", 1).cast(pl.Int32, strict=False)
    return pl.coalesce(full, alone)


def _swapped(dob: pl.Expr) -> pl.Expr:
    """The date with day and month exchanged, when that is a date too."""
    day, month = dob.dt.day(), dob.dt.month()
    return (
        pl.when((day <= 12) & (day != month))
        .then(pl.date(dob.dt.year(), day, month))
        .dt.strftime("%Y-%m-%d")
    )


ADDRESS_WORDS = {
    "DUSUN": "DSN", "DUS": "DSN", "JALAN": "JL", "JLN": "JL", "GANG": "GG", "KAMPUNG": "KP", "KAMP": "KP",
    "KAMPONG": "KP", "DESA": "DS", "NOMOR": "NO", "NMR": "NO", "PERUMAHAN": "PERUM", "LINGKUNGAN": "LINGK",
    "LINK": "LINGK", "LK": "LINGK", "BLOK": "BLOK", "BLK": "BLOK",
}


def address_expr(value: pl.Expr) -> pl.Expr:
    """An address in one writing: abbreviations, RT/RW without leading zeros, no punctuation."""
    upper = value.str.to_uppercase()
    upper = upper.str.replace_all(r"\bRT\W*0*(\d+)", " RT$1 ").str.replace_all(r"\bRW\W*0*(\d+)", " RW$1 ")
    tokens = upper.str.replace_all(r"[^A-Z0-9]+", " ").str.strip_chars().str.split(" ")
    joined = tokens.list.eval(pl.element().filter(pl.element() != "").replace(ADDRESS_WORDS)).list.join(" ")
    return pl.when(joined != "").then(joined)


def village_expr(value: pl.Expr) -> pl.Expr:
    """A dotted code (`PP.RR.DD.VVVV`, `PP.RR.DD` or `PP.RR`) from a dotted or undotted one."""
    digits = value.str.replace_all(r"[^0-9]", "")
    dotted = (
        pl.when(digits.str.len_chars() == 10)
        .then(digits.str.slice(0, 2) + "." + digits.str.slice(2, 2) + "." + digits.str.slice(4, 2) + "."
              + digits.str.slice(6, 4))
        .when(digits.str.len_chars() == 6)
        .then(digits.str.slice(0, 2) + "." + digits.str.slice(2, 2) + "." + digits.str.slice(4, 2))
        .when(digits.str.len_chars() == 4)
        .then(digits.str.slice(0, 2) + "." + digits.str.slice(2, 2))
    )
    return dotted


def read_mapping(text: str, option: str) -> dict[str, str]:
    """`KEY=COLUMN,...` as a dict, refusing unknown keys with the option that named them."""
    mapping: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        key, sep, column = part.partition("=")
        key, column = key.strip(), column.strip()
        if not sep or not column:
            raise ValueError(f"{option}: '{part}' is not KEY=COLUMN")
        if key not in KEYS:
            raise ValueError(f"{option}: unknown key '{key}' (one of {', '.join(KEYS)})")
        mapping[key] = column
    missing = [key for key in REQUIRED if key not in mapping]
    if missing:
        raise ValueError(f"{option}: {', '.join(missing)} must be mapped to a column")
    return mapping


def renamed(frame: pl.DataFrame, mapping: dict[str, str], label: str) -> pl.DataFrame:
    """The mapped columns of a file under their key names, refusing columns the file lacks."""
    absent = [column for column in mapping.values() if column not in frame.columns]
    if absent:
        raise ValueError(f"{label}: no column {', '.join(repr(c) for c in absent)} "
                         f"(the file has {', '.join(frame.columns[:20])})")
    return frame.select(pl.col(column).alias(key) for key, column in mapping.items())


def unique_ids(frame: pl.DataFrame, label: str) -> None:
    """Refuse a file whose record ids are blank or repeated: links would be ambiguous."""
    blank = frame.filter(pl.col("record_id").is_null()).height
    if blank:
        raise ValueError(f"{label}: {blank} record(s) without a record_id")
    repeated: Sequence[str] = frame.filter(pl.col("record_id").is_duplicated())["record_id"].unique().head(3).to_list()
    if repeated:
        raise ValueError(f"{label}: record_id repeated ({', '.join(repeated)})")
