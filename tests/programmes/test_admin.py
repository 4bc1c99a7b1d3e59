"""The admin shows programmes to every admin user, facilitators only in scope, and changes nothing."""

import pytest

from entas.accounts.models import Agency, User
from tests.conftest import client_for
from tests.programmes.factories import facilitator, programme

pytestmark = pytest.mark.django_db


def test_the_admin_lists_programmes_and_scopes_facilitators(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    facilitator(agency, "klaten_f")
    facilitator(agency, "kupang_f", region="53.01.04")
    client = client_for(klaten_officer)
    assert prog.name in client.get("/admin/programmes/programme/").content.decode()
    people = client.get("/admin/programmes/facilitator/").content.decode()
    assert "klaten_f" in people and "kupang_f" not in people
    assert client.get("/admin/programmes/programme/add/").status_code == 403
