"""The admin shows enrolments only in scope, and changes nothing."""

import pytest

from entas.accounts.models import Agency, User
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, programme

pytestmark = pytest.mark.django_db


def test_the_admin_scopes_enrolments(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    klaten, kupang = enrol(prog), enrol(prog, KUPANG_VILLAGE)
    client = client_for(klaten_officer)
    listing = client.get("/admin/graduation/enrolment/").content.decode()
    assert klaten.household.kk_number in listing and kupang.household.kk_number not in listing
    # Outside the scope: 404 and logged, like every other route (issue 12, item 17).
    assert client.get(f"/admin/graduation/enrolment/{kupang.pk}/change/").status_code == 404
