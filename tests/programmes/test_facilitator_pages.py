"""The facilitator pages: the list with its actions, making one (account shown once with its
first sign-in link), the bulk upload with template and links, a facilitator's page with change
and deactivation; officers inside their region only."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from entas.accounts.models import Agency, User
from entas.graduation.models import Enrolment
from entas.programmes.models import Facilitator
from tests.conftest import english_client
from tests.graduation.factories import enrol
from tests.programmes.factories import facilitator, programme
from tests.programmes.test_facilitators import good, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_the_list_links_each_facilitator_and_offers_the_actions(agency: Agency, klaten_officer: User) -> None:
    siti = facilitator(agency, "siti")
    page = english_client(klaten_officer).get("/programmes/facilitators/").content.decode()
    assert f"/programmes/facilitators/{siti.pk}/" in page and "/programmes/facilitators/new/" in page


def test_a_facilitator_sees_no_actions_and_no_colleague(agency: Agency) -> None:
    siti, rekan = facilitator(agency, "siti"), facilitator(agency, "rekan")
    client = english_client(siti.user)
    page = client.get("/programmes/facilitators/").content.decode()
    assert "/programmes/facilitators/new/" not in page
    assert client.get(f"/programmes/facilitators/{rekan.pk}/").status_code == 404
    assert client.get("/programmes/facilitators/new/").status_code == 403


def test_a_new_account_gets_a_first_sign_in_link_shown_once(agency: Agency, klaten_officer: User) -> None:
    client = english_client(klaten_officer)
    answer = client.post("/programmes/facilitators/new/", {
        "username": "baru", "first_name": "Dewi", "agency": agency.pk, "region": "33.10.01", "capacity": 20,
        "yearly_target": 10})
    assert answer.status_code == 200
    link = answer.context["link"]
    assert "/programmes/welcome/" in link
    made = Facilitator.objects.get(user__username="baru")
    # The facilitator follows the link and chooses her password; the link then stops working.
    visitor = client.__class__()
    form_page = visitor.get(link, follow=True)
    assert form_page.context["validlink"]
    done = visitor.post(form_page.redirect_chain[-1][0], {"new_password1": "Pendamping-Klaten-2026",
                                                         "new_password2": "Pendamping-Klaten-2026"})
    assert done.status_code == 302
    made.user.refresh_from_db()
    assert made.user.check_password("Pendamping-Klaten-2026")
    assert not client.__class__().get(link, follow=True).context["validlink"]


def test_an_unknown_area_is_named_on_the_form(agency: Agency, klaten_officer: User) -> None:
    answer = english_client(klaten_officer).post("/programmes/facilitators/new/", {
        "username": "baru", "agency": agency.pk, "region": "33.99.99", "capacity": 20, "yearly_target": 10})
    assert answer.status_code == 400 and "33.99.99" in " ".join(answer.context["form"].errors["region"])
    assert not User.objects.filter(username="baru").exists()


def test_the_upload_makes_all_and_offers_the_links(agency: Agency, klaten_officer: User, tmp_path: Path) -> None:
    client = english_client(klaten_officer)
    assert client.get("/programmes/facilitators/template.xlsx")["Content-Type"].startswith("application/vnd")
    with xlsx(tmp_path, good(5)).open("rb") as handle:
        answer = client.post("/programmes/facilitators/upload/", {"file": handle})
    assert answer.status_code == 200 and answer.context["result"].created == 5
    links = client.get("/programmes/facilitators/sign-in-links.xlsx")
    assert links.content.startswith(b"PK")
    with io.BytesIO(links.content):
        assert Facilitator.objects.count() == 5


def test_a_bad_upload_lists_the_rows_and_writes_nothing(agency: Agency, klaten_officer: User, tmp_path: Path) -> None:
    rows = good(3)
    rows[1][6] = "banyak"
    with xlsx(tmp_path, rows).open("rb") as handle:
        answer = english_client(klaten_officer).post("/programmes/facilitators/upload/", {"file": handle})
    assert answer.status_code == 400 and "row 3, capacity" in answer.content.decode()
    assert not Facilitator.objects.exists()


def test_capacity_below_caseload_is_refused_on_the_page(agency: Agency, klaten_officer: User) -> None:
    siti = facilitator(agency, "siti", capacity=5)
    prog = programme(agency)
    enrol(prog, fac=siti)
    enrol(prog, fac=siti)
    answer = english_client(klaten_officer).post(f"/programmes/facilitators/{siti.pk}/", {
        "kind": "change", "capacity": 1, "yearly_target": 10, "region": "33.10.01"})
    assert answer.status_code == 400 and "1 is below her current caseload of 2 families" in answer.content.decode()
    siti.refresh_from_db()
    assert siti.capacity == 5


def test_deactivating_on_the_page_hands_the_families_over(agency: Agency, klaten_officer: User) -> None:
    siti, rekan = facilitator(agency, "siti"), facilitator(agency, "rekan")
    family = enrol(programme(agency), fac=siti)
    client = english_client(klaten_officer)
    answer = client.post(f"/programmes/facilitators/{siti.pk}/", {"kind": "deactivate", "reason": "pensiun"})
    assert answer.status_code == 302
    assert Enrolment.objects.get(pk=family.pk).facilitator == rekan
    page = client.get(f"/programmes/facilitators/{siti.pk}/").content.decode()
    assert "handover: pensiun" in page


def test_an_officer_of_another_region_gets_404(agency: Agency, kupang_officer: User) -> None:
    siti = facilitator(agency, "siti")
    client = english_client(kupang_officer)
    assert client.get(f"/programmes/facilitators/{siti.pk}/").status_code == 404
    assert client.post(f"/programmes/facilitators/{siti.pk}/", {"kind": "deactivate", "reason": "x"}).status_code == 404
    siti.refresh_from_db()
    assert siti.active
