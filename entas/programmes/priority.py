"""Rank regencies or districts (kecamatan) by a transparent score built from the registry and the
enterprise register.

Each measure is one grouped query (grouped by the regency prefix `PP.KK` or the district prefix
`PP.KK.DD` of the village code), never a query per place; scoring 514 regencies or 7,000-odd
districts then happens in Python. `within` narrows the places to one region (the districts of one
regency, or a regional officer's own area). Every measure is scaled to 0..1 by dividing by its
largest value among the places ranked, so a weight says how much that measure counts, whatever its
unit. Rates are per 1,000 households: the registry counts households for every place, people only
where members were loaded.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entas.core import numbers
from entas.core.scoping import region_q
from entas.enterprises.models import Cooperative, CooperativeStatus, Enterprise, EnterpriseStatus
from entas.regions.codes import Level
from entas.regions.models import Region
from entas.registry.models import Household

WEIGHT_NAMES = ("extreme_poor", "extreme_poor_share", "low_decile_share", "enterprises_per_1000",
                "cooperatives_per_1000", "sectors")
DEFAULT_WEIGHTS = {"extreme_poor": 2.0, "extreme_poor_share": 2.0, "low_decile_share": 2.0,
                   "enterprises_per_1000": 1.0, "cooperatives_per_1000": 1.0, "sectors": 0.5}
# What each weight measures, as the pages show it (the codes stay the API's and the command's).
WEIGHT_LABELS = {
    "extreme_poor": gettext_lazy("Extreme-poor households"),
    "extreme_poor_share": gettext_lazy("Share of extreme-poor households"),
    "low_decile_share": gettext_lazy("Share of desil 1-2 households"),
    "enterprises_per_1000": gettext_lazy("Active enterprises per 1,000 households"),
    "cooperatives_per_1000": gettext_lazy("Active cooperatives per 1,000 households"),
    "sectors": gettext_lazy("Business sectors (KBLI sections)"),
}
# level name -> (Region.level, length of its code prefix in a village code)
LEVELS: dict[str, tuple[int, int]] = {"regency": (Level.REGENCY, 5), "district": (Level.DISTRICT, 8)}
# The places each level ranks, as a refusal names them.
LEVEL_LABELS = {"regency": gettext_lazy("regencies"), "district": gettext_lazy("districts")}


def weight_choice(name: str) -> str:
    """"Share of desil 1-2 households (low_decile_share)": the weight's label and, for the API, its code."""
    return f"{WEIGHT_LABELS[name]} ({name})" if name in WEIGHT_LABELS else name


def weight_choices() -> str:
    return ", ".join(weight_choice(name) for name in WEIGHT_NAMES)


@dataclass
class Ranked:
    code: str
    name: str
    score: float
    measures: dict[str, float]
    rank: int = 0
    explanation: str = field(default="")


def labelled(weights: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(code, label, value) of each weight, in the order of WEIGHT_NAMES (unknown codes last)."""
    order = [*WEIGHT_NAMES, *sorted(set(weights) - set(WEIGHT_NAMES))]
    return [(name, str(WEIGHT_LABELS.get(name, name)), weights[name]) for name in order if name in weights]


def check_weights(weights: dict[str, Any]) -> dict[str, float]:
    unknown = sorted(set(weights) - set(WEIGHT_NAMES))
    if unknown:
        raise ValidationError({"weights": _("Unknown weight(s) %(unknown)s; the weights are: %(weights)s.") % {
            "unknown": ", ".join(unknown), "weights": weight_choices()}})
    clean = {name: weights.get(name, 0) for name in WEIGHT_NAMES}
    for name, value in clean.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValidationError({"weights": _("The weight %(weight)s is %(value)s: give a number of 0 or more.") % {
                "weight": weight_choice(name), "value": repr(value)}})
    if sum(clean.values()) <= 0:
        raise ValidationError({"weights": _("The weights sum to zero: give at least one weight above 0.")})
    return {name: float(value) for name, value in clean.items()}


def check_level(level: str) -> tuple[int, int]:
    if level not in LEVELS:
        raise ValidationError({"level": _("'%(level)s' is not a level; choose one of: %(choices)s.") % {
            "level": level, "choices": ", ".join(f"{LEVEL_LABELS[code]} ({code})" for code in LEVELS)}})
    return LEVELS[level]


def check_within(within: str | None, level: str) -> str | None:
    """The region to rank inside: a province, or (for districts) also a regency."""
    if not within:
        return None
    depth = check_level(level)[0]
    found = Region.objects.filter(code=within).values_list("level", flat=True).first()
    if found is None:
        raise ValidationError({"within": _("'%(code)s' is not a region code.") % {"code": within}})
    if found >= depth:
        raise ValidationError({"within": _("%(code)s is not larger than the places ranked (%(level)s): give a larger "
                                            "region.") % {"code": within, "level": LEVEL_LABELS[level]}})
    return within


def _places(level: str, within: str | None) -> QuerySet[Region]:
    return Region.objects.filter(region_q(within, "code"), level=check_level(level)[0])


def check_quotas(quotas: dict[str, int], ranked: list[Ranked], level: str = "regency",
                 within: str | None = None) -> None:
    """Each quota names a province and asks for no more places than that province has among the
    `ranked` ones (every place of the level inside `within`)."""
    available = Counter(row.code[:2] for row in ranked)
    noun = str(LEVEL_LABELS.get(level, level))
    for province, quota in quotas.items():
        if province not in available:
            raise ValidationError({"quotas": (
                _("'%(province)s' is not a province code with %(places)s inside %(within)s.") if within else
                _("'%(province)s' is not a province code.")) % {
                    "province": province, "places": noun, "within": within}})
        if isinstance(quota, bool) or not isinstance(quota, int) or quota < 0:
            raise ValidationError({"quotas": _("The quota for province %(province)s is %(quota)s: give a whole number "
                                               "of 0 or more.") % {"province": province, "quota": repr(quota)}})
        if quota > available[province]:
            raise ValidationError({"quotas": _("The quota %(quota)s for province %(province)s is larger than its "
                                               "%(count)s %(places)s.") % {
                "quota": quota, "province": province, "count": available[province], "places": noun}})


def _grouped(queryset: QuerySet[Any], length: int, within: str | None) -> Any:
    return (queryset.filter(region_q(within, "village_id")).order_by()
            .annotate(place=Substr("village_id", 1, length)).values("place"))


def _rows(grouped: Any) -> dict[str, dict[str, int]]:
    return {row.pop("place"): row for row in grouped}


def measures(level: str = "regency", within: str | None = None) -> dict[str, dict[str, int]]:
    """Raw counts per place code: three grouped queries in all."""
    length = check_level(level)[1]
    homes = _rows(_grouped(Household.objects.all(), length, within).annotate(
        households=Count("id"), extreme_poor=Count("id", filter=Q(extreme_poor=True)),
        low_decile=Count("id", filter=Q(decile__lte=2))))
    firms = _rows(_grouped(Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE), length, within).annotate(
        enterprises=Count("id"), sectors=Count("kbli_section", distinct=True)))
    coops = _rows(_grouped(Cooperative.objects.filter(status=CooperativeStatus.ACTIVE), length, within).annotate(
        cooperatives=Count("id")))
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


def rank(weights: dict[str, Any], level: str = "regency", within: str | None = None) -> list[Ranked]:
    """All regencies or districts (inside `within`), best score first (ties by code, so the order
    is reproducible)."""
    clean = check_weights(weights)
    within = check_within(within, level)
    raw = measures(level, within)
    rows = [(code, name, _derived(raw.get(code, {}))) for code, name in _places(level, within).values_list(
        "code", "name")]
    top = {name: max((m[name] for _c, _n, m in rows), default=0) or 1 for name in WEIGHT_NAMES}
    total = sum(clean.values())
    ranked = [Ranked(code, name, sum(clean[w] * m[w] / top[w] for w in WEIGHT_NAMES) / total, m)
              for code, name, m in rows]
    ranked.sort(key=lambda r: (-r.score, r.code))
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    return ranked


def choose(ranked: list[Ranked], quotas: dict[str, int], limit: int | None, level: str = "regency",
           within: str | None = None) -> list[Ranked]:
    """The best `quotas[province]` places of each named province, or the best `limit` overall."""
    if quotas:
        check_quotas(quotas, ranked, level, within)
        taken: dict[str, int] = {}
        chosen = []
        for row in ranked:
            province = row.code[:2]
            if taken.get(province, 0) < quotas.get(province, 0):
                taken[province] = taken.get(province, 0) + 1
                chosen.append(row)
        return chosen
    if limit is None or limit < 1:
        raise ValidationError({"limit": _("Give how many places to choose (1 or more), or quotas per province.")})
    if limit > len(ranked):
        raise ValidationError({"limit": _("%(limit)s is more than the %(count)s %(places)s ranked.") % {
            "limit": limit, "count": len(ranked), "places": LEVEL_LABELS.get(level, level)}})
    return ranked[:limit]


def explain(row: Ranked) -> str:
    m = row.measures
    return _("rank %(rank)s: %(low)s desil 1-2, %(extreme)s extreme-poor households, "
             "%(coops)s active cooperatives, %(firms)s active enterprises") % {
        "rank": numbers.count(row.rank), "low": numbers.percent(100 * m["low_decile_share"]),
        "extreme": numbers.count(m["extreme_poor"]), "coops": numbers.count(m["cooperatives"]),
        "firms": numbers.count(m["enterprises"])}


def weights_from(params: Any) -> dict[str, float]:
    """Weights from text (a query string, a form, the command line): the defaults for names not
    given, a ValidationError naming the weight that is not a number."""
    weights: dict[str, float] = {}
    for name, default in DEFAULT_WEIGHTS.items():
        raw = params.get(name)
        if raw is None or str(raw).strip() == "":
            weights[name] = default
            continue
        try:
            weights[name] = float(raw)
        except (TypeError, ValueError):
            raise ValidationError({"weights": _("%(weight)s: '%(value)s' is not a number.") % {
                "weight": weight_choice(name), "value": raw}}) from None
    return weights


def quotas_from(text: str) -> dict[str, int]:
    """'53=3 33=2' (or with commas) -> {'53': 3, '33': 2}; a ValidationError naming the bad part."""
    quotas: dict[str, int] = {}
    for part in text.replace(",", " ").split():
        province, _sep, number = part.partition("=")
        if not number.strip().isdigit():
            raise ValidationError({"quotas": _("'%(part)s': write PROVINCE=NUMBER, e.g. 53=3.") % {"part": part}})
        quotas[province.strip()] = int(number)
    return quotas


def default_level(scope: str | None) -> str:
    """Regencies for the whole country or a province, districts for anyone working inside a regency."""
    return "regency" if scope is None or len(scope) <= 2 else "district"
