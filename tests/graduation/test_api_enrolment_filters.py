"""A partner's developer lists enrolments by programme, status, region and cohort; a bad filter
answers 400 naming it."""

import pytest

from entas.accounts.models import Agency, User
from entas.graduation import services
from entas.graduation.models import Enrolment
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, TODAY, programme

pytestmark = pytest.mark.django_db


def listed(user: User, **params: str) -> list[int]:
    response = client_for(user).get("/api/enrolments/", params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_it_filters_enrolments_by_programme_status_region_and_cohort(
        prog: Programme, agency: Agency, national_admin: User) -> None:
    other = programme(agency, name="Program lain")
    here, there, elsewhere = enrol(prog), enrol(prog, KLATEN_OTHER_VILLAGE), enrol(other)
    services.exit_enrolment(None, there, reason="moved", on=TODAY)
    assert listed(national_admin, programme=str(prog.pk)) == [here.pk, there.pk]
    assert listed(national_admin, status="exited") == [there.pk]
    assert listed(national_admin, region=KLATEN_OTHER_VILLAGE) == [there.pk]
    assert listed(national_admin, region="33.10", programme=str(other.pk)) == [elsewhere.pk]
    assert listed(national_admin, cohort=Enrolment.objects.get(pk=here.pk).cohort) == [here.pk, there.pk, elsewhere.pk]
    assert listed(national_admin, cohort="1999-Q1") == []


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "lulus"}, "status"), ({"programme": "abc"}, "programme"), ({"region": "33-10"}, "region"),
    ({"cohort": "2025-Q5"}, "cohort")])
def test_it_names_a_bad_filter(national_admin: User, params: dict[str, str], field: str) -> None:
    response = client_for(national_admin).get("/api/enrolments/", params)
    assert response.status_code == 400 and list(response.json()) == [field]
