"""`entas synth`: the files must be structurally right row by row, statistically plausible, and
deterministic. Checks read the CSV files back as text, independently of the generator's code."""

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from faker.providers.person.id_ID import Provider as FakerPeople

from entas.regions.models import Region
from entas.registry import synth as generator

pytestmark = pytest.mark.django_db

PEOPLE = 4000
SEED = 7
ERROR_RATE = 0.1

# docs/data-formats.md, column for column.
HOUSEHOLD_COLUMNS = [
    "kk_number", "village_code", "address", "decile", "decile_source", "decile_date", "per_capita_income",
    "floor_material", "wall_material", "roof_material", "drinking_water", "sanitation", "electricity_watt",
    "cooking_fuel", "assets", "extreme_poor",
]
PEOPLE_COLUMNS = [
    "nik", "kk_number", "full_name", "sex", "birth_date", "birth_place", "relationship", "education",
    "occupation", "disability", "marital_status",
]
ASSISTANCE_COLUMNS = ["kk_number", "nik", "programme", "component", "period", "amount"]
VOCABULARY = {
    "floor_material": {"earth", "bamboo", "wood", "cement", "ceramic"},
    "wall_material": {"bamboo", "wood", "plaster_brick", "brick"},
    "roof_material": {"thatch", "zinc", "asbestos", "tile", "concrete"},
    "drinking_water": {"river", "unprotected_well", "protected_well", "piped", "bottled"},
    "sanitation": {"none", "shared", "own"},
    "electricity_watt": {"0", "450", "900", "1300", "2200"},
    "cooking_fuel": {"wood", "kerosene", "lpg_3kg", "lpg_large", "electric"},
    "extreme_poor": {"0", "1"},
    "sex": {"L", "P"},
    "relationship": {"head", "spouse", "child", "parent", "in_law", "grandchild", "other"},
    "education": {"none", "sd", "smp", "sma", "diploma", "university"},
    "occupation": {
        "none", "farmer", "fisher", "labourer", "trader", "driver", "craftsman", "civil_servant",
        "private_employee", "entrepreneur", "student", "housekeeping", "other",
    },
    "disability": {"none", "physical", "sensory", "intellectual", "mental", "multiple"},
    "marital_status": {"single", "married", "divorced", "widowed"},
}
ASSET_CODES = {"motorcycle", "refrigerator", "tv", "smartphone", "livestock", "land", "boat", "car"}
# DOMAIN-FACTS.md "Social assistance": PKH yearly amounts, paid in 4 stages.
PKH_YEARLY = {
    "pregnant": 3_000_000, "early_childhood": 3_000_000, "sd": 900_000, "smp": 1_500_000, "sma": 2_000_000,
    "severe_disability": 2_400_000, "elderly": 2_400_000,
}
POVERTY_LINE = 600_000
EXTREME_POVERTY_LINE = 391_000
DEFAULT_POOR = ("53.01", "35.26")
NAME_WORDS = set(
    FakerPeople.first_names_male + FakerPeople.first_names_female
    + FakerPeople.last_names_male + FakerPeople.last_names_female
)


@dataclass
class Run:
    out: Path
    output: str
    households: pl.DataFrame
    people: pl.DataFrame
    assistance: pl.DataFrame

    def rows(self, name: str) -> list[dict[str, str]]:
        with (self.out / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))


def synth(out: Path, *args: str) -> Run:
    stdout = StringIO()
    call_command("synth", "--out", str(out), *args, stdout=stdout)

    def read(name: str) -> pl.DataFrame:
        return pl.read_csv(out / name, infer_schema=False)

    return Run(out, stdout.getvalue(), read("households.csv"), read("people.csv"), read("assistance.csv"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: Any, django_db_setup: Any, django_db_blocker: Any) -> Run:
    with django_db_blocker.unblock():
        return synth(tmp_path_factory.mktemp("clean"), "--people", str(PEOPLE), "--seed", str(SEED))


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: Any, django_db_setup: Any, django_db_blocker: Any) -> Run:
    with django_db_blocker.unblock():
        args = ("--people", str(PEOPLE), "--seed", str(SEED), "--errors", str(ERROR_RATE))
        return synth(tmp_path_factory.mktemp("faulty"), *args)


@pytest.fixture(scope="module")
def districts(django_db_setup: Any, django_db_blocker: Any) -> dict[str, str]:
    """Undotted district code -> place name (its regency without 'Kabupaten'/'Kota')."""
    with django_db_blocker.unblock():
        rows = Region.objects.filter(level=3).values_list("code", "parent__name")
        return {code.replace(".", ""): re.sub(r"^(Kabupaten|Kota) ", "", name) for code, name in rows}


def reference_date(run: Run) -> date:
    (extract,) = run.households["decile_date"].unique().to_list()
    return date.fromisoformat(extract)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def people_by_household(run: Run) -> dict[str, list[dict[str, str]]]:
    members: dict[str, list[dict[str, str]]] = defaultdict(list)
    for person in run.rows("people.csv"):
        members[person["kk_number"]].append(person)
    return members


def deciles(run: Run) -> dict[str, int]:
    return {row["kk_number"]: int(row["decile"]) for row in run.rows("households.csv")}


def nik_problem(person: dict[str, str], village_district: str, places: dict[str, str]) -> str | None:
    """What is wrong with this person's NIK, or None."""
    nik = person["nik"]
    if not re.fullmatch(r"\d{16}", nik):
        return "not 16 digits"
    birth = date.fromisoformat(person["birth_date"])
    day = int(nik[6:8]) - (40 if person["sex"] == "P" else 0)
    if (day, int(nik[8:10]), int(nik[10:12])) != (birth.day, birth.month, birth.year % 100):
        return "date or sex does not match"
    if not 1 <= int(nik[12:]) <= 9999:
        return "serial outside 0001-9999"
    region = nik[:6]
    if region == village_district:
        return None if person["birth_place"] == places[region] else "birth place is not the home regency"
    if region not in places:
        return "region is not a real district"
    return None if person["birth_place"] == places[region] else "birth place does not match the NIK region"


# --- files and structure --------------------------------------------------------------------------


def test_it_writes_the_three_files_with_the_documented_columns(clean: Run) -> None:
    assert sorted(p.name for p in clean.out.iterdir()) == ["assistance.csv", "households.csv", "people.csv"]
    assert clean.households.columns == HOUSEHOLD_COLUMNS
    assert clean.people.columns == PEOPLE_COLUMNS
    assert clean.assistance.columns == ASSISTANCE_COLUMNS


def test_it_writes_exactly_the_people_asked_for(clean: Run) -> None:
    assert clean.people.height == PEOPLE
    assert 2.5 < PEOPLE / clean.households.height < 5  # Indonesian families: ~3.8 members


def test_it_reports_files_row_counts_and_seconds(clean: Run) -> None:
    assert f"Wrote {PEOPLE:,} people in {clean.households.height:,} households" in clean.output
    assert re.search(r"in \d+\.\d s", clean.output)
    for name, frame in (
        ("households.csv", clean.households), ("people.csv", clean.people), ("assistance.csv", clean.assistance)
    ):
        assert re.search(rf"{name}\s+{frame.height:,} rows", clean.output)


def test_every_value_is_in_its_documented_vocabulary(clean: Run) -> None:
    for column, allowed in VOCABULARY.items():
        frame = clean.households if column in clean.households.columns else clean.people
        assert set(frame[column].unique().to_list()) <= allowed, column
        assert frame[column].null_count() == 0, column
    for assets in clean.households["assets"].drop_nulls().to_list():
        codes = assets.split(";")
        assert set(codes) <= ASSET_CODES and len(codes) == len(set(codes))
    assert clean.households["decile_source"].unique().to_list() == ["DTSEN"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in clean.people["birth_date"].to_list())


def test_nik_matches_village_birth_date_and_sex_on_every_row(clean: Run, districts: dict[str, str]) -> None:
    villages = {row["kk_number"]: row["village_code"] for row in clean.rows("households.csv")}
    problems: Counter[str | None] = Counter()
    origins: Counter[str] = Counter()
    for person in clean.rows("people.csv"):
        home = villages[person["kk_number"]][:8].replace(".", "")
        problem = nik_problem(person, home, districts)
        problems[problem] += problem is not None
        if person["nik"][:6] != home:
            origins[person["nik"][:6]] += 1
    assert +problems == Counter()
    # Most people were first registered where they live; some elsewhere, from all over the country.
    assert 0.02 < origins.total() / PEOPLE < 0.2
    assert len({code[:2] for code in origins}) > 20


def test_a_woman_has_40_added_to_the_day_of_her_nik(clean: Run) -> None:
    for person in clean.rows("people.csv")[:500]:
        day = int(person["nik"][6:8])
        assert (41 <= day <= 71) == (person["sex"] == "P")


def test_nik_and_kk_numbers_are_unique(clean: Run) -> None:
    assert clean.people["nik"].n_unique() == PEOPLE
    assert clean.households["kk_number"].n_unique() == clean.households.height


def test_kk_numbers_hold_the_issuing_district_an_issue_date_and_a_serial(clean: Run) -> None:
    extract = reference_date(clean)
    for row in clean.rows("households.csv"):
        kk = row["kk_number"]
        assert re.fullmatch(r"\d{16}", kk)
        assert kk[:6] == row["village_code"][:8].replace(".", "")
        issued = date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))  # raises if no such date
        assert date(2005, 1, 1) <= issued <= extract
        assert 1 <= int(kk[12:]) <= 9999


def test_every_person_belongs_to_a_written_household_and_every_household_has_people(clean: Run) -> None:
    households = set(clean.households["kk_number"].to_list())
    assert set(clean.people["kk_number"].to_list()) == households
    assert set(clean.assistance["kk_number"].to_list()) <= households


def test_every_household_has_exactly_one_head(clean: Run) -> None:
    heads = Counter(p["kk_number"] for p in clean.rows("people.csv") if p["relationship"] == "head")
    assert set(heads) == set(clean.households["kk_number"].to_list())
    assert set(heads.values()) == {1}


def test_relationships_are_plausible(clean: Run) -> None:
    extract = reference_date(clean)
    for members in people_by_household(clean).values():
        age = {p["nik"]: age_on(date.fromisoformat(p["birth_date"]), extract) for p in members}
        (head,) = [p for p in members if p["relationship"] == "head"]
        head_age = age[head["nik"]]
        assert 20 <= head_age <= 80
        spouses = [p for p in members if p["relationship"] == "spouse"]
        assert len(spouses) <= 1
        for person in members:
            relationship, years = person["relationship"], age[person["nik"]]
            if relationship == "spouse":
                assert years >= 18 and person["sex"] != head["sex"] and person["marital_status"] == "married"
            elif relationship == "child":
                assert head_age - years >= 12, (head_age, years)
            elif relationship == "grandchild":
                assert head_age - years >= 30
            elif relationship == "parent":
                assert years - head_age >= 15
            elif relationship == "in_law":
                assert years >= 18
            if years < 15:
                assert person["marital_status"] == "single"


def test_ages_follow_a_population_pyramid(clean: Run) -> None:
    extract = reference_date(clean)
    ages = [age_on(date.fromisoformat(d), extract) for d in clean.people["birth_date"].to_list()]
    under_15 = sum(a < 15 for a in ages) / len(ages)
    working = sum(15 <= a < 65 for a in ages) / len(ages)
    elderly = sum(a >= 65 for a in ages) / len(ages)
    # Indonesia 2020 census: ~24% under 15, ~70% 15-64, ~6% 65+.
    assert 0.18 < under_15 < 0.35 and 0.55 < working < 0.78 and 0.02 < elderly < 0.12
    assert max(ages) <= 100 and min(ages) >= 0


def test_village_codes_are_real_and_inside_the_chosen_regions(clean: Run) -> None:
    codes = set(clean.households["village_code"].to_list())
    assert Region.objects.filter(level=4, code__in=codes).count() == len(codes)
    assert {code[:5] for code in codes} == {"33.10", "53.01", "32.04", "73.71", "35.26"}


def test_names_come_from_fakers_indonesian_lists(clean: Run) -> None:
    words = {word for name in clean.people["full_name"].to_list() for word in name.split(" ")}
    assert words <= NAME_WORDS
    assert len(words) > 300  # sampled widely, not a handful of names


# --- deciles, income, housing ---------------------------------------------------------------------


def test_deciles_run_from_1_to_10_and_lean_poor_in_poor_regions(clean: Run) -> None:
    frame = clean.households.with_columns(
        pl.col("decile").cast(pl.Int64), pl.col("village_code").str.slice(0, 5).is_in(DEFAULT_POOR).alias("poor")
    )
    assert set(frame["decile"].unique().to_list()) == set(range(1, 11))
    shares = dict(frame.group_by("poor").agg((pl.col("decile") <= 2).mean()).iter_rows())
    assert shares[True] > shares[False] + 0.1, shares


def test_income_is_consistent_with_decile_and_the_poverty_line(clean: Run) -> None:
    frame = clean.households.with_columns(pl.col("decile", "per_capita_income", "extreme_poor").cast(pl.Int64))
    medians = frame.group_by("decile").agg(pl.col("per_capita_income").median()).sort("decile")
    median = medians["per_capita_income"].to_list()
    assert median == sorted(median)
    assert median[0] < 0.75 * POVERTY_LINE  # desil 1 well below the line
    assert frame.filter(pl.col("decile") <= 2)["per_capita_income"].max() <= POVERTY_LINE  # type: ignore[operator]
    assert frame.filter(pl.col("decile") >= 4)["per_capita_income"].min() > POVERTY_LINE  # type: ignore[operator]
    extreme = frame["per_capita_income"] < EXTREME_POVERTY_LINE
    assert (frame["extreme_poor"] == extreme.cast(pl.Int64)).all()
    assert frame.filter(pl.col("extreme_poor") == 1)["decile"].unique().to_list() == [1]


def test_housing_and_assets_improve_with_decile(clean: Run) -> None:
    asset_count = pl.col("assets").str.count_matches(";").fill_null(-1) + 1
    band_of = pl.when(pl.col("decile") <= 2).then(pl.lit("poor")).when(pl.col("decile") >= 9).then(pl.lit("rich"))
    frame = clean.households.with_columns(pl.col("decile", "electricity_watt").cast(pl.Int64))
    by_band = frame.with_columns(band_of.alias("band"), asset_count.alias("asset_count")).drop_nulls("band")
    stats = {
        band: row
        for band, *row in by_band.group_by("band").agg(
            (pl.col("floor_material") == "earth").mean(),
            (pl.col("sanitation") == "none").mean(),
            (pl.col("cooking_fuel") == "wood").mean(),
            pl.col("electricity_watt").mean(),
            pl.col("asset_count").mean(),
        ).iter_rows()
    }
    poor, rich = stats["poor"], stats["rich"]
    assert poor[0] > rich[0] + 0.2 and poor[1] > rich[1] + 0.2 and poor[2] > rich[2] + 0.2
    assert poor[3] + 500 < rich[3] and poor[4] + 1.5 < rich[4]


# --- assistance -----------------------------------------------------------------------------------


def test_assistance_amounts_match_domain_facts(clean: Run) -> None:
    nik_kk = dict(zip(clean.people["nik"], clean.people["kk_number"], strict=True))
    seen: Counter[str] = Counter()
    for row in clean.rows("assistance.csv"):
        programme, amount = row["programme"], int(row["amount"])
        seen[programme] += 1
        if programme == "PKH":
            assert re.fullmatch(r"\d{4}-Q[1-4]", row["period"])
            assert amount * 4 == PKH_YEARLY[row["component"]]
            assert nik_kk[row["nik"]] == row["kk_number"]
        elif programme == "SEMBAKO":
            assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["period"])
            assert (amount, row["nik"], row["component"]) == (200_000, "", "")
        else:
            assert programme == "PBI_JKN"
            assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row["period"])
            assert (amount, row["component"]) == (42_000, "")
            assert nik_kk[row["nik"]] == row["kk_number"]
    assert set(seen) == {"PKH", "SEMBAKO", "PBI_JKN"}


def test_monthly_receipts_cover_the_three_months_of_the_pkh_quarter(clean: Run) -> None:
    periods = defaultdict(set)
    for row in clean.rows("assistance.csv"):
        periods[row["programme"]].add(row["period"])
    (quarter,) = periods["PKH"]
    year, q = quarter.split("-Q")
    months = {f"{year}-{3 * (int(q) - 1) + m:02d}" for m in (1, 2, 3)}
    assert periods["SEMBAKO"] == periods["PBI_JKN"] == months
    receipts = Counter((row["kk_number"], row["nik"], row["programme"]) for row in clean.rows("assistance.csv"))
    assert all(n == 3 for (_, _, programme), n in receipts.items() if programme != "PKH")


def test_assistance_goes_mostly_to_eligible_deciles(clean: Run) -> None:
    decile = deciles(clean)
    by_programme: dict[str, list[int]] = defaultdict(list)
    for row in clean.rows("assistance.csv"):
        by_programme[row["programme"]].append(decile[row["kk_number"]])
    eligible = {"PKH": 4, "SEMBAKO": 5, "PBI_JKN": 5}
    for programme, top in eligible.items():
        within = sum(d <= top for d in by_programme[programme]) / len(by_programme[programme])
        assert within > 0.9, (programme, within)
    sembako = {row["kk_number"] for row in clean.rows("assistance.csv") if row["programme"] == "SEMBAKO"}
    poorest = [kk for kk, d in decile.items() if d == 1]
    assert len(sembako & set(poorest)) / len(poorest) > 0.6  # most desil 1 families are reached


def test_pkh_components_fit_the_member_and_stop_at_four_per_family(clean: Run) -> None:
    extract = reference_date(clean)
    people = {p["nik"]: p for p in clean.rows("people.csv")}
    per_family: Counter[str] = Counter()
    for row in clean.rows("assistance.csv"):
        if row["programme"] != "PKH":
            continue
        person = people[row["nik"]]
        years = age_on(date.fromisoformat(person["birth_date"]), extract)
        per_family[row["kk_number"]] += 1
        component = row["component"]
        if component == "pregnant":
            assert person["sex"] == "P" and 18 <= years <= 40
        elif component == "early_childhood":
            assert years <= 6
        elif component in {"sd", "smp", "sma"}:
            assert person["occupation"] == "student"
            assert years <= {"sd": 12, "smp": 15, "sma": 18}[component]
        elif component == "severe_disability":
            assert person["disability"] != "none"
        else:
            assert component == "elderly" and years >= 60
    assert per_family and max(per_family.values()) <= 4


# --- determinism ----------------------------------------------------------------------------------


def test_the_same_seed_gives_byte_identical_files(clean: Run, tmp_path: Path) -> None:
    again = synth(tmp_path, "--people", str(PEOPLE), "--seed", str(SEED))
    for name in ("households.csv", "people.csv", "assistance.csv"):
        assert (again.out / name).read_bytes() == (clean.out / name).read_bytes(), name


def test_another_seed_gives_different_files(clean: Run, tmp_path: Path) -> None:
    other = synth(tmp_path, "--people", str(PEOPLE), "--seed", str(SEED + 1))
    for name in ("households.csv", "people.csv", "assistance.csv"):
        assert (other.out / name).read_bytes() != (clean.out / name).read_bytes(), name
    assert not set(other.people["nik"].to_list()) >= set(clean.people["nik"].to_list())


# --- errors ---------------------------------------------------------------------------------------


def classify(clean_row: dict[str, str], bad_row: dict[str, str]) -> str:
    """Which documented error turns `clean_row` into `bad_row`; fails on anything else."""
    changed = [column for column in PEOPLE_COLUMNS if clean_row[column] != bad_row[column]]
    assert len(changed) == 1, changed
    (column,) = changed
    before, after = clean_row[column], bad_row[column]
    if column == "full_name":
        assert abs(len(before) - len(after)) <= 1 and after.split(" ")[1:] == before.split(" ")[1:]
        return "name_typo"
    if column == "sex":
        return "sex_mismatch"
    if column == "nik":
        if len(after) == 15:
            assert after.isdigit()
            return "nik_15_digits"
        if not after.isdigit():
            assert len(after) == 16 and sum(a != b for a, b in zip(before, after, strict=True)) == 1
            return "nik_letters"
        diff = [i for i in range(16) if before[i] != after[i]]
        assert len(diff) == 2 and diff[1] == diff[0] + 1 and before[diff[0]] == after[diff[1]]
        return "nik_swapped_digits"
    assert column == "birth_date"
    year, month, day = before.split("-")
    if after == f"{day}/{month}/{year}":
        return "date_dd_mm_yyyy"
    if re.fullmatch(rf"{year}-02-3[01]", after):
        return "impossible_date"
    assert date.fromisoformat(after) > date.today()
    return "future_birth_date"


def test_a_clean_run_has_no_errors(clean: Run) -> None:
    rows = clean.rows("people.csv")
    assert len({tuple(row.values()) for row in rows}) == len(rows)
    for row in rows:
        birth = date.fromisoformat(row["birth_date"])
        assert birth <= reference_date(clean)
        assert re.fullmatch(r"\d{16}", row["nik"])
        assert (int(row["nik"][6:8]) > 40) == (row["sex"] == "P")


def test_error_injection_produces_the_documented_errors_at_the_given_rate(clean: Run, faulty: Run) -> None:
    good, bad = clean.rows("people.csv"), faulty.rows("people.csv")
    kinds: Counter[str] = Counter()
    i = 0
    for j, row in enumerate(bad):
        if j and row == bad[j - 1]:
            kinds["duplicate_row"] += 1
            continue
        if row != good[i]:
            kinds[classify(good[i], row)] += 1
        i += 1
    assert i == len(good) == PEOPLE
    assert set(kinds) == {
        "name_typo", "nik_swapped_digits", "nik_15_digits", "nik_letters", "sex_mismatch", "impossible_date",
        "date_dd_mm_yyyy", "future_birth_date", "duplicate_row",
    }
    assert sum(kinds.values()) == pytest.approx(ERROR_RATE * PEOPLE, rel=0.1)
    assert f"injected errors: {sum(kinds.values()):,}" in faulty.output


def test_the_error_log_names_every_changed_row_and_its_kind() -> None:
    geo = generator.load_geography(("33.10",), ())
    good = generator.generate(geo, generator.SynthConfig(people=2000, seed=3)).people.rows()
    tables = generator.generate(geo, generator.SynthConfig(people=2000, seed=3, error_rate=0.2))
    log = dict(tables.errors.iter_rows())
    assert len(log) == 400 and set(log.values()) == set(generator.ERROR_KINDS)
    bad = tables.people.rows()
    i = 0
    for j, row in enumerate(bad):
        if log.get(j) == "duplicate_row":
            assert row == bad[j - 1]
            continue
        assert (row != good[i]) == (j in log), j
        i += 1
    assert i == len(good)


def test_errors_touch_only_people(clean: Run, faulty: Run) -> None:
    for name in ("households.csv", "assistance.csv"):
        assert (faulty.out / name).read_bytes() == (clean.out / name).read_bytes(), name


# --- options --------------------------------------------------------------------------------------


def test_it_places_households_only_in_the_regions_asked_for(tmp_path: Path) -> None:
    run = synth(tmp_path, "--people", "300", "--regions", "33.10.01,73.71", "--poor-regions", "73.71")
    prefixes = {code[:8] if code.startswith("33.") else code[:5] for code in run.households["village_code"]}
    assert prefixes == {"33.10.01", "73.71"}


def test_zero_people_writes_only_headers(tmp_path: Path) -> None:
    run = synth(tmp_path, "--people", "0")
    assert (run.households.height, run.people.height, run.assistance.height) == (0, 0, 0)
    assert (tmp_path / "people.csv").read_text().strip() == ",".join(PEOPLE_COLUMNS)


def test_it_rejects_unknown_region(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--regions: unknown region code '99\.99'"):
        synth(tmp_path, "--regions", "33.10,99.99")


def test_it_rejects_a_malformed_region_code(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--regions: 'klaten' is not a Kemendagri region code"):
        synth(tmp_path, "--regions", "klaten")


def test_it_rejects_poor_regions_outside_the_chosen_regions(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--poor-regions: '53\.01' lies outside --regions"):
        synth(tmp_path, "--regions", "33.10", "--poor-regions", "53.01")


def test_it_rejects_unknown_poor_region(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--poor-regions: unknown region code '33\.99'"):
        synth(tmp_path, "--regions", "33.10", "--poor-regions", "33.99")


def test_it_rejects_negative_people(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--people: must be 0 or more"):
        synth(tmp_path, "--people", "-5")


def test_it_rejects_a_negative_seed(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--seed: must be 0 or more"):
        synth(tmp_path, "--seed", "-1")


@pytest.mark.parametrize("rate", ["1.5", "-0.1", "nan"])
def test_it_rejects_an_error_rate_outside_0_to_1(tmp_path: Path, rate: str) -> None:
    with pytest.raises(CommandError, match="--errors: must be a fraction between 0 and 1"):
        synth(tmp_path, "--errors", rate)
    assert not (tmp_path / "people.csv").exists()
