"""The enrolment page (one household, or whole regions) and the facilitator report."""

from collections.abc import Callable

import pytest

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.graduation.models import CaseloadAssignment, Enrolment
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, facilitator, home, programme

pytestmark = pytest.mark.django_db


def test_it_enrols_one_household_by_kk_number_with_a_facilitator(agency: Agency, klaten_officer: User) -> None:
    prog, fac = programme(agency), facilitator(agency, "pendamping")
    family = home()
    response = client_for(klaten_officer).post(f"/programmes/{prog.pk}/enrol/", {
        "kind": "one", "kk_number": family.kk_number, "facilitator": fac.pk})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(household=family)
    assert enrolment.facilitator == fac
    assert CaseloadAssignment.objects.filter(enrolment=enrolment, to_facilitator=fac).exists()


def test_it_shows_why_a_household_cannot_be_enrolled_on_the_field(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    rich = home(decile=7)
    response = client_for(klaten_officer).post(f"/programmes/{prog.pk}/enrol/", {
        "kind": "one", "kk_number": rich.kk_number})
    assert response.status_code == 400
    assert "household: desil 7 di luar" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_it_does_not_find_a_household_outside_the_scope(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    stranger = home(KUPANG_VILLAGE)
    response = client_for(klaten_officer).post(f"/programmes/{prog.pk}/enrol/", {
        "kind": "one", "kk_number": stranger.kk_number})
    assert response.status_code == 400
    assert not Enrolment.objects.exists()


def test_bulk_enrolment_shows_the_counts_enrolled_and_not_enrolled(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    facilitator(agency, "pendamping", capacity=1)
    home(), home(), home(decile=8)
    response = client_for(klaten_officer).post(f"/programmes/{prog.pk}/enrol/", {"kind": "bulk",
                                                                                "regions": "33.10"})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.enrolled, result.assigned, result.unassigned) == (2, 1, 1)
    assert result.not_enrolled["decile_outside_rule"] == 1
    assert 'data-testid="bulk-result"' in response.content.decode()


def test_bulk_enrolment_refuses_regions_outside_the_scope(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    home(KUPANG_VILLAGE)
    response = client_for(klaten_officer).post(f"/programmes/{prog.pk}/enrol/", {"kind": "bulk",
                                                                                "regions": "53.01"})
    assert response.status_code == 400
    assert "53.01" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_facilitator_may_not_enrol_in_bulk_and_an_analyst_may_not_enrol(
        agency: Agency, make_user: Callable[..., User]) -> None:
    prog, fac = programme(agency), facilitator(agency, "pendamping")
    assert client_for(fac.user).post(f"/programmes/{prog.pk}/enrol/", {"kind": "bulk",
                                                                       "regions": "33.10"}).status_code == 403
    analyst = make_user("analis", Role.ANALYST, "33.10")
    assert client_for(analyst).post(f"/programmes/{prog.pk}/enrol/", {
        "kind": "one", "kk_number": home().kk_number}).status_code == 403


def test_the_enrolment_list_shows_a_facilitator_only_her_caseload(agency: Agency) -> None:
    prog = programme(agency)
    mine, other = facilitator(agency, "saya"), facilitator(agency, "rekan")
    own, theirs = enrol(prog, fac=mine), enrol(prog, fac=other)
    body = client_for(mine.user).get(f"/programmes/{prog.pk}/enrol/").content.decode()
    assert own.household.kk_number in body and theirs.household.kk_number not in body


def test_the_facilitator_report_shows_progress_and_rates_inside_the_scope(
        agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    klaten = facilitator(agency, "klaten_f", capacity=4)
    kupang = facilitator(agency, "kupang_f", region="53.01.04")
    enrol(prog, fac=klaten)
    enrol(prog, KUPANG_VILLAGE, fac=kupang)
    response = client_for(klaten_officer).get("/programmes/facilitators/", {"year": "2025"})
    assert [f.pk for f in response.context["progress"]] == [klaten.pk]
    [row] = response.context["rates"]
    assert (row["key"], row["enrolled"]) == (str(klaten), 1)
    assert client_for(kupang.user).get("/programmes/facilitators/").context["progress"][0].pk == kupang.pk


def test_the_facilitator_report_is_paged_with_the_rates_of_the_page(
        agency: Agency, klaten_officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("entas.graduation.programme_views.FACILITATORS_PER_PAGE", 2)
    prog = programme(agency)
    team = [facilitator(agency, f"f{n}") for n in range(3)]
    for member in team:
        enrol(prog, fac=member)
    client = client_for(klaten_officer)
    first = client.get("/programmes/facilitators/", {"year": "2025"})
    assert [f.pk for f in first.context["progress"]] == [team[0].pk, team[1].pk]
    assert len(first.context["rates"]) == 2 and "page=2" in first.content.decode()
    last = client.get("/programmes/facilitators/", {"year": "2025", "page": "2"}).context
    assert [f.pk for f in last["progress"]] == [team[2].pk]
    assert [r["key"] for r in last["rates"]] == [str(team[2])]
