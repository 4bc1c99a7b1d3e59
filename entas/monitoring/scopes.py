"""Indicator numbers are counts, not people: the confined roles see them for their region."""

from entas.accounts.roles import CONFINED
from entas.core import scoping
from entas.monitoring.models import RegionRollup, Rollup, Target


def register() -> None:
    for role in CONFINED:
        for model in (Target, Rollup, RegionRollup):
            scoping.rule(model, role, None)
