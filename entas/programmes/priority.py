"""Rank regencies by a transparent score built from the registry and the enterprise register.

Each measure is one grouped query over the whole country (grouped by the regency prefix of the
village code, `PP.KK`), never a query per regency; scoring 514 rows then happens in Python.
Every measure is scaled to 0..1 by dividing by its largest value, so a weight says how much that
measure counts, whatever its unit. Rates are per 1,000 households: the registry counts households
for every regency, people only where members were loaded.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from entas.enterprises.models import Cooperative, CooperativeStatus, Enterprise, EnterpriseStatus
from entas.regions.codes import Level
from entas.regions.models import Region
from entas.registry.models import Household

WEIGHT_NAMES = ("extreme_poor", "extreme_poor_share", "low_decile_share", "enterprises_per_1000",
                "cooperatives_per_1000", "sectors")
DEFAULT_WEIGHTS = {"extreme_poor": 2.0, "extreme_poor_share": 2.0, "low_decile_share": 2.0,
                   "enterprises_per_1000": 1.0, "cooperatives_per_1000": 1.0, "sectors": 0.5}
REGENCY_PREFIX = Substr("village_id", 1, 5)


@dataclass
class Ranked:
    code: str
    name: str
    score: float
    measures: dict[str, float]
    rank: int = 0
    explanation: str = field(default="")


def check_weights(weights: dict[str, Any]) -> dict[str, float]:
    unknown = sorted(set(weights) - set(WEIGHT_NAMES))
    if unknown:
        raise ValidationError({"weights": f"unknown weight(s) {', '.join(unknown)}; use {', '.join(WEIGHT_NAMES)}"})
    clean = {name: weights.get(name, 0) for name in WEIGHT_NAMES}
    for name, value in clean.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValidationError({"weights": f"weight {name} = {value!r}: give a number of 0 or more"})
    if sum(clean.values()) <= 0:
        raise ValidationError({"weights": "the weights sum to zero: give at least one weight above 0"})
    return {name: float(value) for name, value in clean.items()}


def check_quotas(quotas: dict[str, int]) -> None:
    """Each quota names a province and asks for no more regencies than that province has."""
    available = dict(Region.objects.filter(level=Level.REGENCY).annotate(province=Substr("code", 1, 2))
                     .values("province").annotate(n=Count("code")).values_list("province", "n"))
    for province, quota in quotas.items():
        if province not in available:
            raise ValidationError({"quotas": f"'{province}' is not a province code"})
        if isinstance(quota, bool) or not isinstance(quota, int) or quota < 0:
            raise ValidationError({"quotas": f"quota for {province} = {quota!r}: give a whole number of 0 or more"})
        if quota > available[province]:
            raise ValidationError({"quotas": f"quota {quota} for province {province} is larger than its "
                                             f"{available[province]} regencies"})


def _grouped(queryset: QuerySet[Any], **aggregates: Any) -> dict[str, dict[str, int]]:
    rows = queryset.annotate(regency=REGENCY_PREFIX).values("regency").annotate(**aggregates)
    return {row.pop("regency"): row for row in rows}


def measures() -> dict[str, dict[str, int]]:
    """Raw counts per regency code: three grouped queries in all."""
    homes = _grouped(Household.objects.order_by(), households=Count("id"),
                     extreme_poor=Count("id", filter=Q(extreme_poor=True)),
                     low_decile=Count("id", filter=Q(decile__lte=2)))
    firms = _grouped(Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by(), enterprises=Count("id"),
                     sectors=Count("kbli_section", distinct=True))
    coops = _grouped(Cooperative.objects.filter(status=CooperativeStatus.ACTIVE).order_by(), cooperatives=Count("id"))
    result: dict[str, dict[str, int]] = {}
    for source in (homes, firms, coops):
        for code, row in source.items():
            result.setdefault(code, {}).update(row)
    return result


def _derived(raw: dict[str, int]) -> dict[str, float]:
    households = raw.get("households", 0)
    per = 1000 / households if households else 0.0
    return {
        "households": households, "extreme_poor": raw.get("extreme_poor", 0),
        "extreme_poor_share": raw.get("extreme_poor", 0) / households if households else 0.0,
        "low_decile_share": raw.get("low_decile", 0) / households if households else 0.0,
        "enterprises": raw.get("enterprises", 0), "cooperatives": raw.get("cooperatives", 0),
        "enterprises_per_1000": raw.get("enterprises", 0) * per,
        "cooperatives_per_1000": raw.get("cooperatives", 0) * per,
        "sectors": raw.get("sectors", 0),
    }


def rank_regencies(weights: dict[str, Any]) -> list[Ranked]:
    """All regencies, best score first (ties by code, so the order is reproducible)."""
    clean = check_weights(weights)
    raw = measures()
    regencies = Region.objects.filter(level=Level.REGENCY).values_list("code", "name")
    rows = [(code, name, _derived(raw.get(code, {}))) for code, name in regencies]
    top = {name: max((m[name] for _c, _n, m in rows), default=0) or 1 for name in WEIGHT_NAMES}
    total = sum(clean.values())
    ranked = [Ranked(code, name, sum(clean[w] * m[w] / top[w] for w in WEIGHT_NAMES) / total, m)
              for code, name, m in rows]
    ranked.sort(key=lambda r: (-r.score, r.code))
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    return ranked


def choose(ranked: list[Ranked], quotas: dict[str, int], limit: int | None) -> list[Ranked]:
    """The best `quotas[province]` regencies of each named province, or the best `limit` overall."""
    if quotas:
        check_quotas(quotas)
        taken: dict[str, int] = {}
        chosen = []
        for row in ranked:
            province = row.code[:2]
            if taken.get(province, 0) < quotas.get(province, 0):
                taken[province] = taken.get(province, 0) + 1
                chosen.append(row)
        return chosen
    if limit is None or limit < 1:
        raise ValidationError({"limit": "give how many regencies to choose (1 or more), or quotas per province"})
    if limit > len(ranked):
        raise ValidationError({"limit": f"{limit} is more than the {len(ranked)} regencies"})
    return ranked[:limit]


def explain(row: Ranked) -> str:
    m = row.measures
    return _("rank %(rank)d: %(low).0f%% desil 1-2, %(extreme)d extreme-poor households, "
             "%(coops)d active cooperatives, %(firms)d active enterprises") % {
        "rank": row.rank, "low": 100 * m["low_decile_share"], "extreme": m["extreme_poor"],
        "coops": m["cooperatives"], "firms": m["enterprises"]}
