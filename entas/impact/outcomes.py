"""The outcomes an impact analysis can read: those the registry's per-extract history holds
(registry.welfare.OUTCOMES), measured the same way for enrolled and comparison families, unlike the
programme's own assessments, which exist only for the enrolled. Income is analysed in logs (effects
in percent), the others in their own units."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from entas.registry import welfare


@dataclass(frozen=True)
class Outcome:
    code: str
    column: str
    label: str | Promise
    logged: bool  # effects in percent (log points) rather than in the measure's own units
    unit: str | Promise


UNITS: dict[str, str | Promise] = {"income": "%", "decile": _("deciles")}
OUTCOMES = {code: Outcome(code, o.field, o.label, code == "income", UNITS.get(code, _("points")))
            for code, o in welfare.OUTCOMES.items()}
COVARIATES = ("per_capita_income", "decile", "assets_score", "housing_score")
