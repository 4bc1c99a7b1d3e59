"""The programme commands: bulk enrolment, graduation evaluation and the rates report."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from entas.accounts.models import Agency
from entas.graduation import services
from entas.graduation.models import Enrolment, Status
from tests.graduation.factories import enrol
from tests.programmes.factories import TODAY, facilitator, home, programme

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_enrol_enrols_a_region_and_counts_the_reasons(agency: Agency) -> None:
    prog = programme(agency, decile_max=2)
    facilitator(agency, "pendamping")
    home(decile=1), home(decile=2), home(decile=9)
    out = run("enrol", prog.name, "33.10", "--decile-max", "1")
    assert Enrolment.objects.count() == 1
    assert "not enrolled: decile outside rule" in out and "assigned to a facilitator" in out


def test_enrol_names_the_bad_argument(agency: Agency) -> None:
    prog = programme(agency)
    with pytest.raises(CommandError, match=r"regions: .*99\.99"):  # in the default language
        run("enrol", str(prog.pk), "99.99")
    with pytest.raises(CommandError, match="decile_max"):
        run("enrol", str(prog.pk), "33.10", "--decile-max", "5")
    with pytest.raises(CommandError, match="programme: no programme"):
        run("enrol", "no such programme", "33.10")


def test_evaluate_graduation_counts_and_marks_ready(agency: Agency) -> None:
    prog = programme(agency)
    services.create_rule_set(None, prog, [{"code": "no_food_shortage"}])
    good, bad = enrol(prog), enrol(prog)
    for enrolment, short in ((good, False), (bad, True)):
        services.record_visit(None, enrolment, on=TODAY, assessment={"food_shortage": short})
        services.activate(None, enrolment, on=TODAY)
    out = run("evaluate_graduation", prog.name, "--mark-ready")
    assert "Marked 1 families" in out
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (Status.READY, Status.ACTIVE)


def test_evaluate_graduation_without_rules_says_so(agency: Agency) -> None:
    with pytest.raises(CommandError, match=r"rule_set: .* belum memiliki aturan graduasi yang aktif"):
        run("evaluate_graduation", str(programme(agency).pk))


def test_programme_report_prints_rates_by_cohort_region_and_facilitator(agency: Agency) -> None:
    prog = programme(agency)
    fac = facilitator(agency, "pendamping")
    services.create_rule_set(None, prog, [{"code": "no_food_shortage"}])
    done = enrol(prog, fac=fac)
    enrol(prog)
    services.record_visit(None, done, on=TODAY, assessment={"food_shortage": False})
    for step in (services.activate, services.mark_ready, services.graduate):
        step(None, done, on=datetime.date(2025, 8, 1))
    out = run("programme_report", prog.name)
    assert "by cohort" in out and "2025-Q3" in out and "50.0" in out
    assert "33.10" in out and str(fac) in out
    assert "by cohort" not in run("programme_report", prog.name, "--by", "regency", "--region", "53")
