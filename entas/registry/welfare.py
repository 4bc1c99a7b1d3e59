"""The welfare outcomes a household's history holds per extract (registry.WelfareRecord), and the
two scores, each defined once and written twice: in SQL for the set-based import, in Python for
one household. tests/registry/test_welfare_scores.py checks that both agree.

assets_score   how many of the known asset codes (models.ASSETS: motorcycle, refrigerator, tv,
               smartphone, livestock, land, boat, car) Household.assets names, each counted once
               however often it repeats; 0 for an empty cell (docs/data-formats.md: empty means
               none); a file without the column writes None (registry.history).
               An item counts only when it is exactly a code between ';', lowercase, as the import
               stores them ("tv; car" or "TV" written by hand elsewhere would not count).
housing_score  how many of seven features of adequate housing ("rumah layak huni", after BPS's
               Susenas indicator and the DTSEN housing questions) the household has:
               floor       not earth (lantai terluas bukan tanah)
               wall        brick, plastered or not, or wood (tembok, kayu/papan); not bamboo
               roof        not thatch (beton, genteng, seng, asbes; not ijuk/rumbia)
               water       improved drinking water: piped, protected or bored well, bottled or refill
                           (not river, spring or unprotected well)
               sanitation  a toilet of the household's own (shared and none are not)
               electricity a PLN connection of at least 450 W, the smallest PLN offers
               cooking     clean fuel: LPG (3 kg or larger) or electric (not firewood or kerosene)
               None unless all seven are known: a count over fewer features would read as worse
               housing, and a feature missing from one extract only would look like a change.

Income per person and the desil are stored as the extract gave them (None when it did not).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from entas.registry.models import ASSETS, CookingFuel, Floor, Roof, Sanitation, Wall, Water

ELECTRICITY_MIN_WATT = 450


def _all_but(choices: type[TextChoices], *excluded: str) -> frozenset[str]:
    return frozenset(str(v) for v in choices.values if v not in excluded)


# Household column -> the values that count as adequate (electricity: the minimum watt instead).
ADEQUATE: dict[str, frozenset[str]] = {
    "floor_material": _all_but(Floor, Floor.EARTH),
    "wall_material": _all_but(Wall, Wall.BAMBOO),
    "roof_material": _all_but(Roof, Roof.THATCH),
    "drinking_water": frozenset({Water.PIPED, Water.PROTECTED_WELL, Water.BOTTLED}),
    "sanitation": frozenset({Sanitation.OWN}),
    "cooking_fuel": frozenset({CookingFuel.LPG_3KG, CookingFuel.LPG_LARGE, CookingFuel.ELECTRIC}),
}
ELECTRICITY = "electricity_watt"
HOUSING_COLUMNS = (*ADEQUATE, ELECTRICITY)
ASSETS_COLUMN = "assets"
ASSET_SEPARATOR = ";"
ASSETS_MAX = len(ASSETS)
HOUSING_MAX = len(HOUSING_COLUMNS)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LITERAL = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def _alias(alias: str) -> str:
    if not _NAME.match(alias):
        raise ValueError(f"not a table alias: {alias!r}")
    return alias


def _literal(value: str) -> str:
    # Our own enum values, checked so that writing them into SQL is safe.
    if not _LITERAL.match(value):
        raise ValueError(f"not a code: {value!r}")
    return f"'{value}'"


def _code(code: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+", code):
        raise ValueError(f"not an asset code: {code!r}")
    return code


def assets_score_sql(alias: str) -> str:
    """SQL for the assets score of the row `alias` (its `assets` column), for the database of the
    default connection (PostgreSQL or SQLite)."""
    column = f"{_alias(alias)}.{ASSETS_COLUMN}"
    # A search for ';code;', not LIKE (whose '%' a caller's parameter substitution would read) nor
    # REPLACE (3 times slower on PostgreSQL): strpos there, instr on SQLite; both case-sensitive.
    find = "strpos" if connection.vendor == "postgresql" else "instr"
    wrapped = f"(';' || {column} || ';')"
    terms = [f"(CASE WHEN {find}({wrapped}, ';{_code(code)};') > 0 THEN 1 ELSE 0 END)" for code in ASSETS]
    # An empty cell means none (docs/data-formats.md); a file without the column writes NULL
    # (history.values_sql).
    return f"(CASE WHEN {column} IS NULL THEN 0 ELSE {' + '.join(terms)} END)"


def housing_score_sql(alias: str) -> str:
    """SQL (PostgreSQL and SQLite) for the housing score of the row `alias` (the household's
    housing columns, HOUSING_COLUMNS)."""
    a = _alias(alias)
    unknown = " OR ".join(f"{a}.{column} IS NULL" for column in HOUSING_COLUMNS)
    terms = [f"(CASE WHEN {a}.{column} IN ({', '.join(_literal(v) for v in sorted(values))}) THEN 1 ELSE 0 END)"
             for column, values in ADEQUATE.items()]
    terms.append(f"(CASE WHEN {a}.{ELECTRICITY} >= {int(ELECTRICITY_MIN_WATT)} THEN 1 ELSE 0 END)")
    return f"(CASE WHEN {unknown} THEN NULL ELSE {' + '.join(terms)} END)"


def _value(household: Mapping[str, Any] | object, name: str) -> Any:
    if isinstance(household, Mapping):
        return household.get(name)
    return getattr(household, name, None)


def assets_score(household: Mapping[str, Any] | object) -> int | None:
    """The assets score of one household: a Household, or a mapping with its `assets`."""
    assets = _value(household, ASSETS_COLUMN)
    if assets is None:  # an empty cell: none (docs/data-formats.md)
        return 0
    items = set(str(assets).split(ASSET_SEPARATOR))
    return sum(1 for code in ASSETS if code in items)


def housing_score(household: Mapping[str, Any] | object) -> int | None:
    """The housing score of one household: a Household, or a mapping with its housing columns."""
    values = {column: _value(household, column) for column in HOUSING_COLUMNS}
    if any(value is None for value in values.values()):
        return None
    score = sum(1 for column, adequate in ADEQUATE.items() if str(values[column]) in adequate)
    return score + (1 if int(values[ELECTRICITY]) >= ELECTRICITY_MIN_WATT else 0)


@dataclass(frozen=True)
class Outcome:
    """An outcome a household's history holds per extract: its WelfareRecord field, its label,
    its greatest value (None: no bound). For each, a higher value means better off."""

    field: str
    label: str | Promise
    maximum: int | None = None


OUTCOMES: dict[str, Outcome] = {
    "income": Outcome("per_capita_income", _("Income per person per month")),
    "decile": Outcome("decile", _("Decile"), 10),
    "assets": Outcome("assets_score", _("Assets score"), ASSETS_MAX),
    "housing": Outcome("housing_score", _("Housing score"), HOUSING_MAX),
}
