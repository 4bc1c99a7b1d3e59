"""Who sees which enrolments: region officers their region, facilitators only their caseload."""

import pytest

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.graduation.queries import enrolments_for
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, facilitator, programme

pytestmark = pytest.mark.django_db


def test_a_facilitator_sees_only_their_caseload(agency: Agency) -> None:
    prog = programme(agency)
    mine, theirs = facilitator(agency, "saya"), facilitator(agency, "rekan")
    own = enrol(prog, fac=mine)
    other = enrol(prog, fac=theirs)
    assert list(enrolments_for(mine.user)) == [own]
    client = client_for(mine.user)
    listed = [row["id"] for row in client.get("/api/enrolments/").json()["results"]]
    assert listed == [own.pk]
    assert client.get(f"/api/enrolments/{other.pk}/").status_code == 404
    assert client.get(f"/api/enrolments/{own.pk}/").status_code == 200


def test_a_klaten_officer_cannot_reach_kupang_enrolments(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    klaten, kupang = enrol(prog), enrol(prog, KUPANG_VILLAGE)
    client = client_for(klaten_officer)
    listed = [row["id"] for row in client.get("/api/enrolments/").json()["results"]]
    assert listed == [klaten.pk]
    response = client.get(f"/api/enrolments/{kupang.pk}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="klaten").exists()
