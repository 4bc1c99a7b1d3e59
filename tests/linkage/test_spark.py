"""The linkage model on Spark (Splink's Spark backend, local mode) against the same run on DuckDB.

A small, realistic pair of files is built here with a fixed seed: a registry of people in
households (twins, family members sharing a No. KK and an address) and a source file of records
derived from some of them with the noise agency files carry (blank, mistyped or +40-less NIKs,
Excel's zeroed last digit, titles and old spellings in names, swapped or partial birth dates,
district-only village codes), plus people who are not in the registry, some of them namesakes.

Needs pyspark (the `spark` extra) and Java 17+: without them the test is skipped on a laptop and
fails in CI (CI=true), where scripts/test.sh installs Java.
"""

import os
import random
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest

from entas.linkage.run import Result, link

pytestmark = pytest.mark.spark

SEED = 20250617
REGISTRY_PEOPLE = 1500
SOURCE_MATCHES = 340
SOURCE_OTHERS = 60


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def _missing() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return 'pyspark is not installed (pip install -e ".[dev,spark]"; `make test` does it)'
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        return "no Java (install Debian's default-jre-headless; scripts/test.sh does it when run as root)"
    shown = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    found = re.search(r'version "(?:1\.)?(\d+)', shown)
    if not found or int(found.group(1)) < 17:
        return f"Spark 4 needs Java 17 or newer, {java} is {found.group(1) if found else 'of no known version'}"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = _missing()
    if reason:
        if _in_ci():
            pytest.fail(f"CI must run the Spark test: {reason}")
        pytest.skip(f"Spark test skipped: {reason}")
    from entas.linkage.spark import spark_session

    checkpoints = str(tmp_path_factory.mktemp("spark-checkpoints"))
    session = spark_session("local[2]", "entas-link-test", partitions=4, checkpoint_dir=checkpoints,
                            driver_memory="1g")
    # Splink reads back the Parquet folders it wrote, whose names start with "__": Spark warns of
    # each ("All paths were ignored") though it reads them. Errors only.
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# --- a small registry and a noisy source file ----------------------------------------------------

MALE = ("Budi", "Agus", "Slamet", "Joko", "Bambang", "Hendra", "Rudi", "Eko", "Dedi", "Yusuf", "Ahmad", "Wahyu",
        "Iwan", "Sutrisno", "Made", "Ketut", "Andi", "Rahmat", "Supriyadi", "Teguh", "Heru", "Dimas", "Fajar",
        "Arif", "Yoga", "Gede", "Nyoman", "Darmawan", "Suryadi", "Haryanto")
FEMALE = ("Siti", "Sri", "Dewi", "Rina", "Ani", "Yuni", "Wati", "Lestari", "Nur", "Aminah", "Fitri", "Ratna",
          "Endang", "Suryani", "Wulan", "Putu", "Kadek", "Indah", "Rahayu", "Sari", "Maya", "Dian", "Ayu",
          "Kartini", "Purwanti", "Utami", "Handayani", "Susanti", "Nurhayati", "Yulianti")
FAMILY = ("Santoso", "Wijaya", "Saputra", "Hidayat", "Kurniawan", "Setiawan", "Pratama", "Nugroho", "Susilo",
          "Gunawan", "Purnomo", "Hartono", "Sihombing", "Siregar", "Nasution", "Wibowo", "Prasetyo", "Halim",
          "Firmansyah", "Ramadhan", "Syahputra", "Sulistyo", "Utomo", "Kusuma", "Permana")
# Each regency with its districts and each district's villages: PP.RR.DD.VVVV.
REGENCIES = {"33.10": 4, "32.04": 3, "35.26": 3}
VILLAGES_PER_DISTRICT = 4
STREETS = ("Dusun Krajan", "Jalan Merdeka", "Gang Melati", "Kampung Baru", "Jalan Pemuda", "Dusun Karanganyar",
           "Jalan Diponegoro", "Perumahan Griya Asri", "Dusun Sumberejo", "Jalan Kartini")


def _nik(village: str, born: date, female: bool, serial: int) -> str:
    day = born.day + (40 if female else 0)
    return village[:8].replace(".", "") + f"{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _registry(rng: random.Random) -> list[dict[str, Any]]:
    villages = [f"{regency}.{district:02d}.{2000 + village:04d}"
                for regency, districts in REGENCIES.items()
                for district in range(1, districts + 1) for village in range(1, VILLAGES_PER_DISTRICT + 1)]
    people: list[dict[str, Any]] = []
    serials: dict[str, int] = {}
    household = 0
    while len(people) < REGISTRY_PEOPLE:
        household += 1
        village = rng.choice(villages)
        kk = village[:8].replace(".", "") + f"{rng.randint(10, 31):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
        kk += f"{household:04d}"
        family = rng.choice(FAMILY)
        address = f"{rng.choice(STREETS)} RT {rng.randint(1, 12):02d} RW {rng.randint(1, 6):02d}"
        head_born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 40))
        members: list[tuple[bool, date]] = [(False, head_born),
                                             (True, head_born + timedelta(days=rng.randint(-2000, 2000)))]
        children = rng.choice((0, 1, 2, 2, 3, 3, 4))
        for _ in range(children):
            members.append((rng.random() < 0.5, head_born + timedelta(days=rng.randint(7000, 14000))))
        if children and rng.random() < 0.04:  # twins: same birth date, the next serials
            members.append((rng.random() < 0.5, members[-1][1]))
        for female, born in members:
            key = village[:8] + born.isoformat()
            serials[key] = serials.get(key, 0) + 1
            given = rng.choice(FEMALE if female else MALE)
            name = f"{given} {rng.choice(FEMALE if female else MALE)} {family}" if rng.random() < 0.4 \
                else f"{given} {family}"
            people.append({
                "record_id": f"A{len(people) + 1:05d}", "nik": _nik(village, born, female, serials[key]),
                "kk_number": kk, "name": name, "sex": "P" if female else "L",
                "birth_date": born.strftime("%d-%m-%Y"), "address": address, "village_code": village,
            })
    return people[:REGISTRY_PEOPLE]


def _typo(rng: random.Random, digits: str) -> str:
    at = rng.randrange(12, len(digits))
    return digits[:at] + str((int(digits[at]) + rng.randint(1, 9)) % 10) + digits[at + 1:]


def _noisy_nik(rng: random.Random, person: dict[str, Any]) -> str | None:
    nik: str = person["nik"]
    roll = rng.random()
    if roll < 0.08:
        return None
    if roll < 0.13:
        return _typo(rng, nik)
    if roll < 0.17 and person["sex"] == "P":
        return nik[:6] + f"{int(nik[6:8]) - 40:02d}" + nik[8:]  # written without the woman's +40
    if roll < 0.20:
        return nik[:15] + "0"  # Excel's zeroed last digit
    if roll < 0.23:
        return f"'{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"  # formatted, with Excel's apostrophe
    return nik


def _noisy_name(rng: random.Random, name: str, sex: str) -> str:
    roll = rng.random()
    words = name.split()
    if roll < 0.10:
        return ("Hj. " if sex == "P" else "H. ") + name
    if roll < 0.18:
        return name.replace("u", "oe", 1).replace("j", "dj", 1)  # old spelling
    if roll < 0.26 and len(words) > 2:
        return f"{words[0]} {words[-1]}"  # a middle name dropped
    if roll < 0.32:
        return " ".join(reversed(words))
    if roll < 0.40:
        at = rng.randrange(1, len(name) - 1)
        return name[:at] + name[at + 1:]  # a letter dropped
    if roll < 0.45:
        return name.upper() + ", S.Pd."
    return name


def _noisy_date(rng: random.Random, written: str) -> str | None:
    day, month, year = written.split("-")
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.11 and int(day) <= 12:
        return f"{month}/{day}/{year}"  # day and month swapped
    if roll < 0.16:
        return year
    if roll < 0.20:
        return f"{year}-{month}-{day}"  # ISO
    return written


def _source(rng: random.Random, people: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    records: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for person in rng.sample(people, SOURCE_MATCHES):
        record_id = f"B{len(records) + 1:05d}"
        truth[record_id] = person["record_id"]
        village = person["village_code"]
        roll = rng.random()
        records.append({
            "record_id": record_id,
            "nik": _noisy_nik(rng, person),
            "kk_number": None,
            "name": _noisy_name(rng, person["name"], person["sex"]),
            "sex": None if rng.random() < 0.1 else ("Perempuan" if person["sex"] == "P" else "Laki-laki"),
            "birth_date": _noisy_date(rng, person["birth_date"]),
            "address": None if rng.random() < 0.15 else person["address"].upper().replace("JALAN", "JL."),
            "village_code": None if roll < 0.05 else village[:8] if roll < 0.2 else village.replace(".", ""),
        })
    for number in range(SOURCE_OTHERS):
        record_id = f"B{len(records) + 1:05d}"
        kin = rng.choice(people)
        female = rng.random() < 0.5
        born = date(1955, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
        village = kin["village_code"]
        # A third are namesakes of a registry person in another district; the rest outsiders.
        name = kin["name"] if number % 3 == 0 else f"{rng.choice(FEMALE if female else MALE)} {rng.choice(FAMILY)}"
        records.append({
            "record_id": record_id,
            "nik": None if rng.random() < 0.2 else _nik(village, born, female, 7000 + number),
            "kk_number": None,
            "name": name,
            "sex": "P" if female else "L",
            "birth_date": born.strftime("%d-%m-%Y"),
            "address": f"{rng.choice(STREETS)} RT {rng.randint(1, 12)}",
            "village_code": village[:5] + ".09" if number % 3 == 0 else village,
        })
    return records, truth


def _frames() -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    rng = random.Random(SEED)
    people = _registry(rng)
    records, truth = _source(rng, people)
    schema = dict.fromkeys(people[0], pl.String)
    return pl.DataFrame(people, schema=schema), pl.DataFrame(records, schema=schema), truth


# --- the test ------------------------------------------------------------------------------------

def _best(result: Result) -> dict[str, tuple[str, str]]:
    return {row["record_id_b"]: (row["record_id_a"], row["band"])
            for row in result.candidates.select("record_id_b", "record_id_a", "band").iter_rows(named=True)}


def test_the_model_runs_on_spark_as_on_duckdb(spark: Any) -> None:
    from entas.linkage.spark import spark_api

    a, b, truth = _frames()
    assert (a.height, b.height) == (REGISTRY_PEOPLE, SOURCE_MATCHES + SOURCE_OTHERS)

    started = time.perf_counter()
    on_duckdb = link(a, b)
    duckdb_seconds = time.perf_counter() - started
    started = time.perf_counter()
    on_spark = link(a, b, api=spark_api(spark))
    spark_seconds = time.perf_counter() - started

    # (a) Spark ran the whole job (training, scoring, decisions) with the same model.
    assert on_spark.report.pairs_scored > 0
    assert on_spark.candidates.height >= 0.9 * on_duckdb.candidates.height
    assert set(on_spark.candidates.columns) == set(on_duckdb.candidates.columns)

    # (b) The two backends give the same best candidate in the same band for nearly every record.
    duck, spk = _best(on_duckdb), _best(on_spark)
    agree = sum(1 for record in b["record_id"] if duck.get(record) == spk.get(record))
    share = agree / b.height
    accepted_duck = {record for record, (_, band) in duck.items() if band == "accepted"}
    accepted_spark = {record for record, (_, band) in spk.items() if band == "accepted"}
    summary = (f"agree on {agree}/{b.height} ({share:.1%}); accepted {len(accepted_duck)} on DuckDB, "
               f"{len(accepted_spark)} on Spark; DuckDB {duckdb_seconds:.0f} s, Spark {spark_seconds:.0f} s")
    print(summary)
    assert share >= 0.95, summary

    # Trained on the same pairs, the two backends weigh a shared best pair nearly alike.
    both = on_duckdb.candidates.join(on_spark.candidates, on=["record_id_a", "record_id_b"], suffix="_spark")
    gaps = sorted((both["match_weight"] - both["match_weight_spark"]).abs().to_list())
    median_gap = gaps[len(gaps) // 2] if gaps else 0.0
    assert len(gaps) >= 0.9 * on_duckdb.candidates.height, f"{len(gaps)} best pairs shared"
    assert median_gap <= 0.5, f"match weights apart by {median_gap:.2f} bits (median), {gaps[-1]:.2f} (most)"
    print(f"best pairs shared {len(gaps)}, match weights apart by {median_gap:.3f} (median), {gaps[-1]:.3f} (most)")

    # (c) What Spark accepts is right, and it finds most of the true links.
    correct = sum(1 for record in accepted_spark if truth.get(record) == spk[record][0])
    assert correct >= 0.97 * len(accepted_spark), f"{correct}/{len(accepted_spark)} accepted links correct"
    assert len(accepted_spark) >= 0.6 * SOURCE_MATCHES, summary
