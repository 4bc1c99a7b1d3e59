"""The rejects file in the uploader's language: the same file of bad rows imported side by side by
a batch in English (the reasons as stored) and by one in Bahasa Indonesia (each reason read back
against the message catalogue and translated, entas.core.messages), and the translation alone.

  .venv/bin/python bench/bench_rejects_language.py --db sqlite --rows 100000
  .venv/bin/python bench/bench_rejects_language.py --db postgres --rows 100000

100,000 rows is the rejects file's cap (IMPORT_REJECTS_MAX_ROWS): the most a batch translates.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_programmes import setup  # noqa: E402  (needs ROOT on the path)
from bench.harness import OUT, timed  # noqa: E402

HEADER = ("nik,kk_number,full_name,sex,birth_date,birth_place,relationship,education,occupation,disability,"
          "marital_status")
HOUSEHOLD = ("kk_number,village_code,address,decile,decile_source,decile_date,per_capita_income,floor_material,"
             "wall_material,roof_material,drinking_water,sanitation,electricity_watt,cooking_fuel,assets,extreme_poor\n"
             "3310010201200001,33.10.01.2001,Dusun Krajan,1,DTSEN,2025-07-31,350000,earth,bamboo,zinc,river,none,450,"
             "wood,,1\n")


def bad_rows(n: int) -> str:
    """Every row bad, in the ways field files are: a letter in the NIK, a short NIK, an impossible
    date, a woman's day with sex L, an unknown relationship."""
    kinds = (
        "33100117058{:04d}O,3310010201200001,Budi,L,1980-05-17,Klaten,head,sd,farmer,none,married",
        "3310011705{:05d},3310010201200001,Budi,L,1980-05-17,Klaten,head,sd,farmer,none,married",
        "331001170580{:04d},3310010201200001,Budi,L,1980-02-31,Klaten,head,sd,farmer,none,married",
        "331001570580{:04d},3310010201200001,Siti,L,1980-05-17,Klaten,wife,sd,farmer,none,married",
    )
    return HEADER + "\n" + "\n".join(kinds[i % 4].format(i % 10_000) for i in range(n)) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup(args.db)
    from django.utils import translation

    from entas.core.messages import translate
    from entas.ingest.services import import_file

    folder = OUT / "rejects-language"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "households.csv").write_text(HOUSEHOLD)
    import_file(None, "registry", folder / "households.csv")
    people = folder / "people.csv"
    people.write_text(bad_rows(args.rows))
    times, batches = {}, {}
    for language in ("en", "id"):
        with translation.override(language):
            times[language], batches[language] = timed(f"import, rejects in {language}", lambda: import_file(
                None, "registry", people, mode="accept-valid"))
        assert batches[language].rejected == args.rows, batches[language].error_message
    import polars as pl

    stored = pl.read_csv(batches["en"].rejects_path, infer_schema=False)["_reasons"].to_list()
    with translation.override("id"):
        translated, _ = timed("translation alone (id)", lambda: [translate(r) for r in stored])
    print(f"\nrejects in id / en: {times['id'] / times['en']:.2f}; translation alone: "
          f"{translated / args.rows * 1e6:.1f} µs per row, {translated / times['id']:.0%} of the id import")


if __name__ == "__main__":
    main()
