"""The admin shows programmes to every admin user, enrolments and facilitators only in scope, and
changes nothing."""

import pytest

from entas.accounts.models import Agency, User
from tests.conftest import client_for
from tests.programmes.factories import KUPANG_VILLAGE, enrol, facilitator, programme

pytestmark = pytest.mark.django_db


def test_the_admin_lists_programmes_and_scopes_enrolments_and_facilitators(
        agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    klaten, kupang = enrol(prog), enrol(prog, KUPANG_VILLAGE)
    facilitator(agency, "klaten_f")
    facilitator(agency, "kupang_f", region="53.01.04")
    client = client_for(klaten_officer)
    assert prog.name in client.get("/admin/programmes/programme/").content.decode()
    listing = client.get("/admin/programmes/enrolment/").content.decode()
    assert klaten.household.kk_number in listing and kupang.household.kk_number not in listing
    people = client.get("/admin/programmes/facilitator/").content.decode()
    assert "klaten_f" in people and "kupang_f" not in people
    # Outside the scope: 404 and logged, like every other route (issue 12, item 17).
    assert client.get(f"/admin/programmes/enrolment/{kupang.pk}/change/").status_code == 404
    assert client.get("/admin/programmes/programme/add/").status_code == 403
