"""Synthetic registry data: households, people and assistance receipts in the format of
docs/data-formats.md, for demos, tests and benchmarks.

Everything is drawn column by column from one `numpy.random.default_rng(seed)` and assembled in
Polars, never row by row (bench/bench_synth.py), so the same seed gives byte-identical files. The
only database read is `load_geography` (real village and district codes); `generate` is pure.
Injected errors (`error_rate` > 0, kinds in ERROR_KINDS) touch people.csv only.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
from django.db.models import Q

from entas.core.scoping import region_q
from entas.regions.codes import InvalidRegionCode, Kind, kind_of, level_of, within
from entas.regions.models import Region

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Progress = Callable[[str], None]

# A few real regencies from Java, Nusa Tenggara and Sulawesi, rural and urban.
DEFAULT_REGIONS = ("33.10", "53.01", "32.04", "73.71", "35.26")  # Klaten, Kupang, Bandung, Makassar, Bangkalan
DEFAULT_POOR_REGIONS = ("53.01", "35.26")  # Kupang (NTT) and Bangkalan (Madura): high poverty rates

HOUSEHOLD_COLUMNS = (
    "kk_number", "village_code", "address", "decile", "decile_source", "decile_date", "per_capita_income",
    "floor_material", "wall_material", "roof_material", "drinking_water", "sanitation", "electricity_watt",
    "cooking_fuel", "assets", "extreme_poor",
)
PEOPLE_COLUMNS = (
    "nik", "kk_number", "full_name", "sex", "birth_date", "birth_place", "relationship", "education",
    "occupation", "disability", "marital_status",
)
ASSISTANCE_COLUMNS = ("kk_number", "nik", "programme", "component", "period", "amount")

# Category lists, worst to best where there is an order: latent welfare scores index into them.
FLOOR = ("earth", "bamboo", "wood", "cement", "ceramic")
WALL = ("bamboo", "wood", "plaster_brick", "brick")
ROOF = ("thatch", "zinc", "asbestos", "tile", "concrete")
WATER = ("river", "unprotected_well", "protected_well", "piped", "bottled")
SANITATION = ("none", "shared", "own")
ELECTRICITY = (0, 450, 900, 1300, 2200)
FUEL = ("wood", "kerosene", "lpg_3kg", "lpg_large", "electric")
ASSETS = ("motorcycle", "refrigerator", "tv", "smartphone", "livestock", "land", "boat", "car")
RELATIONSHIPS = ("head", "spouse", "child", "parent", "in_law", "grandchild", "other")
HEAD, SPOUSE, CHILD, PARENT, IN_LAW, GRANDCHILD, OTHER = range(len(RELATIONSHIPS))
EDUCATION = ("none", "sd", "smp", "sma", "diploma", "university")
OCCUPATIONS = (
    "none", "farmer", "fisher", "labourer", "trader", "driver", "craftsman", "civil_servant",
    "private_employee", "entrepreneur", "student", "housekeeping", "other",
)
DISABILITIES = ("none", "physical", "sensory", "intellectual", "mental", "multiple")
MARITAL = ("single", "married", "divorced", "widowed")
SINGLE, MARRIED, DIVORCED, WIDOWED = range(len(MARITAL))

# DOMAIN-FACTS "Social assistance": PKH yearly amount per component, paid in 4 stages (quarters).
PKH_YEARLY = {
    "pregnant": 3_000_000, "early_childhood": 3_000_000, "sd": 900_000, "smp": 1_500_000,
    "sma": 2_000_000, "severe_disability": 2_400_000, "elderly": 2_400_000,
}
PKH_STAGES = 4
PKH_MAX_MEMBERS = 4  # PKH pays components for at most four members of a family
SEMBAKO_MONTHLY = 200_000
PBI_JKN_MONTHLY = 42_000
# Share of households receiving each programme by decile 1..10: mostly desil 1-4 (PKH) or 1-5
# (sembako, PBI), with the exclusion and inclusion errors real targeting has.
PKH_TAKE_UP = (0.75, 0.70, 0.60, 0.50, 0.03, 0.02, 0.01, 0.0, 0.0, 0.0)
SEMBAKO_TAKE_UP = (0.85, 0.85, 0.80, 0.75, 0.65, 0.04, 0.03, 0.01, 0.0, 0.0)
PBI_TAKE_UP = (0.90, 0.90, 0.85, 0.80, 0.70, 0.05, 0.04, 0.02, 0.01, 0.0)

# Decile shares of households: DTSEN deciles are national, so ordinary regencies are near flat,
# poor ones lean to desil 1-2, and towns lean a little to the top.
DECILE_SHARES = {
    "poor": (0.20, 0.17, 0.14, 0.12, 0.10, 0.08, 0.06, 0.05, 0.045, 0.035),
    "rural": (0.10,) * 10,
    "urban": (0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12, 0.12, 0.125, 0.125),
}
# Per-capita income band of each decile, as multiples of the poverty line: desil 1-2 below it.
INCOME_BANDS = (0.50, 0.75, 1.0, 1.25, 1.5, 1.85, 2.25, 2.85, 3.7, 5.3, 20.0)

# Injected errors: each chosen row of people.csv gets exactly one kind, drawn uniformly:
#   name_typo            a letter of the first name dropped, doubled or swapped with its neighbour
#   nik_swapped_digits   two adjacent, different digits of the NIK swapped
#   nik_15_digits        one digit of the NIK missing
#   nik_letters          one digit of the NIK replaced by a letter (O for 0, I for 1, ...)
#   sex_mismatch         sex column disagrees with the NIK's day (+40 for women)
#   impossible_date      birth_date on 30 or 31 February of the birth year
#   date_dd_mm_yyyy      birth_date written DD/MM/YYYY instead of ISO 8601
#   future_birth_date    birth year a century (or more) too late, so the date lies in the future
#   duplicate_row        the row appears twice, one right after the other
# Errors are drawn after every clean column, so an error run differs from the clean run of the same
# seed in exactly the rows listed in `SynthTables.errors`.
ERROR_KINDS = (
    "name_typo", "nik_swapped_digits", "nik_15_digits", "nik_letters", "sex_mismatch",
    "impossible_date", "date_dd_mm_yyyy", "future_birth_date", "duplicate_row",
)
# Letters that OCR and hurried typing put in place of digits.
DIGIT_LOOKALIKES = b"OIZEASGTBg"

DUSUN_NAMES = (
    "Krajan", "Karanganyar", "Sukamaju", "Sidomulyo", "Tegalsari", "Ngemplak", "Sumberejo", "Mekarsari",
    "Kebonagung", "Wonosari", "Sukarame", "Tanjung", "Mulyorejo", "Sidorejo", "Gunungsari", "Purwosari",
    "Oesao", "Naibonat", "Tarus", "Baumata",
)


class SynthError(ValueError):
    """A bad generator setting; `option` names the command-line option it came from."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option


@dataclass(frozen=True)
class SynthConfig:
    people: int = 10_000
    seed: int = 42
    error_rate: float = 0.0
    # Fixed, not today: the same seed must give the same files on any day.
    reference_date: date = date(2025, 7, 31)
    decile_source: str = "DTSEN"
    poverty_line: int = 600_000  # ≈ BPS national line 2025, rupiah per person per month
    extreme_poverty_line: int = 391_000  # ⚠ BPS US$2.15 PPP 2017 line, not confirmed


@dataclass(frozen=True)
class Geography:
    """Real codes to place households in: the chosen villages and every district in the country."""

    villages: pl.Series  # dotted village codes
    village_district: IntArray  # index into `districts`
    village_poor: BoolArray
    village_urban: BoolArray
    districts: IntArray  # undotted district codes (6 digits), all of Indonesia
    district_places: pl.Series  # place name of each district (its regency without "Kabupaten"/"Kota")


@dataclass(frozen=True)
class SynthTables:
    households: pl.DataFrame
    people: pl.DataFrame
    assistance: pl.DataFrame
    errors: pl.DataFrame  # row (0-based, in the written people.csv) and kind of every injected error


@dataclass(frozen=True)
class Households:
    village: IntArray
    urban: BoolArray
    decile: IntArray
    size: IntArray
    kk: IntArray
    income: IntArray
    log_income: FloatArray  # before rounding: where the extracts' trajectories start from
    head_age: IntArray
    head_female: BoolArray
    has_spouse: BoolArray


@dataclass(frozen=True)
class People:
    household: IntArray
    role: IntArray
    age: IntArray
    female: BoolArray
    birth: npt.NDArray[np.datetime64]
    nik: IntArray
    nik_district: IntArray
    enrolled: BoolArray
    disability: IntArray
    severe_disability: BoolArray


# --- geography (the one database read) ------------------------------------------------------------


def parse_codes(text: str, option: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    if not codes:
        raise SynthError(option, "give at least one region code")
    return codes


def default_poor_regions(regions: Sequence[str]) -> tuple[str, ...]:
    """The known poor regencies among `regions`, else every second region given."""
    known = tuple(p for p in DEFAULT_POOR_REGIONS if any(within(p, r) for r in regions))
    return known or tuple(regions[1::2])


def load_geography(regions: Sequence[str], poor_regions: Sequence[str]) -> Geography:
    _check_codes(regions, "--regions")
    _check_codes(poor_regions, "--poor-regions")
    where = Q()
    for code in regions:
        where |= region_q(code, "code")
    # Sorted in Python: database collations may order codes differently, and the files must not.
    villages = sorted(Region.objects.filter(where, level=4).values_list("code", flat=True))
    if not villages:
        raise SynthError("--regions", "no villages lie in " + ", ".join(regions))
    poor = np.array([any(within(v, p) for p in poor_regions) for v in villages], dtype=np.bool_)
    for code in poor_regions:
        if not any(within(v, code) for v in villages):
            raise SynthError("--poor-regions", f"'{code}' lies outside --regions ({', '.join(regions)})")
    district_rows = sorted(Region.objects.filter(level=3).values_list("code", "parent__name"))
    district_index = {code: i for i, (code, _) in enumerate(district_rows)}
    return Geography(
        villages=pl.Series("village_code", villages, dtype=pl.Utf8),
        village_district=np.array([district_index[v[:8]] for v in villages], dtype=np.int64),
        village_poor=poor,
        village_urban=np.array([_is_urban(v) for v in villages], dtype=np.bool_),
        districts=np.array([int(code.replace(".", "")) for code, _ in district_rows], dtype=np.int64),
        district_places=pl.Series("place", [_place_name(name or "") for _, name in district_rows], dtype=pl.Utf8),
    )


def _check_codes(codes: Sequence[str], option: str) -> None:
    for code in codes:
        try:
            level_of(code)
        except InvalidRegionCode as exc:
            raise SynthError(option, str(exc)) from None
    known = set(Region.objects.filter(code__in=list(codes)).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise SynthError(option, "unknown region code " + ", ".join(f"'{code}'" for code in unknown))


def _is_urban(village: str) -> bool:
    return kind_of(village) == Kind.KELURAHAN or kind_of(village[:5]) == Kind.KOTA


def _place_name(regency: str) -> str:
    for prefix in ("Kabupaten ", "Kota "):
        if regency.startswith(prefix):
            return regency[len(prefix):]
    return regency


@cache
def name_lists() -> dict[str, tuple[str, ...]]:
    """Faker's id_ID names, read once: indices into them are sampled with NumPy, not one Faker call
    per name (bench/bench_synth.py measures the difference)."""
    from faker.providers.person.id_ID import Provider as PersonProvider

    return {
        "first_male": tuple(PersonProvider.first_names_male),
        "first_female": tuple(PersonProvider.first_names_female),
        "last_male": tuple(PersonProvider.last_names_male),
        "last_female": tuple(PersonProvider.last_names_female),
    }


@cache
def street_names() -> tuple[str, ...]:
    from faker.providers.address.id_ID import Provider as AddressProvider

    return tuple(AddressProvider.streets)


# --- generation -----------------------------------------------------------------------------------


def generate(geo: Geography, config: SynthConfig, progress: Progress | None = None) -> SynthTables:
    """All three tables for `config.people` people; pure: the same inputs give the same tables."""
    return _generate(geo, config, progress or (lambda _: None))[0]


def _generate(geo: Geography, config: SynthConfig, step: Progress) -> tuple[SynthTables, Households]:
    """The tables and the households they were drawn from (the extracts start from them)."""
    check_config(config)
    rng = np.random.default_rng(config.seed)
    step("households")
    homes = _households(rng, geo, config)
    step("people")
    folk = _people(rng, geo, homes, config)
    households = _households_frame(rng, geo, homes, config)
    people = _people_frame(rng, geo, homes, folk)
    step("assistance")
    assistance = _assistance_frame(rng, homes, folk, people, config)
    step("errors")
    people, errors = inject_errors(rng, people, folk.nik, config)
    return SynthTables(households, people, assistance, errors), homes


def write_tables(tables: SynthTables, out_dir: Path) -> list[tuple[Path, int]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        ("households.csv", tables.households), ("people.csv", tables.people), ("assistance.csv", tables.assistance)
    ):
        path = out_dir / name
        frame.write_csv(path)
        written.append((path, frame.height))
    return written


def check_config(config: SynthConfig) -> None:
    if config.people < 0:
        raise SynthError("--people", f"must be 0 or more, not {config.people}")
    if config.seed < 0:
        raise SynthError("--seed", f"must be 0 or more, not {config.seed}")
    if not 0.0 <= config.error_rate <= 1.0:
        raise SynthError("--errors", f"must be a fraction between 0 and 1, not {config.error_rate}")


def _pick(rng: np.random.Generator, n: int, shares: Sequence[float]) -> IntArray:
    p = np.asarray(shares, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def _pick_by_group(rng: np.random.Generator, group: IntArray, table: Sequence[Sequence[float]]) -> IntArray:
    """Category per row, drawn from the row of `table` that `group` selects (one loop per group)."""
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int64)
    for g, shares in enumerate(table):
        cdf = np.cumsum(shares) / np.sum(shares)
        mask = group == g
        out[mask] = np.minimum(np.searchsorted(cdf, u[mask], side="right"), len(shares) - 1)
    return out


def _welfare_score(decile: IntArray, urban: BoolArray) -> FloatArray:
    """-1 (desil 1) … +1 (desil 10), a little higher in towns: drives housing, assets, schooling."""
    return (decile - 5.5) / 4.5 + 0.25 * urban


def _serials(rng: np.random.Generator, keys: IntArray, what: str) -> IntArray:
    """Serial 0001-9999 unique within each key (region + date), as Dukcapil numbers them:
    consecutive, from a start that is usually low."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    is_first = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(is_first) - 1
    first = np.flatnonzero(is_first)
    size = np.diff(np.r_[first, len(keys)])
    if size.max() > 9999:
        raise SynthError("--people", f"more than 9,999 {what} share one region and date; choose more regions")
    start = 1 + np.floor((10_000 - size) * rng.random(len(first)) ** 6).astype(np.int64)
    serial = np.empty(len(keys), dtype=np.int64)
    serial[order] = start[group] + np.arange(len(keys)) - first[group]
    return serial


def _date_parts(days: npt.NDArray[np.datetime64]) -> tuple[IntArray, IntArray, IntArray]:
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, day


def _ddmmyy(days: npt.NDArray[np.datetime64], plus_day: IntArray | int = 0) -> IntArray:
    years, months, day = _date_parts(days)
    return (day + plus_day) * 10_000 + months * 100 + years % 100


# --- households -----------------------------------------------------------------------------------


def _households(rng: np.random.Generator, geo: Geography, config: SynthConfig) -> Households:
    village, decile, size = _household_shapes(rng, geo, config.people)
    count = len(village)
    urban = geo.village_urban[village]
    head_age = 20 + np.floor(61 * rng.beta(2.2, 2.6, count)).astype(np.int64)
    # Widows head many older households; a female head rarely lives with a husband.
    head_female = rng.random(count) < 0.10 + 0.18 * (head_age >= 60)
    has_spouse = (size >= 2) & (rng.random(count) < np.where(head_female, 0.10, 0.92))
    kk = _kk_numbers(rng, geo, village, config)
    log_income = _log_incomes(rng, decile, config)
    return Households(
        village=village, urban=urban, decile=decile, size=size, kk=kk, income=_rounded(log_income),
        log_income=log_income, head_age=head_age, head_female=head_female, has_spouse=has_spouse,
    )


def _household_shapes(rng: np.random.Generator, geo: Geography, people: int) -> tuple[IntArray, IntArray, IntArray]:
    """Village, decile and size of just enough households to hold `people` people."""
    candidates = max(people, 1)  # every household holds at least one person
    weights = np.where(geo.village_urban, 1.5, 1.0)  # kelurahan are more populous than desa
    village = rng.choice(len(weights), size=candidates, p=weights / weights.sum()).astype(np.int64)
    kind = np.where(geo.village_poor[village], 0, np.where(geo.village_urban[village], 2, 1))
    decile = 1 + _pick_by_group(rng, kind, [DECILE_SHARES[k] for k in ("poor", "rural", "urban")])
    # Poorer families are larger (Susenas: ~4.5 members in the bottom decile, ~3 at the top).
    size = np.minimum(1 + rng.poisson(3.6 - 0.17 * (decile - 1)), 12).astype(np.int64)
    count = int(np.searchsorted(np.cumsum(size), people)) + 1 if people else 0
    size = size[:count].copy()
    if count:
        size[-1] = people - (size[:-1].sum() if count > 1 else 0)
    return village[:count], decile[:count], size


def _kk_numbers(rng: np.random.Generator, geo: Geography, village: IntArray, config: SynthConfig) -> IntArray:
    district = geo.districts[geo.village_district[village]]
    reference = np.datetime64(config.reference_date, "D")
    issued = reference - rng.integers(0, 15 * 365, len(village))  # cards re-issued over the last 15 years
    keys = district * 1_000_000 + _ddmmyy(issued)
    return keys * 10_000 + _serials(rng, keys, "family cards")


def _log_incomes(rng: np.random.Generator, decile: IntArray, config: SynthConfig) -> FloatArray:
    """Log per-capita income, uniform in the log of the decile's band."""
    bands = np.asarray(INCOME_BANDS) * config.poverty_line
    low, high = np.log(bands[decile - 1]), np.log(bands[decile])
    return np.asarray(low + (high - low) * rng.random(len(decile)), dtype=np.float64)


def _rounded(log_income: FloatArray) -> IntArray:
    """Rupiah per person and month, to the thousand, as DTSEN writes it."""
    return (np.round(np.exp(log_income) / 1000) * 1000).astype(np.int64)


# --- people ---------------------------------------------------------------------------------------


def _people(rng: np.random.Generator, geo: Geography, homes: Households, config: SynthConfig) -> People:
    household = np.repeat(np.arange(len(homes.size), dtype=np.int64), homes.size)
    role = _roles(rng, homes, household)
    age = _ages(rng, homes, household, role)
    female = _sexes(rng, homes, household, role)
    birth = _birth_dates(rng, age, config.reference_date)
    nik_district = _nik_districts(rng, geo, homes, household, age)
    keys = geo.districts[nik_district] * 1_000_000 + _ddmmyy(birth, 40 * female.astype(np.int64))
    nik = keys * 10_000 + _serials(rng, keys, "people")
    enrolled = _enrolment(rng, homes.decile[household], age)
    disability, severe = _disabilities(rng, homes.decile[household], age)
    return People(
        household=household, role=role, age=age, female=female, birth=birth, nik=nik,
        nik_district=nik_district, enrolled=enrolled, disability=disability, severe_disability=severe,
    )


def _birth_dates(rng: np.random.Generator, age: IntArray, reference: date) -> npt.NDArray[np.datetime64]:
    """Birth dates that make `age` the exact age on the reference date: up to 364 days before
    the reference day `age` years earlier."""
    months = np.datetime64(reference, "M") - 12 * age
    anniversary = months.astype("datetime64[D]") + (reference.day - 1)
    return anniversary - rng.integers(0, 365, len(age)).astype("timedelta64[D]")


def _roles(rng: np.random.Generator, homes: Households, household: IntArray) -> IntArray:
    starts = np.cumsum(homes.size) - homes.size
    position = np.arange(len(household)) - starts[household]
    others = np.array([CHILD, PARENT, GRANDCHILD, IN_LAW, OTHER], dtype=np.int64)
    role = others[_pick(rng, len(household), (0.84, 0.05, 0.06, 0.03, 0.02))]
    head_age = homes.head_age[household]
    # A head's own parent is rare past 62; grandchildren and children-in-law need an older head.
    impossible = (
        ((role == PARENT) & (head_age > 62))
        | ((role == GRANDCHILD) & (head_age < 45))
        | ((role == IN_LAW) & (head_age < 42))
    )
    role[impossible] = CHILD
    role[(position == 1) & homes.has_spouse[household]] = SPOUSE
    role[position == 0] = HEAD
    return role


def _ages(rng: np.random.Generator, homes: Households, household: IntArray, role: IntArray) -> IntArray:
    n = len(household)
    head = homes.head_age[household]
    # Wives are a few years younger than husbands, never more than 6 years older (so children
    # stay at least 12 years younger than the head).
    wife = np.clip(head - 4 + np.round(rng.normal(0, 3.5, n)).astype(np.int64), 18, head + 6)
    husband = np.clip(head + 4 + np.round(rng.normal(0, 3.5, n)).astype(np.int64), 18, 99)
    spouse = np.where(homes.head_female[household], husband, wife)
    mother = np.where(homes.has_spouse[household] & ~homes.head_female[household], wife, head)
    # Children born when the mother was 18+; the exponent brings the ages close to the 2020
    # census pyramid (about a quarter of people under 15).
    child = np.floor((mother - 17) * rng.random(n) ** 0.8).astype(np.int64)
    parent = np.minimum(head + 18 + rng.integers(0, 20, n), 100)
    in_law = np.maximum(head - 20 - rng.integers(0, 12, n), 18)
    grandchild = np.maximum(head - 38 - rng.integers(0, 18, n), 0)
    other = rng.integers(5, 75, n)
    choices = [head, spouse, child, parent, in_law, grandchild, other]
    return np.select([role == r for r in range(len(RELATIONSHIPS))], choices).astype(np.int64)


def _sexes(rng: np.random.Generator, homes: Households, household: IntArray, role: IntArray) -> BoolArray:
    u = rng.random(len(role))
    head_female = homes.head_female[household]
    # Widowed mothers outlive fathers; a child-in-law at home is usually a daughter-in-law.
    female = np.select(
        [role == HEAD, role == SPOUSE, role == PARENT, role == IN_LAW],
        [head_female, ~head_female, u < 0.70, u < 0.75],
        default=u < 0.49,
    )
    return female.astype(np.bool_)


def _nik_districts(
    rng: np.random.Generator, geo: Geography, homes: Households, household: IntArray, age: IntArray
) -> IntArray:
    """District of first registration: home, except for migrants (more often adults), who mostly
    come from elsewhere in the same province."""
    n, count = len(age), len(geo.districts)
    home = geo.village_district[homes.village[household]]
    moved = rng.random(n) < np.where(age >= 18, 0.12, 0.03)
    # Districts are sorted by code, so each province is one run of indices.
    province = geo.districts // 10_000
    low = np.searchsorted(province, province[home], side="left")
    high = np.searchsorted(province, province[home], side="right")
    nearby = low + np.floor(rng.random(n) * (high - low)).astype(np.int64)
    elsewhere = np.where(rng.random(n) < 0.6, nearby, rng.integers(0, count, n))
    elsewhere = np.where(elsewhere == home, (elsewhere + 1) % count, elsewhere)
    return np.where(moved, elsewhere, home).astype(np.int64)


def _enrolment(rng: np.random.Generator, decile: IntArray, age: IntArray) -> BoolArray:
    rich = (decile - 1) / 9
    share = np.select(
        [age < 7, age <= 12, age <= 15, age <= 18, age <= 23],
        [0.0, 0.95 + 0.04 * rich, 0.82 + 0.15 * rich, 0.60 + 0.30 * rich, 0.05 + 0.40 * rich],
        default=0.0,
    )
    return rng.random(len(age)) < share


def _disabilities(rng: np.random.Generator, decile: IntArray, age: IntArray) -> tuple[IntArray, BoolArray]:
    share = 0.015 + 0.002 * np.maximum(age - 40, 0) + 0.01 * (decile <= 3)
    has = rng.random(len(age)) < share
    kind = 1 + _pick(rng, len(age), (0.40, 0.30, 0.12, 0.10, 0.08))
    disability = np.where(has, kind, 0).astype(np.int64)
    severe = (disability == DISABILITIES.index("multiple")) | ((disability > 0) & (rng.random(len(age)) < 0.3))
    return disability, severe


def _education(rng: np.random.Generator, folk: People, decile: IntArray, urban: BoolArray) -> IntArray:
    score = 0.9 * _welfare_score(decile, urban) + rng.normal(0, 0.8, len(decile)) - 0.015 * (folk.age - 40)
    level = np.digitize(score, (-1.2, -0.5, 0.2, 1.0, 1.3)).astype(np.int64)
    # Highest level a person of this age can have completed.
    cap = np.digitize(folk.age, (13, 16, 19, 21, 22)).astype(np.int64)
    # Pupils are on track for their age; students (19+) have finished SMA, not yet a degree.
    return np.where(folk.enrolled, np.minimum(cap, EDUCATION.index("sma")), np.minimum(level, cap))


def _occupation(rng: np.random.Generator, folk: People, decile: IntArray, urban: BoolArray) -> IntArray:
    # Columns follow OCCUPATIONS; rows: (poor, middle, better-off) x (men, women).
    table = (
        (5, 30, 5, 30, 7, 6, 5, 0, 4, 2, 0, 1, 5),
        (5, 15, 1, 12, 10, 0, 4, 0, 3, 2, 0, 45, 3),
        (2, 20, 3, 20, 12, 8, 5, 4, 15, 6, 0, 1, 4),
        (3, 8, 0, 7, 15, 0, 3, 4, 12, 5, 0, 40, 3),
        (2, 8, 1, 6, 12, 5, 3, 15, 30, 14, 0, 0, 4),
        (4, 3, 0, 2, 12, 0, 2, 12, 25, 8, 0, 30, 2),
    )
    band = np.digitize(decile, (4, 8)).astype(np.int64)
    job = _pick_by_group(rng, band * 2 + folk.female, table)
    u = rng.random(len(decile))
    job = np.where(urban & (job == OCCUPATIONS.index("farmer")) & (u < 0.7), OCCUPATIONS.index("labourer"), job)
    job = np.where((folk.age >= 65) & (u < 0.6), 0, job)
    job = np.where(folk.enrolled, OCCUPATIONS.index("student"), job)
    return np.where((folk.age < 15) & ~folk.enrolled, 0, job).astype(np.int64)


def _marital(rng: np.random.Generator, homes: Households, folk: People) -> IntArray:
    u = rng.random(len(folk.age))
    adult = folk.age >= 19
    spouse_home = homes.has_spouse[folk.household]
    # Heads without a spouse at home: mostly widows and divorcées, young single men.
    lone_woman = np.select([u < 0.60, u < 0.95], [WIDOWED, DIVORCED], SINGLE)
    lone_man = np.where(
        folk.age < 30, np.where(u < 0.8, SINGLE, DIVORCED), np.select([u < 0.5, u < 0.8], [WIDOWED, DIVORCED], SINGLE)
    )
    lone_head = np.where(folk.female, lone_woman, lone_man)
    grown_child = np.select([u < 0.25, u < 0.29], [MARRIED, DIVORCED], SINGLE)
    other_adult = np.select([u < 0.40, u < 0.55, u < 0.60], [MARRIED, WIDOWED, DIVORCED], SINGLE)
    status = np.select(
        [
            folk.role == HEAD, folk.role == SPOUSE, folk.role == IN_LAW, folk.role == PARENT,
            ~adult, folk.role == CHILD, folk.role == GRANDCHILD,
        ],
        [
            np.where(spouse_home, MARRIED, lone_head), MARRIED, MARRIED, np.where(u < 0.75, WIDOWED, MARRIED),
            SINGLE, grown_child, np.where(u < 0.1, MARRIED, SINGLE),
        ],
        default=other_adult,
    )
    return status.astype(np.int64)


def _names(rng: np.random.Generator, female: BoolArray) -> pl.Series:
    lists = name_lists()
    n = len(female)
    firsts = pl.Series(lists["first_male"] + lists["first_female"], dtype=pl.Utf8)
    lasts = pl.Series(lists["last_male"] + lists["last_female"], dtype=pl.Utf8)
    first = np.where(
        female,
        len(lists["first_male"]) + rng.integers(0, len(lists["first_female"]), n),
        rng.integers(0, len(lists["first_male"]), n),
    )
    last = np.where(
        female,
        len(lists["last_male"]) + rng.integers(0, len(lists["last_female"]), n),
        rng.integers(0, len(lists["last_male"]), n),
    )
    # Many Indonesians, Javanese above all, carry a single name.
    has_last = rng.random(n) < 0.65
    frame = pl.DataFrame({"first": firsts.gather(first), "last": lasts.gather(last), "has_last": has_last})
    return frame.select(
        pl.concat_str(
            [pl.col("first"), pl.when(pl.col("has_last")).then(pl.col("last"))], separator=" ", ignore_nulls=True
        ).alias("full_name")
    ).to_series()


# --- frames ---------------------------------------------------------------------------------------


def _labels(labels: Sequence[str], codes: IntArray) -> pl.Series:
    return pl.Series(list(labels), dtype=pl.Utf8).gather(codes)


def _households_frame(rng: np.random.Generator, geo: Geography, homes: Households, config: SynthConfig) -> pl.DataFrame:
    count = len(homes.size)
    score = _welfare_score(homes.decile, homes.urban)

    def housing(thresholds: Sequence[float], noise: float = 0.7) -> IntArray:
        return np.digitize(score + rng.normal(0, noise, count), thresholds).astype(np.int64)

    frame = pl.DataFrame(
        {
            "kk_number": pl.Series(homes.kk).cast(pl.Utf8),
            "village_code": geo.villages.gather(homes.village),
            "address": _addresses(rng, homes.urban),
            "decile": homes.decile,
            "decile_source": pl.repeat(config.decile_source, count, eager=True, dtype=pl.Utf8),
            "decile_date": pl.repeat(config.reference_date, count, eager=True, dtype=pl.Date).cast(pl.Utf8),
            "per_capita_income": homes.income,
            "floor_material": _labels(FLOOR, housing((-1.0, -0.85, -0.55, 0.25))),
            "wall_material": _labels(WALL, housing((-0.9, -0.5, -0.2))),
            "roof_material": _labels(ROOF, housing((-1.4, -0.3, 0.1, 1.2))),
            "drinking_water": _labels(WATER, housing((-1.5, -0.8, 0.1, 0.6))),
            "sanitation": _labels(SANITATION, housing((-1.1, -0.6))),
            "electricity_watt": np.asarray(ELECTRICITY, dtype=np.int64)[housing((-1.6, -0.3, 0.5, 1.1))],
            "cooking_fuel": _labels(FUEL, housing((-0.9, -0.85, 0.9, 1.5))),
            "assets": _assets(rng, homes.decile, homes.urban),
            "extreme_poor": (homes.income < config.extreme_poverty_line).astype(np.int64),
        }
    )
    return frame.select(HOUSEHOLD_COLUMNS)


def _addresses(rng: np.random.Generator, urban: BoolArray) -> pl.Series:
    n = len(urban)
    streets = pl.Series(street_names(), dtype=pl.Utf8).gather(rng.integers(0, len(street_names()), n))
    dusun = pl.Series(DUSUN_NAMES, dtype=pl.Utf8).gather(rng.integers(0, len(DUSUN_NAMES), n))
    frame = pl.DataFrame(
        {
            "street": streets, "dusun": dusun, "urban": urban, "number": rng.integers(1, 200, n),
            "rt": rng.integers(1, 16, n), "rw": rng.integers(1, 9, n),
        }
    )
    rt_rw = pl.format("RT {}/RW {}", pl.col("rt").cast(pl.Utf8).str.zfill(3), pl.col("rw").cast(pl.Utf8).str.zfill(3))
    return frame.select(
        pl.when(pl.col("urban"))
        .then(pl.format("Jl. {} No. {}, {}", "street", "number", rt_rw))
        .otherwise(pl.format("Dusun {}, {}", "dusun", rt_rw))
        .alias("address")
    ).to_series()


def _assets(rng: np.random.Generator, decile: IntArray, urban: BoolArray) -> pl.Series:
    # (intercept, slope per decile, town shift) of a logistic ownership curve per asset in ASSETS.
    curves = (
        (1.2, 0.35, 0.0), (0.0, 0.60, 0.5), (1.5, 0.35, 0.3), (1.8, 0.40, 0.4),
        (-0.8, -0.15, -1.5), (-0.2, 0.10, -1.0), (-3.5, 0.0, -0.5), (-2.0, 0.70, 0.3),
    )
    columns = {}
    for name, (intercept, slope, town) in zip(ASSETS, curves, strict=True):
        logit = intercept + slope * (decile - 5.5) + town * urban
        columns[name] = rng.random(len(decile)) < 1 / (1 + np.exp(-logit))
    owned = [pl.when(pl.col(name)).then(pl.lit(name)) for name in ASSETS]
    listed = pl.concat_str(owned, separator=";", ignore_nulls=True)
    # No assets is an empty field (null), written like the other empty fields, not as "".
    return pl.DataFrame(columns).select(pl.when(listed != "").then(listed).alias("assets")).to_series()


def _people_frame(rng: np.random.Generator, geo: Geography, homes: Households, folk: People) -> pl.DataFrame:
    decile = homes.decile[folk.household]
    urban = homes.urban[folk.household]
    frame = pl.DataFrame(
        {
            "nik": pl.Series(folk.nik).cast(pl.Utf8),
            "kk_number": pl.Series(homes.kk[folk.household]).cast(pl.Utf8),
            "full_name": _names(rng, folk.female),
            "sex": np.where(folk.female, "P", "L"),
            "birth_date": pl.Series(folk.birth).cast(pl.Date).cast(pl.Utf8),
            "birth_place": geo.district_places.gather(folk.nik_district),
            "relationship": _labels(RELATIONSHIPS, folk.role),
            "education": _labels(EDUCATION, _education(rng, folk, decile, urban)),
            "occupation": _labels(OCCUPATIONS, _occupation(rng, folk, decile, urban)),
            "disability": _labels(DISABILITIES, folk.disability),
            "marital_status": _labels(MARITAL, _marital(rng, homes, folk)),
        }
    )
    return frame.select(PEOPLE_COLUMNS)


# --- assistance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipts:
    """Receipts as codes, one array per column; turned into text only once, after sorting."""

    household: IntArray
    person: IntArray  # row in people, -1 for family-level receipts
    programme: IntArray  # index into PROGRAMMES
    component: IntArray  # index into PKH_YEARLY, -1 for none
    period: IntArray  # index into the periods of `assistance_periods`: 0 the quarter, 1-3 its months
    amount: IntArray


PROGRAMMES = ("PKH", "SEMBAKO", "PBI_JKN")


def assistance_periods(reference: date) -> list[str]:
    """The last full quarter before the reference date, then its three months."""
    quarter_index = (reference.year * 12 + reference.month - 1) // 3 - 1
    year, quarter = divmod(quarter_index, 4)
    return [f"{year}-Q{quarter + 1}"] + [f"{year}-{3 * quarter + m:02d}" for m in (1, 2, 3)]


def _assistance_frame(
    rng: np.random.Generator, homes: Households, folk: People, people: pl.DataFrame, config: SynthConfig
) -> pl.DataFrame:
    take_up = (PKH_TAKE_UP, SEMBAKO_TAKE_UP, PBI_TAKE_UP)
    gets = [rng.random(len(homes.decile)) < np.asarray(shares)[homes.decile - 1] for shares in take_up]
    parts = [_pkh_receipts(rng, folk, gets[0]), _sembako_receipts(gets[1]), _pbi_receipts(folk, gets[2])]
    # Group each family's receipts together, PKH before SEMBAKO before PBI_JKN.
    household = np.concatenate([part.household for part in parts])
    order = np.argsort(household, kind="stable")

    def column(name: str) -> IntArray:
        return np.concatenate([getattr(part, name) for part in parts])[order]

    person, component = column("person"), column("component")
    frame = pl.DataFrame(
        {
            "kk_number": pl.Series(homes.kk).cast(pl.Utf8).gather(household[order]),
            "nik": people["nik"].gather(np.maximum(person, 0)),
            "programme": _labels(PROGRAMMES, column("programme")),
            "component": _labels(tuple(PKH_YEARLY), np.maximum(component, 0)),
            "period": _labels(assistance_periods(config.reference_date), column("period")),
            "amount": column("amount"),
            "has_nik": person >= 0,
            "has_component": component >= 0,
        }
    )
    return frame.with_columns(
        pl.when("has_nik").then("nik").alias("nik"), pl.when("has_component").then("component").alias("component")
    ).select(ASSISTANCE_COLUMNS)


def _pkh_components(rng: np.random.Generator, folk: People) -> IntArray:
    """Index into PKH_YEARLY for members who qualify for a PKH component, else -1."""
    age, school = folk.age, folk.enrolled
    pregnant = (
        folk.female & np.isin(folk.role, (HEAD, SPOUSE, IN_LAW)) & (age >= 18) & (age <= 40)
        & (rng.random(len(age)) < 0.06)
    )
    conditions = [
        pregnant, age <= 6, school & (age <= 12), school & (age <= 15), school & (age <= 18),
        folk.severe_disability, age >= 60,
    ]
    return np.select(conditions, list(range(len(PKH_YEARLY))), default=-1).astype(np.int64)


def _pkh_receipts(rng: np.random.Generator, folk: People, gets: BoolArray) -> Receipts:
    component = _pkh_components(rng, folk)
    member = np.flatnonzero((component >= 0) & gets[folk.household])
    member = member[_rank_in_household(folk.household[member]) < PKH_MAX_MEMBERS]
    quarterly = np.asarray([yearly // PKH_STAGES for yearly in PKH_YEARLY.values()], dtype=np.int64)
    n = len(member)
    return Receipts(
        household=folk.household[member], person=member, programme=np.full(n, 0, dtype=np.int64),
        component=component[member], period=np.zeros(n, dtype=np.int64), amount=quarterly[component[member]],
    )


def _rank_in_household(household: IntArray) -> IntArray:
    """0, 1, 2… within each run of equal households (people are stored family by family)."""
    if not len(household):
        return np.zeros(0, dtype=np.int64)
    is_first = np.r_[True, household[1:] != household[:-1]]
    first = np.flatnonzero(is_first)
    return np.arange(len(household)) - first[np.cumsum(is_first) - 1]


def _monthly(household: IntArray, person: IntArray, programme: int, amount: int) -> Receipts:
    """One receipt per recipient and month of the quarter, each recipient's months together."""
    n = len(household) * 3
    return Receipts(
        household=np.repeat(household, 3), person=np.repeat(person, 3),
        programme=np.full(n, programme, dtype=np.int64), component=np.full(n, -1, dtype=np.int64),
        period=np.tile(np.arange(1, 4, dtype=np.int64), len(household)), amount=np.full(n, amount, dtype=np.int64),
    )


def _sembako_receipts(gets: BoolArray) -> Receipts:
    families = np.flatnonzero(gets).astype(np.int64)
    return _monthly(families, np.full(len(families), -1, dtype=np.int64), 1, SEMBAKO_MONTHLY)


def _pbi_receipts(folk: People, gets: BoolArray) -> Receipts:
    members = np.flatnonzero(gets[folk.household]).astype(np.int64)
    return _monthly(folk.household[members], members, 2, PBI_JKN_MONTHLY)


# --- errors ---------------------------------------------------------------------------------------


def inject_errors(
    rng: np.random.Generator, people: pl.DataFrame, nik: IntArray, config: SynthConfig
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Give round(rate x rows) distinct rows one error each; returns the new frame and the log."""
    count = round(config.error_rate * people.height)
    rows = np.sort(rng.choice(people.height, size=count, replace=False)).astype(np.int64)
    kinds = rng.integers(0, len(ERROR_KINDS), count)
    columns = {name: people[name] for name in ("full_name", "nik", "sex", "birth_date")}
    for index, kind in enumerate(ERROR_KINDS):
        chosen = rows[kinds == index]
        if len(chosen) and kind != "duplicate_row":
            column, values = _corrupt(rng, kind, people, nik, chosen, config)
            columns[column] = columns[column].scatter(chosen, values)
    people = people.with_columns(list(columns.values()))
    duplicated = rows[kinds == ERROR_KINDS.index("duplicate_row")]
    return _with_duplicates(people, duplicated), _error_log(rows, kinds, duplicated)


def _corrupt(
    rng: np.random.Generator, kind: str, people: pl.DataFrame, nik: IntArray, rows: IntArray, config: SynthConfig
) -> tuple[str, pl.Series]:
    if kind == "name_typo":
        return "full_name", _typos(rng, people["full_name"].gather(rows))
    if kind.startswith("nik_"):
        return "nik", _bad_niks(rng, kind, nik[rows])
    if kind == "sex_mismatch":
        return "sex", people["sex"].gather(rows).replace_strict({"L": "P", "P": "L"})
    return "birth_date", _bad_dates(rng, kind, people["birth_date"].gather(rows), config)


def _typos(rng: np.random.Generator, names: pl.Series) -> pl.Series:
    """Drop, double or swap a letter of the first name: the slips of hurried data entry."""
    frame = pl.DataFrame({"name": names, "u": rng.random(len(names)), "how": rng.integers(0, 3, len(names))})
    name = pl.col("name")
    first_length = name.str.find(" ").fill_null(name.str.len_chars())
    at = (pl.col("u") * (first_length - 1)).floor().cast(pl.Int64)
    head, rest = name.str.slice(0, at), name.str.slice(at + 2)
    this, following = name.str.slice(at, 1), name.str.slice(at + 1, 1)
    dropped = head + following + rest
    doubled = head + this + this + following + rest
    swapped = head + following + this + rest
    typo = (
        pl.when(pl.col("how") == 0).then(dropped)
        .when(pl.col("how") == 1).then(doubled)
        .when(swapped != name).then(swapped)
        .otherwise(dropped)
    )
    return frame.select(typo.alias("full_name")).to_series()


def _bad_niks(rng: np.random.Generator, kind: str, niks: IntArray) -> pl.Series:
    digits = (niks[:, None] // 10 ** np.arange(15, -1, -1, dtype=np.int64)) % 10
    text = (digits + ord("0")).astype(np.uint8)
    rows = np.arange(len(niks))
    if kind == "nik_swapped_digits":
        # Only swap two different digits, so the number really changes.
        differ = digits[:, :-1] != digits[:, 1:]
        at = np.argmax(differ * rng.random(differ.shape), axis=1)
        text[rows, at], text[rows, at + 1] = text[rows, at + 1], text[rows, at].copy()
        return _strings(text)
    at = rng.integers(0, 16, len(niks))
    if kind == "nik_15_digits":
        keep = np.arange(16)[None, :] != at[:, None]
        return _strings(text[keep].reshape(len(niks), 15))
    text[rows, at] = np.frombuffer(DIGIT_LOOKALIKES, dtype=np.uint8)[digits[rows, at]]
    return _strings(text)


def _strings(ascii_rows: npt.NDArray[np.uint8]) -> pl.Series:
    width = ascii_rows.shape[1]
    return pl.Series(np.ascontiguousarray(ascii_rows).view(f"S{width}").ravel().astype(f"U{width}"), dtype=pl.Utf8)


def _bad_dates(rng: np.random.Generator, kind: str, dates: pl.Series, config: SynthConfig) -> pl.Series:
    frame = pl.DataFrame({"d": dates, "u": rng.random(len(dates))})
    year, month, day = (pl.col("d").str.slice(0, 4), pl.col("d").str.slice(5, 2), pl.col("d").str.slice(8, 2))
    if kind == "impossible_date":
        bad = pl.format("{}-02-{}", year, pl.when(pl.col("u") < 0.5).then(pl.lit("30")).otherwise(pl.lit("31")))
    elif kind == "date_dd_mm_yyyy":
        bad = pl.format("{}/{}/{}", day, month, year)
    else:
        # A mistyped century: 1987 becomes 2087. Kept 25+ years past the reference date, so the
        # date stays in the future for whoever reads the files in the years to come.
        future = pl.max_horizontal(year.cast(pl.Int64) + 100, pl.lit(config.reference_date.year + 25))
        # 29 February may not exist in the new year; the 28th keeps this error a pure "future" one.
        safe_day = pl.when((month == "02") & (day == "29")).then(pl.lit("28")).otherwise(day)
        bad = pl.format("{}-{}-{}", future.cast(pl.Utf8), month, safe_day)
    return frame.select(bad.alias("birth_date")).to_series()


def _with_duplicates(people: pl.DataFrame, rows: IntArray) -> pl.DataFrame:
    if not len(rows):
        return people
    order = np.concatenate([np.arange(people.height), rows])
    # Stable sort puts each copy straight after its original.
    return people[np.sort(order, kind="stable")]


def _error_log(rows: IntArray, kinds: IntArray, duplicated: IntArray) -> pl.DataFrame:
    # Row numbers shift by one for every duplicate written above them.
    shift = np.searchsorted(duplicated, rows, side="left")
    written = rows + shift + (kinds == ERROR_KINDS.index("duplicate_row"))
    return pl.DataFrame(
        {"row": written.astype(np.int64), "kind": _labels(ERROR_KINDS, kinds.astype(np.int64))}
    )


# --- quarterly extracts ---------------------------------------------------------------------------
#
# The registry is extracted every quarter; `generate` gives one extract (the reference date).
# `generate_extracts` writes its households at quarterly dates ending at the reference date, oldest
# first, from
#   log income[i, t] = log income[i]  (`generate`'s, in the anchor extract: the household's level)
#                      + NATIONAL_TREND x quarters after the anchor       (common to everyone)
#                      + regency shock[r, t]             (one draw per regency and quarter)
#                      + noise[i, t]                     (AR(1) over quarters, a new draw per household and quarter)
# the shocks and noise being 0 in the anchor extract, which so holds `generate`'s households. The
# anchor is the latest extract (households.csv is then the latest extract), or the first one for a
# programme that chose its families on households.csv (the demo's: `anchor="first"`), so that its
# families and the comparison families were both chosen on the data before every enrolment.
# The desil of each extract is recomputed from this income against the decile bands moved by the
# national trend (DTSEN deciles rank households nationally), so households change desil; housing
# and assets improve slowly, more often where income grew (one feature one level up and one asset
# gained, in a quarter drawn at random, for some households).
#
# A programme is planted on top: its participants (drawn among desil 1-3 of the first extract, the
# poorer more likely, or given) carry `effect` on their log income in every extract dated after their
# enrolment, in full from the first one (no build-up), and `pre_trend` per quarter before it
# (a differential trend, for testing estimators: 0 by default). `counterfactual` keeps the incomes
# without the programme, drawn from the same numbers whatever the effect, so the effect of a run is
# exactly `log_income - counterfactual`.

NATIONAL_TREND = 0.01  # log per-capita income per quarter, everywhere
REGENCY_SHOCK_SD = 0.03
HOUSEHOLD_NOISE_SD = 0.07  # a quarter's new noise; it persists (AR(1)), as incomes do
HOUSEHOLD_NOISE_PERSISTENCE = 0.7
MAX_EXTRACTS = 40  # ten years of quarters
PROGRAMME_DESIL = 3  # participants are drawn among desil 1..3 of the first extract
FIRST_COHORT = 2  # 0-based: the first extract after an enrolment is the 3rd or later (two before it)
HOUSING = {
    "floor_material": FLOOR, "wall_material": WALL, "roof_material": ROOF, "drinking_water": WATER,
    "sanitation": SANITATION, "electricity_watt": ELECTRICITY, "cooking_fuel": FUEL,
}


@dataclass(frozen=True)
class ExtractConfig:
    extracts: int = 1  # 1: only the latest extract, i.e. households.csv; no extract files
    programme_share: float = 0.0  # of desil 1-3 households (first extract) drawn into the programme
    effect: float = 0.0  # on log per-capita income, in the extracts dated after enrolment
    pre_trend: float = 0.0  # participants' extra log income growth per quarter before enrolment
    # Enrolment dates by No. KK (a programme that exists, e.g. the demo's) instead of drawn ones.
    enrolled: Mapping[str, date] | None = None
    # The extract that holds `generate`'s households: "latest" (households.csv is the latest extract)
    # or "first" (for a programme that chose its families on households.csv: the data before every
    # enrolment, as for the comparison families, so neither group is chosen on a passing low).
    anchor: str = "latest"


@dataclass(frozen=True)
class Extracts:
    dates: tuple[date, ...]  # oldest first; the last is the reference date
    households: tuple[pl.DataFrame, ...]  # one households table per date
    log_income: FloatArray  # households x extracts, before rounding to the thousand
    counterfactual: FloatArray  # the same without the programme
    treated: BoolArray  # households x extracts: a participant's extract dated after its enrolment
    programme: pl.DataFrame  # kk_number, enrolled_on of every participant (household order)
    planted: bool = False  # a programme was asked for (a share or given enrolments)
    unmatched: int = 0  # given enrolments whose No. KK is not among the households


def check_extracts(config: ExtractConfig) -> None:
    if not isinstance(config.extracts, int) or not 1 <= config.extracts <= MAX_EXTRACTS:
        raise SynthError("--extracts", f"must be a whole number from 1 to {MAX_EXTRACTS}, not {config.extracts!r}")
    _check_number("--programme-share", config.programme_share, 0.0, 1.0, "a fraction between 0 and 1")
    _check_number("--effect", config.effect, -1.0, 1.0, "a log effect on income between -1 and 1")
    _check_number("--pre-trend", config.pre_trend, -0.5, 0.5, "a log trend per quarter between -0.5 and 0.5")
    if config.anchor not in ("latest", "first"):
        raise SynthError("anchor", f"must be 'latest' or 'first', not {config.anchor!r}")
    planted = config.programme_share > 0 or config.enrolled is not None
    if config.programme_share > 0 and config.enrolled is not None:
        raise SynthError("--programme-share", "give a share or the enrolments, not both")
    if planted and config.extracts < FIRST_COHORT + 1:
        raise SynthError("--extracts", f"a programme needs {FIRST_COHORT + 1} extracts or more (two before the "
                                       f"first enrolment), not {config.extracts}")


def _check_number(option: str, value: object, low: float, high: float, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise SynthError(option, f"must be {what}, not {value!r}")


def extract_dates(reference: date, count: int) -> tuple[date, ...]:
    """`count` quarterly dates ending at `reference`, oldest first; month ends stay month ends."""
    month_end = (reference + timedelta(days=1)).day == 1
    dates = []
    for back in range(count - 1, -1, -1):
        year, month = divmod(reference.year * 12 + reference.month - 1 - 3 * back, 12)
        last = monthrange(year, month + 1)[1]
        dates.append(date(year, month + 1, last if month_end else min(reference.day, last)))
    return tuple(dates)


def generate_extracts(
    geo: Geography, config: SynthConfig, extracts: ExtractConfig, progress: Progress | None = None
) -> tuple[SynthTables, Extracts]:
    """`generate`'s tables (unchanged) and the quarterly extracts ending at the reference date."""
    check_extracts(extracts)
    step = progress or (lambda _: None)
    tables, homes = _generate(geo, config, step)
    step("extracts")
    return tables, _extracts(geo, homes, tables.households, config, extracts)


def write_extracts(extracts: Extracts, out_dir: Path) -> list[tuple[Path, int]]:
    """households-YYYY-MM-DD.csv per extract (none for a single one: that is households.csv) and
    programme.csv when a programme was planted."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    frames = list(zip(extracts.dates, extracts.households, strict=True)) if len(extracts.dates) > 1 else []
    for day, frame in frames:
        path = out_dir / f"households-{day.isoformat()}.csv"
        frame.write_csv(path)
        written.append((path, frame.height))
    if extracts.planted:
        path = out_dir / "programme.csv"
        extracts.programme.write_csv(path)
        written.append((path, extracts.programme.height))
    return written


def _extracts(
    geo: Geography, homes: Households, latest: pl.DataFrame, config: SynthConfig, options: ExtractConfig
) -> Extracts:
    # Its own generator: the tables above stay those of `generate`, and every draw below is made
    # whatever the options, so runs differing only in the effect share all their numbers.
    rng = np.random.default_rng([config.seed, 19])
    dates = extract_dates(config.reference_date, options.extracts)
    count, last = len(homes.kk), options.extracts - 1
    anchor = 0 if options.anchor == "first" else last
    # The national trend, relative to the extract that holds `generate`'s households.
    trend = NATIONAL_TREND * (np.arange(options.extracts, dtype=np.int64) - anchor)
    regency = np.unique(geo.villages.str.slice(0, 5).to_numpy(), return_inverse=True)[1].astype(np.int64)
    shocks = rng.normal(0.0, REGENCY_SHOCK_SD, (int(regency.max()) + 1 if len(regency) else 0, options.extracts))
    noise = rng.normal(0.0, HOUSEHOLD_NOISE_SD, (count, options.extracts))
    shocks[:, anchor] = 0.0
    noise[:, anchor] = 0.0
    # Persistent: each quarter keeps part of the noise of its neighbour nearer the anchor.
    for t in range(anchor - 1, -1, -1):
        noise[:, t] += HOUSEHOLD_NOISE_PERSISTENCE * noise[:, t + 1]
    for t in range(anchor + 1, options.extracts):
        noise[:, t] += HOUSEHOLD_NOISE_PERSISTENCE * noise[:, t - 1]
    counterfactual = homes.log_income[:, None] + trend[None, :] + shocks[regency[homes.village]] + noise
    bands = np.log(np.asarray(INCOME_BANDS[1:10]) * config.poverty_line)

    def deciles(log_income: FloatArray) -> IntArray:
        deflated = log_income - trend[None, :]
        return (1 + np.searchsorted(bands, deflated.ravel(), side="right").reshape(deflated.shape)).astype(np.int64)

    enrolled, unmatched = _enrolments(rng, homes, deciles(counterfactual)[:, 0], dates, latest, options)
    stamps = np.asarray(dates, dtype="datetime64[D]")
    treated = stamps[None, :] > enrolled[:, None]  # NaT (not a participant) compares False
    first_after = np.searchsorted(stamps, enrolled, side="right")  # extract index; NaT sorts last
    participant = ~np.isnat(enrolled)
    lead = np.minimum(np.arange(options.extracts)[None, :] - first_after[:, None], 0) * participant[:, None]
    log_income = counterfactual + options.effect * treated + options.pre_trend * lead
    desil = deciles(log_income)
    # The anchor extract is `generate`'s: its deciles as drawn, wherever the programme left the income.
    unchanged = log_income[:, anchor] == homes.log_income
    desil[:, anchor] = np.where(unchanged, homes.decile, desil[:, anchor])
    held = _holdings(rng, latest, log_income[:, last] - log_income[:, 0], options.extracts, anchor)
    frames = tuple(
        latest.with_columns(pl.lit(dates[t].isoformat()).alias("decile_date")) if t == anchor and unchanged.all()
        else _extract_frame(latest, held, t, dates[t], desil[:, t], _rounded(log_income[:, t]), config)
        for t in range(options.extracts)
    )
    programme = pl.DataFrame(
        {"kk_number": latest["kk_number"], "enrolled_on": pl.Series(enrolled, dtype=pl.Date)}
    ).filter(pl.col("enrolled_on").is_not_null())
    planted = options.programme_share > 0 or options.enrolled is not None
    return Extracts(dates, frames, log_income, counterfactual, treated, programme, planted, unmatched)


def _enrolments(
    rng: np.random.Generator, homes: Households, first_desil: IntArray, dates: tuple[date, ...],
    latest: pl.DataFrame, options: ExtractConfig,
) -> tuple[npt.NDArray[np.datetime64], int]:
    """Enrolment date per household (NaT for none) and how many given No. KK matched no household."""
    count = len(homes.kk)
    keys = np.log(rng.random(count))  # Efraimidis-Spirakis: the largest log(u) / weight are drawn
    cohort = rng.integers(FIRST_COHORT, max(len(dates), FIRST_COHORT + 1), count)
    day = rng.random(count)
    enrolled = np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    if options.enrolled is not None:
        given = pl.DataFrame(
            {"kk_number": list(options.enrolled), "enrolled_on": list(options.enrolled.values())},
            schema={"kk_number": pl.Utf8, "enrolled_on": pl.Date},
        )
        found = latest.select("kk_number").with_row_index("row").join(given, on="kk_number")
        enrolled[found["row"].to_numpy()] = found["enrolled_on"].to_numpy().astype("datetime64[D]")
        return enrolled, given.height - found.height
    eligible = np.flatnonzero(first_desil <= PROGRAMME_DESIL)
    chosen = round(options.programme_share * len(eligible))
    if not chosen:
        return enrolled, 0
    # Selection on observables: desil 1 three times, desil 2 twice as likely as desil 3.
    weight = (PROGRAMME_DESIL + 1 - first_desil[eligible]).astype(np.float64)
    picked = eligible[np.argpartition(-(keys[eligible] / weight), chosen - 1)[:chosen]]
    stamps = np.asarray(dates, dtype="datetime64[D]")
    # A day strictly between the extract before the cohort's first treated extract and that one.
    start, end = stamps[cohort[picked] - 1], stamps[cohort[picked]]
    gap = (end - start).astype(np.int64)
    enrolled[picked] = start + (1 + np.floor(day[picked] * (gap - 1))).astype("timedelta64[D]")
    return enrolled, 0


@dataclass(frozen=True)
class Holdings:
    """`generate`'s housing and assets as codes (held in the anchor extract), and what changed when."""

    levels: IntArray  # households x HOUSING: index into each feature's list
    owned: BoolArray  # households x ASSETS
    feature: IntArray  # the housing feature one level higher from `feature_since` on (column of `levels`)
    feature_since: IntArray  # the first extract (0-based) with the higher level; 0: none
    asset: IntArray  # the asset held from `asset_since` on (column of `owned`)
    asset_since: IntArray
    anchor: int  # the extract holding `generate`'s households


# How likely an asset is to be the one a family gains, following ASSETS: phones and motorcycles first.
GAINED = (3.0, 2.0, 2.0, 4.0, 2.0, 0.5, 0.2, 0.3)


def _holdings(
    rng: np.random.Generator, latest: pl.DataFrame, growth: FloatArray, extracts: int, anchor: int
) -> Holdings:
    """An asset gained and one housing feature one level up, each in a quarter drawn at random, for
    some households: more often where income grew over the extracts. Anchored at the latest
    extract, they were missing before that quarter; anchored at the first, they come then."""
    count, quarters = latest.height, extracts - 1
    owned = latest.select(
        [pl.col("assets").str.split(";").list.contains(name).fill_null(False).alias(name) for name in ASSETS]
    ).to_numpy().astype(np.bool_).reshape(count, len(ASSETS))
    levels = np.column_stack([_codes(latest[name], labels) for name, labels in HOUSING.items()]).reshape(
        count, len(HOUSING))
    top = np.asarray([len(labels) - 1 for labels in HOUSING.values()], dtype=np.int64)
    # Later than the anchor: gain what one lacks; earlier: what one has was gained in the window.
    can_gain = owned if anchor else ~owned
    can_raise = levels > 0 if anchor else levels < top[None, :]
    asset = np.argmax(rng.random(owned.shape) ** (1 / np.asarray(GAINED)) * can_gain, axis=1).astype(np.int64)
    feature = np.argmax(rng.random(levels.shape) * can_raise, axis=1).astype(np.int64)
    gains = can_gain.any(axis=1) & (rng.random(count) < np.clip(0.01 * quarters + 1.0 * growth, 0.0, 0.5))
    raises = can_raise.any(axis=1) & (rng.random(count) < np.clip(0.005 * quarters + 0.5 * growth, 0.0, 0.4))
    asset_since = np.where(gains, rng.integers(1, max(quarters, 1) + 1, count), 0).astype(np.int64)
    feature_since = np.where(raises, rng.integers(1, max(quarters, 1) + 1, count), 0).astype(np.int64)
    return Holdings(levels, owned, feature, feature_since, asset, asset_since, anchor)


def _codes(column: pl.Series, labels: Sequence[object]) -> IntArray:
    if column.dtype == pl.Utf8:
        codes = column.replace_strict(list(labels), list(range(len(labels))), return_dtype=pl.Int64)
        return codes.to_numpy().astype(np.int64)
    return np.searchsorted(np.asarray(labels, dtype=np.int64), column.to_numpy()).astype(np.int64)


def _extract_frame(
    latest: pl.DataFrame, held: Holdings, t: int, day: date, desil: IntArray, income: IntArray, config: SynthConfig
) -> pl.DataFrame:
    """`generate`'s households as they were in extract `t`: their own income and desil, the housing
    and assets they had then."""
    levels, owned = held.levels.copy(), held.owned.copy()
    if held.anchor:  # the changes are those made after extract t
        rows = np.flatnonzero(held.feature_since > t)
        levels[rows, held.feature[rows]] -= 1
        rows = np.flatnonzero(held.asset_since > t)
        owned[rows, held.asset[rows]] = False
    else:  # the changes are those made by extract t
        rows = np.flatnonzero((held.feature_since > 0) & (held.feature_since <= t))
        levels[rows, held.feature[rows]] += 1
        rows = np.flatnonzero((held.asset_since > 0) & (held.asset_since <= t))
        owned[rows, held.asset[rows]] = True
    housing = [
        pl.Series(name, np.asarray(labels, dtype=np.int64)[levels[:, i]]) if name == "electricity_watt"
        else _labels(tuple(str(label) for label in labels), levels[:, i]).alias(name)
        for i, (name, labels) in enumerate(HOUSING.items())
    ]
    listed = pl.concat_str([pl.when(pl.col(name)).then(pl.lit(name)) for name in ASSETS], separator=";",
                           ignore_nulls=True)
    assets = pl.DataFrame(dict(zip(ASSETS, owned.T, strict=True))).select(
        pl.when(listed != "").then(listed).alias("assets")).to_series()
    return latest.with_columns(
        pl.Series("decile", desil),
        pl.lit(day.isoformat()).alias("decile_date"),
        pl.Series("per_capita_income", income),
        *housing,
        assets,
        pl.Series("extreme_poor", (income < config.extreme_poverty_line).astype(np.int64)),
    ).select(HOUSEHOLD_COLUMNS)
