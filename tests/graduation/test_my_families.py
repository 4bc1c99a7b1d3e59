""""Keluarga dampingan saya": a facilitator's families with the next due action each, most urgent
first, counts on top, read in a fixed number of queries whatever the caseload."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entas.accounts.models import Agency, User
from entas.graduation import services
from entas.graduation.models import Enrolment, RuleSet
from entas.programmes.models import Facilitator, Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import facilitator

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 1)
GOOD = {"per_capita_income": 700_000, "food_shortage": False, "business_months": 9}
BAD = {**GOOD, "food_shortage": True}


def visit(enrolment: Enrolment, measures: dict[str, Any], on: datetime.date | None = None) -> None:
    services.record_visit_with_assessment(None, enrolment, date=on or timezone.localdate(), measures=measures)


@pytest.fixture
def mine(agency: Agency) -> Facilitator:
    return facilitator(agency, "pendamping", capacity=50)


def test_each_family_shows_its_next_due_action_most_urgent_first(
        prog: Programme, rules: RuleSet, mine: Facilitator, klaten_officer: User) -> None:
    never, met, asked, ready, graduated = (enrol(prog, fac=mine) for _ in range(5))
    visit(met, GOOD)
    visit(asked, BAD)
    services.request_override(mine.user, asked, reason="Usaha warung baru berjalan, pendapatan naik")
    visit(ready, GOOD)
    services.mark_ready(None, ready, on=timezone.localdate())
    visit(graduated, GOOD, on=DAY)
    services.mark_ready(None, graduated, on=DAY)
    services.graduate(None, graduated, on=DAY)
    response = client_for(mine.user).get("/programmes/my-families/")
    rows = [(f.enrolment.pk, f.next.kind) for f in response.context["families"]]
    assert rows == [(graduated.pk, "follow_up"), (never.pk, "visit"), (ready.pk, "graduate"),
                    (met.pk, "mark_ready"), (asked.pk, "override")]
    follow_up = response.context["families"][0].next
    assert (follow_up.month, follow_up.on) == (6, datetime.date(2026, 2, 1))
    counts = {kind: n for kind, _label, n in response.context["counts"]}
    assert counts == {"follow_up": 1, "visit": 1, "assessment": 1, "graduate": 1, "mark_ready": 1, "override": 1}
    body = response.content.decode()
    assert "Siti Aminah" in body and 'data-testid="menu-my-families"' in body
    assert 'data-testid="progress"' in body


def test_an_old_assessment_is_due_again_after_90_days(prog: Programme, rules: RuleSet, mine: Facilitator) -> None:
    family = enrol(prog, fac=mine)
    today = timezone.localdate()
    visit(family, BAD, on=today - datetime.timedelta(days=100))
    services.record_visit(None, family, on=today)  # a visit without an assessment
    [found] = client_for(mine.user).get("/programmes/my-families/").context["families"]
    assert [(d.kind, d.on) for d in found.actions] == [("assessment", today - datetime.timedelta(days=10))]


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_caseload(
        prog: Programme, rules: RuleSet, mine: Facilitator) -> None:
    client = client_for(mine.user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/programmes/my-families/").status_code == 200
        return len(seen)

    for _ in range(2):
        visit(enrol(prog, fac=mine), GOOD)
    few = queries()
    for _ in range(8):
        visit(enrol(prog, fac=mine), BAD)
    assert queries() == few


def test_she_sees_only_her_own_families(prog: Programme, agency: Agency, mine: Facilitator) -> None:
    other = facilitator(agency, "rekan")
    own, theirs = enrol(prog, fac=mine), enrol(prog, fac=other)
    families = client_for(mine.user).get("/programmes/my-families/").context["families"]
    assert [f.enrolment.pk for f in families] == [own.pk] and theirs.pk != own.pk


def test_a_user_who_is_not_a_facilitator_is_told_so(klaten_officer: User) -> None:
    body = client_for(klaten_officer).get("/programmes/my-families/").content.decode()
    assert 'data-testid="families"' not in body and 'data-testid="menu-my-families"' not in body
    assert 'data-testid="menu-overrides"' in body
