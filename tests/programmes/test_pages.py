"""Pages of programmes' own data: the priority ranking."""


import pytest

from entas.accounts.models import User
from tests.conftest import english_client

pytestmark = pytest.mark.django_db


def test_the_ranking_page_names_bad_weights(national_admin: User) -> None:
    client = english_client(national_admin)
    assert client.get("/programmes/priority/").status_code == 200
    zero = {name: 0 for name in ("extreme_poor", "extreme_poor_share", "low_decile_share", "enterprises_per_1000",
                                 "cooperatives_per_1000", "sectors")}
    assert "sum to zero" in client.get("/programmes/priority/", zero).content.decode()
