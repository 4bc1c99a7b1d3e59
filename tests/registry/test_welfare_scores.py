"""The two welfare scores are defined once and written twice (registry.welfare): the SQL the import
runs and the Python for one household give the same score on a grid of households, nulls included."""

import itertools
from typing import Any

import pytest
from django.db import connection

from entas.registry import welfare
from entas.registry.models import ASSETS, CookingFuel, Floor, Roof, Sanitation, Wall, Water

pytestmark = pytest.mark.django_db
COLUMNS = ("floor_material", "wall_material", "roof_material", "drinking_water", "sanitation", "electricity_watt",
           "cooking_fuel", "assets")
ASSET_LISTS = [None, "", "tv", "TV;tv;car", "Tv", "tvx;xtv", ";".join(ASSETS), "tv; car", "scooter",
               "television;cars", "land;;boat", ";tv;"]


def grid() -> list[dict[str, Any]]:
    """Every value of each housing column (and unknown) once, beside the others' first value, then
    combinations of the adequate and inadequate ends, each with asset lists in turn."""
    options: dict[str, list[Any]] = {
        "floor_material": [*Floor.values, None], "wall_material": [*Wall.values, None],
        "roof_material": [*Roof.values, None], "drinking_water": [*Water.values, None],
        "sanitation": [*Sanitation.values, None], "electricity_watt": [0, 449, 450, 900, 2200, None],
        "cooking_fuel": [*CookingFuel.values, None],
    }
    base = {column: values[0] for column, values in options.items()}
    homes = [{**base, column: value} for column, values in options.items() for value in values]
    ends: dict[str, list[Any]] = {"floor_material": ["earth", "ceramic"], "wall_material": ["bamboo", "plaster_brick"],
            "roof_material": ["thatch", "tile"], "drinking_water": ["river", "piped"],
            "sanitation": ["shared", "own"], "electricity_watt": [0, 1300], "cooking_fuel": ["wood", "lpg_3kg"]}
    homes += [dict(zip(ends, combo, strict=True)) for combo in itertools.product(*ends.values())]
    return [{**home, "assets": ASSET_LISTS[i % len(ASSET_LISTS)]} for i, home in enumerate(homes)]


def scored_in_sql(homes: list[dict[str, Any]]) -> list[tuple[int | None, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE welfare_grid (n integer, floor_material text, wall_material text, "
                       "roof_material text, drinking_water text, sanitation text, electricity_watt integer, "
                       "cooking_fuel text, assets text)")
        try:
            cursor.executemany(f"INSERT INTO welfare_grid VALUES ({', '.join(['%s'] * 9)})",
                               [(n, *(home[c] for c in COLUMNS)) for n, home in enumerate(homes)])
            cursor.execute(f"SELECT {welfare.assets_score_sql('g')}, {welfare.housing_score_sql('g')} "
                           "FROM welfare_grid AS g ORDER BY n")
            return [(a, h) for a, h in cursor.fetchall()]
        finally:
            cursor.execute("DROP TABLE welfare_grid")


def test_the_scores_in_sql_and_in_python_agree_on_a_grid_of_households() -> None:
    homes = grid()
    in_python = [(welfare.assets_score(home), welfare.housing_score(home)) for home in homes]
    assert scored_in_sql(homes) == in_python
    # The grid reaches both ends of both scores and the unknowns.
    assert {h for _, h in in_python} == {None, *range(welfare.HOUSING_MAX + 1)}
    assert {a for a, _ in in_python} >= {0, 1, 2, welfare.ASSETS_MAX}


@pytest.mark.parametrize(("assets", "score"), [
    (None, 0), ("", 0), ("tv", 1), ("TV;tv;car", 2), ("TV", 0), (";".join(ASSETS), 8), ("tv; car", 1),
    ("scooter", 0),
])
def test_the_assets_score_counts_distinct_known_codes(assets: str | None, score: int | None) -> None:
    assert welfare.assets_score({"assets": assets}) == score


def test_the_housing_score_counts_adequate_features_and_is_unknown_with_one_unknown() -> None:
    poor = {"floor_material": "earth", "wall_material": "bamboo", "roof_material": "thatch",
            "drinking_water": "river", "sanitation": "none", "electricity_watt": 0, "cooking_fuel": "wood"}
    good = {"floor_material": "cement", "wall_material": "brick", "roof_material": "zinc",
            "drinking_water": "protected_well", "sanitation": "own", "electricity_watt": 450,
            "cooking_fuel": "electric"}
    assert (welfare.housing_score(poor), welfare.housing_score(good)) == (0, 7)
    assert welfare.housing_score({**good, "sanitation": "shared", "electricity_watt": 449}) == 5
    assert welfare.housing_score({**good, "roof_material": None}) is None


def test_the_sql_refuses_an_alias_that_is_not_a_name() -> None:
    with pytest.raises(ValueError, match="not a table alias"):
        welfare.housing_score_sql("s; DROP TABLE x")


def test_outcomes_name_history_fields() -> None:
    from entas.registry.models import WelfareRecord

    fields = {f.name for f in WelfareRecord._meta.get_fields()}
    assert {o.field for o in welfare.OUTCOMES.values()} <= fields
    assert set(welfare.OUTCOMES) == {"income", "decile", "assets", "housing"}
