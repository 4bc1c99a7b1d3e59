"""Rollups follow the data by themselves: an import or a service call recomputes exactly the
rollups it moved, on commit; freshness says what is still waiting."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from entas.accounts.models import Agency, User
from entas.core import events
from entas.core.models import AuditEntry, Event
from entas.enterprises import services as enterprises
from entas.graduation import bulk, interventions
from entas.graduation import services as graduation
from entas.monitoring import receivers, rollups, services, tasks
from entas.monitoring.models import Period, RefreshRequest, Rollup
from entas.registry.models import Household
from tests.enterprises.factories import cooperative, person
from tests.graduation.factories import enrol
from tests.ingest import samples
from tests.monitoring.factories import indicator
from tests.monitoring.families import DAY, graduate, graduation_programme
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home, programme
from tests.registry.factories import household

pytestmark = pytest.mark.django_db
Commit = Callable[..., Any]  # pytest-django's django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def year() -> Period:
    services.open_year(None, 2025)
    return Period.objects.get(year=2025, quarter=None)


def by_village(code: str, quarter: int | None = None) -> dict[str, Decimal]:
    rows = Rollup.objects.filter(indicator__code=code, period__year=2025, period__quarter=quarter)
    return dict(rows.values_list("village_id", "value"))


def test_an_import_recomputes_exactly_the_villages_it_touched(tmp_path: Path, year: Period,
                                                              django_capture_on_commit_callbacks: Commit) -> None:
    indicator()
    home(KLATEN_VILLAGE), home(KUPANG_VILLAGE)
    rollups.refresh()
    # Changed behind the rollups' back: Kupang's number is stale from here on.
    Household.objects.filter(village_id=KUPANG_VILLAGE).update(extreme_poor=False)
    lines = [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1),
             samples.household(samples.KK2, samples.OTHER_VILLAGE)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = samples.run(samples.write(tmp_path, "households.csv", lines))
    assert batch.status == "done" and batch.inserted == 2
    # The two villages of the file are recounted; Kupang, which the file did not touch, is not.
    assert by_village("kk-ekstrem") == {KLATEN_VILLAGE: 2, KLATEN_OTHER_VILLAGE: 1, KUPANG_VILLAGE: 1}
    # The totals above the village follow: Central Java is summed again, East Nusa Tenggara kept.
    assert rollups.totals(None, 1, year) == {("kk-ekstrem", "33"): 3, ("kk-ekstrem", "53"): 1}
    assert rollups.totals("33.10", 0, year) == {("kk-ekstrem", ""): 3}
    assert rollups.totals(None, 0, year) == {("kk-ekstrem", ""): 4}
    entry = AuditEntry.objects.filter(action="rollups.refreshed").latest("pk")
    assert entry.details["places"] == 2 and entry.details["reason"] == f"registry import {batch.pk}"
    assert not RefreshRequest.objects.filter(reason__startswith="registry import").exists()


def test_a_household_moving_village_is_recounted_where_it_left(tmp_path: Path,
                                                              django_capture_on_commit_callbacks: Commit) -> None:
    indicator()
    first = [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1), samples.household(samples.KK2)]
    with django_capture_on_commit_callbacks(execute=True):
        samples.run(samples.write(tmp_path, "january.csv", first))
    assert by_village("kk-ekstrem") == {KLATEN_VILLAGE: 2}
    moved = [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1, samples.OTHER_VILLAGE)]
    with django_capture_on_commit_callbacks(execute=True):
        samples.run(samples.write(tmp_path, "july.csv", moved))
    assert by_village("kk-ekstrem") == {KLATEN_VILLAGE: 1, KLATEN_OTHER_VILLAGE: 1}


def test_a_failed_import_asks_for_nothing(tmp_path: Path, django_capture_on_commit_callbacks: Commit) -> None:
    indicator()
    lines = [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1), samples.household(samples.KK1)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = samples.run(samples.write(tmp_path, "households.csv", lines))
    assert batch.status == "failed"
    assert not RefreshRequest.objects.exists() and not Rollup.objects.exists()


def test_an_import_without_a_village_column_finds_its_rows_by_batch(
        tmp_path: Path, django_capture_on_commit_callbacks: Commit) -> None:
    indicator("anggota", computation="cooperative_members_desil_1_2")
    member = enterprises.join_cooperative(None, cooperative(), person("3310010101250099", decile=1), joined=DAY)
    well_off = household("3310010101250098", KLATEN_OTHER_VILLAGE, decile=9)
    assert member.person is not None
    rollups.refresh()
    assert by_village("anggota") == {KLATEN_VILLAGE: 1}
    # A people file (no village column) moves the member into a well-off household: the
    # cooperative's village loses a poor member although the file never names it.
    moved = samples.person(member.person.nik, well_off.kk_number, born="1985-05-01", sex="P", name="Siti Aminah",
                           relationship="child")
    with django_capture_on_commit_callbacks(execute=True):
        batch = samples.run(samples.write(tmp_path, "people.csv", [samples.PEOPLE_HEADER, moved]))
    assert batch.status == "done" and batch.updated == 1, batch.error_message
    assert by_village("anggota") == {}


def test_enrolling_and_graduating_update_the_rollups_on_commit(agency: Agency,
                                                               django_capture_on_commit_callbacks: Commit) -> None:
    indicator("enrolled", computation="households_enrolled")
    indicator("lulus", computation="graduated")
    prog = graduation_programme(agency)
    with django_capture_on_commit_callbacks(execute=True):
        family = enrol(prog)
    assert by_village("enrolled") == {KLATEN_VILLAGE: 1} and by_village("lulus") == {}
    with django_capture_on_commit_callbacks(execute=True):
        graduate(family)
    assert by_village("lulus") == {KLATEN_VILLAGE: 1}
    assert by_village("lulus", quarter=3) == {KLATEN_VILLAGE: 1} and by_village("lulus", quarter=2) == {}


def test_a_loan_counts_once_disbursed(agency: Agency, django_capture_on_commit_callbacks: Commit) -> None:
    indicator("pinjaman", computation="loans_disbursed_rupiah", unit="Rp")
    family = enrol(programme(agency))
    with django_capture_on_commit_callbacks(execute=True):
        loan = interventions.record_loan(None, family, scheme="kur_mikro", lender="BRI", amount=5_000_000, on=DAY)
    assert by_village("pinjaman") == {}
    with django_capture_on_commit_callbacks(execute=True):
        interventions.set_loan_status(None, loan, "approved", on=DAY)
        interventions.set_loan_status(None, loan, "disbursed", on=DAY)
    assert by_village("pinjaman") == {KLATEN_VILLAGE: Decimal(5_000_000)}


def test_joining_and_leaving_a_cooperative_update_its_village(django_capture_on_commit_callbacks: Commit) -> None:
    indicator("anggota", computation="cooperative_members_desil_1_2")
    coop = cooperative(village=KLATEN_OTHER_VILLAGE)
    with django_capture_on_commit_callbacks(execute=True):
        member = enterprises.join_cooperative(None, coop, person("3310010101250001"), joined=DAY)
    assert by_village("anggota") == {KLATEN_OTHER_VILLAGE: 1}
    with django_capture_on_commit_callbacks(execute=True):
        enterprises.leave_cooperative(None, member, left=datetime.date(2025, 9, 1))
    assert by_village("anggota") == {}
    assert by_village("anggota", quarter=3) == {}  # left inside the third quarter
    assert by_village("anggota", quarter=1) == {}  # joined after the first


def test_a_bulk_enrolment_updates_the_rollups(agency: Agency, django_capture_on_commit_callbacks: Commit) -> None:
    indicator("enrolled", computation="households_enrolled")
    home(KLATEN_VILLAGE), home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.enrol_in_bulk(None, programme(agency), region_codes=["33.10"], on=DAY)
    assert by_village("enrolled") == {KLATEN_VILLAGE: 1, KLATEN_OTHER_VILLAGE: 1}


def test_a_refused_service_call_leaves_no_request(agency: Agency) -> None:
    indicator("lulus", computation="graduated")
    family = enrol(graduation_programme(agency))
    RefreshRequest.objects.all().delete()
    with pytest.raises(ValidationError):
        graduation.graduate(None, family, on=DAY)  # not ready: refused, rolled back
    assert not RefreshRequest.objects.exists()


def test_freshness_reports_the_oldest_change_still_waiting(agency: Agency) -> None:
    indicator("enrolled", computation="households_enrolled")
    events.deliver_pending()  # the set-up's own events (no commit in this test)
    rollups.refresh()
    computed = rollups.freshness()
    assert computed is not None
    enrol(programme(agency))  # committed with its event; not delivered yet (no commit in this test)
    waiting = Event.objects.get(kind="enrolment.created")
    assert rollups.freshness() == min(computed, waiting.created_at)
    events.deliver_pending()  # the event becomes a request; its recompute waits for a commit
    request = RefreshRequest.objects.get()
    assert rollups.freshness() == min(computed, request.since) and request.since == waiting.created_at
    assert by_village("enrolled") == {}
    rollups.process_pending()
    fresh = rollups.freshness()
    assert fresh is not None and fresh >= waiting.created_at
    assert by_village("enrolled") == {KLATEN_VILLAGE: 1}


def test_all_changes_of_one_transaction_share_one_request(agency: Agency) -> None:
    indicator("enrolled", computation="households_enrolled")
    prog = programme(agency)
    RefreshRequest.objects.all().delete()
    from django.db import transaction

    with transaction.atomic():
        enrol(prog), enrol(prog, KLATEN_OTHER_VILLAGE), enrol(prog, KUPANG_VILLAGE)
    events.deliver_pending()  # what the commit does
    request = RefreshRequest.objects.get()
    assert sorted(request.places.values_list("code", flat=True)) == [KLATEN_VILLAGE, KLATEN_OTHER_VILLAGE,
                                                                     KUPANG_VILLAGE]
    assert request.indicators == ["enrolled"]


def test_region_totals_stay_inside_the_reader_scope(year: Period, klaten_officer: User, national_admin: User) -> None:
    indicator()
    home(KLATEN_VILLAGE), home(KLATEN_OTHER_VILLAGE), home(KUPANG_VILLAGE)
    rollups.refresh()
    assert rollups.totals(None, 2, year, user=national_admin) == {("kk-ekstrem", "33.10"): 2,
                                                                  ("kk-ekstrem", "53.01"): 1}
    # A Klaten officer asking for every regency gets Klaten only, and nothing of Kupang by any route.
    assert rollups.totals(None, 2, year, user=klaten_officer) == {("kk-ekstrem", "33.10"): 2}
    assert rollups.totals("53.01", 0, year, user=klaten_officer) == {}
    assert rollups.by_period("53.01", [year], user=klaten_officer) == {}
    assert rollups.totals("53.01.04", 4, year, user=klaten_officer) == {}


def test_a_large_request_goes_to_the_background_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       django_capture_on_commit_callbacks: Commit) -> None:
    indicator()
    queued: list[int] = []
    real = tasks.process_request

    class Spy:
        def enqueue(self, request_id: int) -> None:
            queued.append(request_id)
            real.enqueue(request_id)  # runs inline under test

    monkeypatch.setattr(tasks, "process_request", Spy())
    monkeypatch.setattr(receivers, "INLINE_PLACES", 1)
    lines = [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1),
             samples.household(samples.KK2, samples.OTHER_VILLAGE)]
    with django_capture_on_commit_callbacks(execute=True):
        samples.run(samples.write(tmp_path, "households.csv", lines))
    assert len(queued) == 1 and not RefreshRequest.objects.filter(pk=queued[0]).exists()
    assert by_village("kk-ekstrem") == {KLATEN_VILLAGE: 1, KLATEN_OTHER_VILLAGE: 1}
