"""The programme tally follows the enrolment events and gives the programme's page the same
numbers as grouping the enrolments."""

from collections.abc import Callable
from typing import Any

import pytest

from entas.accounts.models import Agency, User
from entas.graduation import reports, services, tally
from entas.graduation.models import Enrolment, ProgrammeTally
from entas.graduation.queries import enrolments_for
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, TODAY, programme

pytestmark = pytest.mark.django_db


def _work(prog: Programme, commits: Any) -> None:
    with commits(execute=True):
        first, second, _third = enrol(prog), enrol(prog), enrol(prog)
        enrol(prog, KUPANG_VILLAGE)
    with commits(execute=True):
        services.activate(None, first, on=TODAY)
    with commits(execute=True):
        services.exit_enrolment(None, second, reason="moved", on=TODAY)


def _same(user: User, prog: Programme, by: str) -> None:
    from_base = reports.rates(enrolments_for(user).filter(programme=prog), by)
    assert reports.programme_rates(user, prog, by) == from_base


def test_the_tally_gives_the_numbers_of_the_enrolments(
        agency: Agency, national_admin: User, klaten_officer: User,
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    prog = programme(agency)
    _work(prog, django_capture_on_commit_callbacks)
    assert ProgrammeTally.objects.filter(programme=prog).count() == 4  # Klaten: enrolled, active, exited; Kupang
    for user in (national_admin, klaten_officer):
        for by in ("cohort", "regency"):
            _same(user, prog, by)
    [klaten] = reports.programme_rates(klaten_officer, prog, "regency")
    assert (klaten["key"], klaten["enrolled"], klaten["exited"]) == ("33.10", 3, 1)


def test_a_rebuild_recounts_the_same_tally(agency: Agency,
                                           django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    prog = programme(agency)
    _work(prog, django_capture_on_commit_callbacks)
    kept = sorted(ProgrammeTally.objects.values_list("regency", "cohort", "status", "enrolments"))
    ProgrammeTally.objects.all().delete()
    assert tally.rebuild() == len(kept)
    assert sorted(ProgrammeTally.objects.values_list("regency", "cohort", "status", "enrolments")) == kept


def test_the_programme_page_shows_the_tally_inside_the_scope(
        agency: Agency, klaten_officer: User, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    prog = programme(agency)
    _work(prog, django_capture_on_commit_callbacks)
    page = client_for(klaten_officer).get(f"/programmes/{prog.pk}/")
    assert [row["key"] for row in page.context["by_regency"]] == ["33.10"]
    assert Enrolment.objects.filter(programme=prog).count() == 4
