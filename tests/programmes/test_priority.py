"""The priority ranking on small data."""


import pytest
from django.utils import translation

from entas.accounts.models import Agency
from entas.programmes import priority, services
from tests.enterprises.factories import cooperative, enterprise
from tests.programmes.factories import (
    KLATEN_VILLAGE,
    KUPANG_VILLAGE,
    home,
    programme,
)

pytestmark = pytest.mark.django_db


def test_the_ranking_puts_the_poorest_regency_first_and_explains_it(agency: Agency) -> None:
    for _ in range(3):
        home(KUPANG_VILLAGE)
    home(KLATEN_VILLAGE)
    home(KLATEN_VILLAGE, decile=6)
    enterprise()
    cooperative()

    ranked = priority.rank({"low_decile_share": 1, "extreme_poor": 1})
    assert len(ranked) == 514
    assert [r.code for r in ranked[:2]] == ["53.01", "33.10"]
    assert ranked[1].measures["low_decile_share"] == 0.5
    assert ranked[1].measures["cooperatives"] == 1

    potential = priority.rank({"cooperatives_per_1000": 1})
    assert potential[0].code == "33.10"

    with translation.override("en"):
        saved = services.save_priority_list(None, programme(agency), name="NTT dan Jateng",
                                            weights={"extreme_poor": 1}, quotas={"53": 1, "33": 2})
    locations = list(saved.locations.values_list("rank", "region", "explanation"))
    assert [(rank, region) for rank, region, _ in locations][:2] == [(1, "53.01"), (2, "33.10")]
    assert len(locations) == 3
    assert locations[1][2].startswith("rank 2: 50.0\u00a0% desil 1-2, 1 extreme-poor households, 1 active cooperatives")
