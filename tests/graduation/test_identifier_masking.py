"""No. KK on the enrolment, enrol and training pages is masked for the roles that see NIK masked
(issue 12, item 12), and shown in full to those who work with the families."""

import datetime

import pytest

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.identifiers import mask_nik
from entas.graduation import services
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(agency: Agency) -> tuple[str, list[str]]:
    prog = programme(agency)
    enrolment = enrol(prog)
    session = services.record_training(None, prog, kind="training", topic="Pembukuan", on=datetime.date(2025, 8, 1),
                                       region_code="33.10", attendees=[enrolment])
    urls = [f"/programmes/enrolments/{enrolment.pk}/", f"/programmes/{prog.pk}/enrol/",
            f"/programmes/sessions/{session.pk}/"]
    return enrolment.household.kk_number, urls


@pytest.mark.parametrize("role", [Role.ANALYST, Role.API_CLIENT])
def test_roles_that_see_nik_masked_see_no_kk_in_full(make_user: object, pages: tuple[str, list[str]],
                                                     role: str) -> None:
    kk, urls = pages
    client = client_for(make_user("pembaca", role, "33.10"))  # type: ignore[operator]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert kk not in body, url
        assert mask_nik(kk) in body, url


def test_an_officer_sees_the_kk_in_full(klaten_officer: User, pages: tuple[str, list[str]]) -> None:
    kk, urls = pages
    client = client_for(klaten_officer)
    for url in urls:
        assert kk in client.get(url).content.decode(), url
