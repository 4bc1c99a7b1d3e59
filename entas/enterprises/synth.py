"""Synthetic KUMKM data for demos and benchmarks: enterprises owned by people of the registry,
Koperasi Desa Merah Putih and other cooperatives in their villages, and (when loaded) members,
business units, jobs and groups linking them to the demo households.

Everything is drawn column by column from one `numpy.random.default_rng(seed)` and assembled in
Polars, never row by row, so the same seed gives the same files. The people
come from the registry tables or from the CSV files `entas synth` writes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from entas.enterprises.synth_links import within
from entas.registry.models import Person

REFERENCE = date(2025, 7, 31)  # fixed, not today: the same seed must give the same files
# (KBLI code, version, share, name prefix). Shares follow the usual mix of UMKM: trade and food first.
SECTORS: tuple[tuple[str, str, float, str], ...] = (
    ("47112", "2020", 0.20, "Toko Kelontong"), ("56102", "2020", 0.10, "Warung Makan"),
    ("56103", "2020", 0.06, "Kedai"), ("56104", "2020", 0.06, "Jajanan Keliling"),
    ("10794", "2020", 0.06, "Keripik"), ("10710", "2020", 0.05, "Roti dan Kue"), ("10391", "2020", 0.03, "Tempe"),
    ("10392", "2020", 0.03, "Tahu"), ("01122", "2020", 0.08, "Tani Padi"), ("01133", "2020", 0.04, "Sayur"),
    ("01462", "2020", 0.03, "Ternak Ayam"), ("14120", "2020", 0.05, "Jahit"), ("13134", "2020", 0.02, "Batik"),
    ("31001", "2020", 0.02, "Mebel"), ("45405", "2020", 0.05, "Bengkel Motor"),
    ("95210", "2020", 0.03, "Servis Elektronik"), ("47711", "2020", 0.03, "Toko Pakaian"),
    ("56303", "2020", 0.03, "Kafe"), ("10211", "2025", 0.02, "Ikan Asin"), ("10212", "2025", 0.01, "Ikan Asap"),
)
LEGAL_FORMS = ("individual", "pt_individual", "cv", "pt")
ENTERPRISE_COLUMNS = ("nib", "name", "owner_nik", "owner_name", "village_code", "kbli_code", "kbli_version",
                      "capital", "annual_sales", "workers", "legal_form", "status", "founded")
COOPERATIVE_COLUMNS = ("registration_number", "name", "type", "village_code", "legal_entity_number", "founded")
NIB_BASE = 9_100_000_000_000
NIB_STEP = 7_919  # prime, so i -> (i * step) mod 10^12 never repeats


@dataclass(frozen=True)
class Population:
    """Adults who may own, join or work: NIK, name, sex, village, decile."""

    people: pl.DataFrame


@dataclass(frozen=True)
class KumkmTables:
    enterprises: pl.DataFrame
    cooperatives: pl.DataFrame


def from_files(folder: Path) -> Population:
    homes = pl.read_csv(folder / "households.csv", columns=["kk_number", "village_code", "decile"],
                        schema_overrides={"kk_number": pl.String})
    people = pl.read_csv(folder / "people.csv", columns=["nik", "kk_number", "full_name", "sex", "birth_date"],
                         schema_overrides={"nik": pl.String, "kk_number": pl.String})
    return _adults(people.join(homes, on="kk_number", how="inner"))


def from_database(regions: Sequence[str]) -> Population:
    rows = Person.objects.filter(within("household__village_id", regions), household__isnull=False).values_list(
        "nik", "full_name", "sex", "birth_date", "household__village_id", "household__decile")
    frame = pl.DataFrame(list(rows), orient="row", schema={
        "nik": pl.String, "full_name": pl.String, "sex": pl.String, "birth_date": pl.Date,
        "village_code": pl.String, "decile": pl.Int64})
    return _adults(frame.with_columns(pl.col("birth_date").cast(pl.String)))


def _adults(frame: pl.DataFrame) -> Population:
    born = pl.col("birth_date").str.slice(0, 4).cast(pl.Int64, strict=False)
    adults = frame.filter((REFERENCE.year - born).is_between(18, 70)).select(
        "nik", "full_name", "sex", "village_code", pl.col("decile").fill_null(5))
    return Population(adults.sort("nik"))


def generate(population: Population, enterprises: int, seed: int = 42) -> KumkmTables:
    rng = np.random.default_rng(seed)
    return KumkmTables(_enterprises(rng, population.people, enterprises), _cooperatives(rng, population.people))


def _enterprises(rng: np.random.Generator, people: pl.DataFrame, n: int) -> pl.DataFrame:
    if people.height == 0 or n == 0:
        return pl.DataFrame(schema=dict.fromkeys(ENTERPRISE_COLUMNS, pl.String))
    owners = people[rng.choice(people.height, n, replace=n > people.height)]
    poor = owners["decile"].to_numpy() <= 2
    shares = np.array([s[2] for s in SECTORS])
    sector = rng.choice(len(SECTORS), n, p=shares / shares.sum())
    formal = rng.random(n) < np.where(poor, 0.3, 0.6)
    capital = np.round(rng.lognormal(np.where(poor, np.log(5e6), np.log(25e6)), 1.2), -3).astype(np.int64)
    sales = np.round(capital * rng.lognormal(np.log(3), 0.6, n), -3).astype(np.int64)
    has_sales = rng.random(n) < 0.85
    founded = np.datetime64(REFERENCE) - rng.integers(30, 15 * 365, n).astype("timedelta64[D]")
    frame = owners.with_columns(
        nib=pl.Series(NIB_BASE + (np.arange(n, dtype=np.int64) * NIB_STEP) % 10**12).cast(pl.String),
        formal=pl.Series(formal), prefix=pl.Series([s[3] for s in SECTORS])[sector],
        kbli_code=pl.Series([s[0] for s in SECTORS])[sector], kbli_version=pl.Series([s[1] for s in SECTORS])[sector],
        capital=pl.Series(capital), annual_sales=pl.Series(np.where(has_sales, sales, -1)),
        workers=pl.Series(1 + rng.poisson(np.where(poor, 0.4, 1.2))),
        legal_form=pl.Series(LEGAL_FORMS)[rng.choice(4, n, p=(0.7, 0.15, 0.1, 0.05))],
        status=pl.Series(np.where(rng.random(n) < 0.95, "active", "closed")),
        founded=pl.Series(founded.astype("datetime64[D]")).cast(pl.String),
    )
    return frame.select(_enterprise_columns())


def _enterprise_columns() -> list[pl.Expr | str]:
    title = pl.when(pl.col("sex") == "P").then(pl.lit("Bu")).otherwise(pl.lit("Pak"))
    first = pl.col("full_name").str.split(" ").list.first()
    name = pl.concat_str([pl.col("prefix"), title, first], separator=" ")
    # The same owner may draw the same sector twice: a number keeps the informal key unique.
    repeat = pl.int_range(pl.len()).over("nik", name)
    name = pl.when(repeat == 0).then(name).otherwise(pl.concat_str([name, (repeat + 1).cast(pl.String)], separator=" "))
    return [
        pl.when(pl.col("formal")).then(pl.col("nib")).alias("nib"), name.alias("name"),
        pl.col("nik").alias("owner_nik"), pl.col("full_name").alias("owner_name"), "village_code", "kbli_code",
        "kbli_version", "capital",
        pl.when(pl.col("annual_sales") >= 0).then(pl.col("annual_sales")).alias("annual_sales"),
        "workers", pl.when(pl.col("formal")).then(pl.col("legal_form")).otherwise(pl.lit("individual"))
        .alias("legal_form"), "status", "founded",
    ]


def _cooperatives(rng: np.random.Generator, people: pl.DataFrame) -> pl.DataFrame:
    villages = people.select(pl.col("village_code").unique().sort())
    n = villages.height
    merah_putih = rng.random(n) < 0.7
    other = rng.random(n) < 0.15
    kinds = np.array(["savings_loan", "producer", "marketing", "consumer"])[rng.integers(0, 4, n)]
    place = pl.col("village_code")
    both = pl.concat([
        villages.filter(pl.Series(merah_putih)).with_columns(type=pl.lit("merah_putih")),
        villages.filter(pl.Series(other)).with_columns(type=pl.Series(kinds[other])),
    ]).sort("village_code", "type")
    serial = pl.int_range(1, pl.len() + 1)
    label = pl.when(pl.col("type") == "merah_putih").then(pl.lit("Koperasi Desa Merah Putih")).otherwise(
        pl.lit("Koperasi"))
    return both.select(
        pl.concat_str([place.str.replace_all(".", "", literal=True), serial.cast(pl.String).str.zfill(4)])
        .alias("registration_number"),
        pl.concat_str([label, place.str.slice(9)], separator=" ").alias("name"), "type", "village_code",
        pl.format("AHU-{}.AH.01.29.TAHUN 2025", serial.cast(pl.String).str.zfill(7)).alias("legal_entity_number"),
        pl.lit("2025-07-21").alias("founded"),
    )


def write_tables(tables: KumkmTables, out_dir: Path) -> list[tuple[Path, int]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("enterprises.csv", tables.enterprises), ("cooperatives.csv", tables.cooperatives)):
        frame.write_csv(out_dir / name)
        written.append((out_dir / name, frame.height))
    return written
