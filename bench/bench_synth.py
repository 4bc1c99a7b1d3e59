"""Benchmark `entas synth`: the vectorised generator on a million people, beside a naive per-row
Python + Faker loop on a small sample, extrapolated. Prints numbers only; asserts nothing.

    .venv/bin/python bench/bench_synth.py [--people 1000000] [--naive-people 20000] [--extracts 8]

`--extracts N` (N > 1) times `entas synth --extracts N --programme-share 0.3` instead: the three
tables, N quarterly extracts with a planted programme, and their CSV files.
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "entas.settings"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError  # noqa: E402
from faker import Faker  # noqa: E402

from entas.regions.loader import load_regions  # noqa: E402
from entas.regions.models import Region  # noqa: E402
from entas.registry import synth  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--naive-people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--extracts", type=int, default=1)
    args = parser.parse_args()
    ensure_regions()
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        if args.extracts > 1:
            bench_extracts(args.people, args.seed, args.extracts, Path(tmp) / "extracts")
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"  peak memory (ru_maxrss)  {peak_mb:,.0f} MB")
            return
        fast = bench_vectorised(args.people, args.seed, Path(tmp) / "vectorised")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
        print(f"  peak memory (ru_maxrss)  {peak_mb:,.0f} MB")
        slow = bench_naive(args.naive_people, args.people, args.seed, Path(tmp) / "naive")
    print(f"\nratio: the vectorised generator is {slow / fast:,.0f}x faster than the naive loop")


def ensure_regions() -> None:
    try:
        loaded = Region.objects.filter(level=4).exists()
    except DatabaseError:
        loaded = False
    if not loaded:
        print("No regions in the database yet: migrating and loading them first (not timed).")
        call_command("migrate", interactive=False, verbosity=0)
        load_regions()


def bench_vectorised(people: int, seed: int, out: Path) -> float:
    print(f"entas synth: {people:,} people, seed {seed}, regions {','.join(synth.DEFAULT_REGIONS)}")
    print("vectorised (NumPy + Polars)")
    started = time.perf_counter()
    geo = synth.load_geography(synth.DEFAULT_REGIONS, synth.DEFAULT_POOR_REGIONS)
    loaded = time.perf_counter()
    tables = synth.generate(geo, synth.SynthConfig(people=people, seed=seed))
    generated = time.perf_counter()
    written = synth.write_tables(tables, out)
    finished = time.perf_counter()
    total = finished - started
    print(f"  regions from database    {loaded - started:7.2f} s")
    print(f"  generate                 {generated - loaded:7.2f} s")
    print(f"  write CSV                {finished - generated:7.2f} s")
    print(f"  total                    {total:7.2f} s   {people / total:,.0f} people/s")
    print("  rows: " + ", ".join(f"{path.name} {rows:,}" for path, rows in written))
    return total


def bench_extracts(people: int, seed: int, extracts: int, out: Path) -> None:
    print(f"entas synth --extracts {extracts} --programme-share 0.3: {people:,} people, seed {seed}")
    started = time.perf_counter()
    geo = synth.load_geography(synth.DEFAULT_REGIONS, synth.DEFAULT_POOR_REGIONS)
    loaded = time.perf_counter()
    options = synth.ExtractConfig(extracts=extracts, programme_share=0.3, effect=0.08)
    tables, panel = synth.generate_extracts(geo, synth.SynthConfig(people=people, seed=seed), options)
    generated = time.perf_counter()
    written = synth.write_tables(tables, out) + synth.write_extracts(panel, out)
    finished = time.perf_counter()
    print(f"  regions from database    {loaded - started:7.2f} s")
    print(f"  generate (with extracts) {generated - loaded:7.2f} s")
    print(f"  write CSV                {finished - generated:7.2f} s")
    print(f"  total                    {finished - started:7.2f} s")
    print("  rows: " + ", ".join(f"{path.name} {rows:,}" for path, rows in written))


# --- the naive way: one Python iteration and several Faker calls per person ----------------------


def bench_naive(sample: int, target: int, seed: int, out: Path) -> float:
    villages = list(
        Region.objects.filter(level=4, code__regex=r"^(33\.10|53\.01|32\.04|73\.71|35\.26)\.")
        .values_list("code", flat=True)
    )
    started = time.perf_counter()
    naive_synth(sample, villages, seed, out)
    seconds = time.perf_counter() - started
    extrapolated = seconds * target / max(sample, 1)
    print(f"naive per-row Python + Faker ({sample:,} people, extrapolated to {target:,})")
    print(f"  measured                 {seconds:7.2f} s   {sample / seconds:,.0f} people/s")
    print(f"  extrapolated             {extrapolated:7.2f} s")
    return extrapolated


PKH_QUARTERLY = {"early_childhood": 750_000, "sd": 225_000, "smp": 375_000, "sma": 500_000, "elderly": 600_000}


def naive_synth(people: int, villages: list[str], seed: int, out: Path) -> None:
    """The same files written the obvious way: a loop over households and people, Faker per name."""
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    with (
        (out / "households.csv").open("w", newline="") as h_file,
        (out / "people.csv").open("w", newline="") as p_file,
        (out / "assistance.csv").open("w", newline="") as a_file,
    ):
        writers = csv.writer(h_file), csv.writer(p_file), csv.writer(a_file)
        written = serial = 0
        while written < people:
            serial += 1
            written += naive_household(fake, rnd, rnd.choice(villages), serial, people - written, writers)


def naive_household(fake: Faker, rnd: random.Random, village: str, serial: int, room: int, writers: tuple) -> int:
    households, persons, receipts = writers
    reference = date(2025, 7, 31)
    decile = rnd.choices(range(1, 11), weights=[20, 17, 14, 12, 10, 8, 6, 5, 4, 4])[0]
    size = min(1 + rnd.randint(0, 7 - decile // 3), room)
    kk = f"{village[:8].replace('.', '')}{reference:%d%m%y}{serial % 10_000:04d}"
    better = decile / 10
    households.writerow([
        kk, village, fake.street_address(), decile, "DTSEN", reference.isoformat(),
        rnd.randint(300_000, 600_000 * decile),
        rnd.choices(["earth", "wood", "cement", "ceramic"], [1, 1, 1, better])[0],
        rnd.choices(["bamboo", "wood", "brick"], [1 - better, 1, better])[0], rnd.choice(["zinc", "tile", "asbestos"]),
        rnd.choices(["river", "protected_well", "piped"], [1 - better, 1, better])[0], rnd.choice(["none", "own"]),
        rnd.choice([450, 900, 1300]), rnd.choice(["wood", "lpg_3kg"]),
        ";".join(a for a in ("motorcycle", "tv", "smartphone", "car") if rnd.random() < better), int(decile == 1),
    ])
    for position in range(size):
        female = rnd.random() < 0.5
        age = rnd.randint(20, 80) if position == 0 else rnd.randint(0, 60)
        birth = reference - timedelta(days=age * 365 + rnd.randint(0, 364))
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name_female() if female else fake.last_name_male()
        name = f"{first} {last}" if rnd.random() < 0.65 else first
        nik = f"{kk[:6]}{birth.day + 40 * female:02d}{birth:%m%y}{rnd.randint(1, 9999):04d}"
        persons.writerow([
            nik, kk, name, "P" if female else "L", birth.isoformat(), fake.city(),
            "head" if position == 0 else "child", rnd.choice(["none", "sd", "smp", "sma"]),
            rnd.choices(["farmer", "labourer", "trader", "student"], [3, 3, 2, 2])[0],
            rnd.choices(["none", "physical"], [97, 3])[0], rnd.choice(["single", "married"]),
        ])
        component = naive_pkh_component(age)
        if decile <= 4 and component:
            receipts.writerow([kk, nik, "PKH", component, "2025-Q2", PKH_QUARTERLY[component]])
        for month in ("2025-04", "2025-05", "2025-06"):
            if decile <= 5:
                receipts.writerow([kk, nik, "PBI_JKN", "", month, 42_000])
            if decile <= 5 and position == 0:
                receipts.writerow([kk, "", "SEMBAKO", "", month, 200_000])
    return size


def naive_pkh_component(age: int) -> str | None:
    for component, top in (("early_childhood", 6), ("sd", 12), ("smp", 15), ("sma", 18)):
        if age <= top:
            return component
    return "elderly" if age >= 60 else None


if __name__ == "__main__":
    main()
