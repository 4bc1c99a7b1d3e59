"""Training and mentoring sessions with attendance: the services (bad input refused, nothing
half-written), pages, the `entas training` command and the API — all scoped by region and role."""

import datetime
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.graduation import services
from entas.graduation.models import TrainingSession
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, TODAY, facilitator, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def prog(agency: Agency) -> Programme:
    return programme(agency)


def session(prog: Programme, region: str = "33.10.01", **changes: Any) -> TrainingSession:
    values: dict[str, Any] = {"kind": "training", "topic": "Pembukuan sederhana", "on": TODAY,
                                 "region_code": region}
    values.update(changes)
    return services.record_training(None, prog, **values)


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(f"{k}: {' '.join(v)}" for k, v in error.value.message_dict.items())


def test_a_session_records_who_attended_and_is_audited(prog: Programme) -> None:
    first, second = enrol(prog), enrol(prog)
    held = session(prog, attendees=[first])
    services.record_attendance(None, held, [second])
    assert set(held.attendees.all()) == {first, second}
    assert list(second.sessions.all()) == [held]
    assert AuditEntry.objects.filter(action="training.recorded", region_code="33.10.01").exists()
    assert AuditEntry.objects.filter(action="training.attendance_recorded").exists()


@pytest.mark.parametrize(("changes", "expected"), [
    ({"kind": "seminar"}, "kind: 'seminar' is not a kind of session; choose one of: Training (training), "),
    ({"topic": "  "}, "topic: Say what the session was about."),
    ({"on": datetime.date(2024, 12, 31)}, "date: 31 December 2024 is outside the programme's period"),
    ({"region_code": "99.99"}, "region: '99.99' is not a region code"),
])
def test_a_bad_session_is_refused_naming_the_field(prog: Programme, changes: dict[str, Any], expected: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        session(prog, **changes)
    assert expected in refusal(error)
    assert not TrainingSession.objects.exists()


def test_attendance_is_refused_for_families_that_cannot_have_attended(prog: Programme, agency: Agency) -> None:
    held = session(prog)
    other_programme = enrol(programme(agency, name="Program lain"))
    far = enrol(prog, KUPANG_VILLAGE)
    gone = enrol(prog)
    services.exit_enrolment(None, gone, reason="moved", on=TODAY)
    present = enrol(prog)
    services.record_attendance(None, held, [present])
    cases = [(other_programme, "belong to another programme"), (far, "live outside 33.10.01"),
             (gone, "are no longer enrolled"), (present, "are already recorded as attending")]
    fine = enrol(prog)
    for family, reason in cases:
        with translation.override("en"), pytest.raises(ValidationError) as error:
            services.record_attendance(None, held, [fine, family])
        assert f"attendees: The families with No. KK {family.household.kk_number} {reason}" in refusal(error)
    with translation.override("en"), pytest.raises(ValidationError, match="Choose at least one family"):
        services.record_attendance(None, held, [])
    assert list(held.attendees.all()) == [present]


def test_the_session_pages_list_create_and_record_attendance(prog: Programme, klaten_officer: User) -> None:
    family = enrol(prog)
    session(prog, "53.01.04", topic="Tenun di Kupang")
    client = client_for(klaten_officer)
    bad = client.post("/programmes/sessions/new/", {"programme": prog.pk, "kind": "mentoring", "topic": "Pemasaran",
                                                    "on": "2025-08-02", "region": "53.01"})
    assert bad.status_code == 400 and "di luar wilayah Anda" in bad.content.decode()
    made = client.post("/programmes/sessions/new/", {"programme": prog.pk, "kind": "mentoring", "topic": "Pemasaran",
                                                     "on": "2025-08-02", "region": "33.10.01"})
    held = TrainingSession.objects.get(topic="Pemasaran")
    assert made.status_code == 302 and made["Location"] == f"/programmes/sessions/{held.pk}/"
    page = client.get(f"/programmes/sessions/{held.pk}/").content.decode()
    assert family.household.kk_number in page
    assert client.post(f"/programmes/sessions/{held.pk}/", {"attendees": [family.pk]}).status_code == 302
    assert list(held.attendees.all()) == [family]
    listing = client.get("/programmes/sessions/").content.decode()
    assert "Pemasaran" in listing and "Tenun di Kupang" not in listing


def test_a_kupang_session_is_not_found_by_a_klaten_officer(prog: Programme, klaten_officer: User) -> None:
    kupang = session(prog, "53.01.04")
    far = enrol(prog, KUPANG_VILLAGE)
    client = client_for(klaten_officer)
    assert client.get(f"/programmes/sessions/{kupang.pk}/").status_code == 404
    assert client.post(f"/programmes/sessions/{kupang.pk}/", {"attendees": [far.pk]}).status_code == 404
    assert not kupang.attendees.exists()
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="klaten").count() == 2


def test_a_facilitator_records_attendance_only_for_her_caseload(prog: Programme, agency: Agency) -> None:
    mine, other = facilitator(agency, "saya"), facilitator(agency, "rekan")
    own, theirs = enrol(prog, fac=mine), enrol(prog, fac=other)
    held = session(prog)
    client = client_for(mine.user)
    page = client.get(f"/programmes/sessions/{held.pk}/").content.decode()
    assert own.household.kk_number in page and theirs.household.kk_number not in page
    assert client.post(f"/programmes/sessions/{held.pk}/", {"attendees": [theirs.pk]}).status_code == 400
    assert client.post(f"/programmes/sessions/{held.pk}/", {"attendees": [own.pk]}).status_code == 302
    assert list(held.attendees.all()) == [own]


def test_an_analyst_reads_sessions_but_records_none(prog: Programme, make_user: Callable[..., User]) -> None:
    held = session(prog)
    analyst = client_for(make_user("analis", Role.ANALYST, "33.10"))
    assert analyst.get(f"/programmes/sessions/{held.pk}/").status_code == 200
    assert analyst.get("/programmes/sessions/new/").status_code == 403
    assert analyst.post(f"/programmes/sessions/{held.pk}/", {"attendees": [enrol(prog).pk]}).status_code == 403


def run(*args: str) -> str:
    out = StringIO()
    call_command("training", *args, stdout=out)
    return out.getvalue()


def test_the_training_command_creates_lists_and_records_attendance(prog: Programme) -> None:
    first, second = enrol(prog), enrol(prog)
    out = run("create", prog.name, "--kind", "training", "--topic", "Pembukuan", "--date", "2025-08-01",
              "--region", "33.10.01", "--kk", first.household.kk_number)
    held = TrainingSession.objects.get()
    assert f"Recorded session {held.pk} with 1 families" in out
    assert "2 in all" in run("attend", str(held.pk), second.household.kk_number)
    listed = run("list", "--programme", prog.name, "--region", "33.10")
    assert "Pembukuan" in listed and "33.10.01" in listed
    assert "Pembukuan" not in run("list", "--region", "53")


def test_the_training_command_names_what_is_wrong(prog: Programme) -> None:
    family = enrol(prog)
    with pytest.raises(CommandError, match=r"kk: no open enrolment .* for No\. KK 3310019999999999"):
        run("create", prog.name, "--kind", "training", "--topic", "x", "--date", "2025-08-01", "--region",
            "33.10.01", "--kk", "3310019999999999")
    with pytest.raises(CommandError, match="region: '99' "):  # in the default language
        run("create", prog.name, "--kind", "training", "--topic", "x", "--date", "2025-08-01", "--region", "99")
    with pytest.raises(CommandError, match="session: no session with id 404"):
        run("attend", "404", family.household.kk_number)
    assert not TrainingSession.objects.exists()


def api_post(user: User, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = client_for(user).post(path, body, content_type="application/json")
    return response.status_code, response.json()


def test_the_api_lists_creates_and_records_attendance_inside_the_scope(
        prog: Programme, klaten_officer: User) -> None:
    first, second = enrol(prog), enrol(prog)
    far = enrol(prog, KUPANG_VILLAGE)
    kupang = session(prog, "53.01.04")
    body = {"programme": prog.pk, "kind": "training", "topic": "Pembukuan", "date": "2025-08-01",
            "region": "33.10.01", "attendees": [first.pk]}
    status, made = api_post(klaten_officer, "/api/training-sessions/", body)
    assert status == 201 and made["attendees"] == [first.pk] and made["attendee_count"] == 1
    assert api_post(klaten_officer, "/api/training-sessions/", {**body, "region": "53.01"})[1].keys() == {"region"}
    status, refused = api_post(klaten_officer, "/api/training-sessions/", {**body, "attendees": [far.pk]})
    assert status == 400 and f" {far.pk} " in str(refused["attendees"])  # in the default language
    path = f"/api/training-sessions/{made['id']}/attendance/"
    status, after = api_post(klaten_officer, path, {"attendees": [second.pk]})
    assert status == 200 and after["attendees"] == [first.pk, second.pk]
    status, again = api_post(klaten_officer, path, {"attendees": [second.pk]})
    assert status == 400 and second.household.kk_number in str(again["attendees"])
    client = client_for(klaten_officer)
    listed = [row["id"] for row in client.get("/api/training-sessions/").json()["results"]]
    assert listed == [made["id"]]
    assert client.get(f"/api/training-sessions/{kupang.pk}/").status_code == 404
    assert api_post(klaten_officer, f"/api/training-sessions/{kupang.pk}/attendance/",
                    {"attendees": [first.pk]})[0] == 404
    assert client.get("/api/training-sessions/", {"programme": "x"}).status_code == 400
    assert TrainingSession.objects.count() == 2 and not kupang.attendees.exists()


def test_the_api_refuses_readers_and_other_facilitators_families(
        prog: Programme, agency: Agency, make_user: Callable[..., User]) -> None:
    mine, other = facilitator(agency, "saya"), facilitator(agency, "rekan")
    theirs = enrol(prog, fac=other)
    held = session(prog)
    path = f"/api/training-sessions/{held.pk}/attendance/"
    assert api_post(mine.user, path, {"attendees": [theirs.pk]})[0] == 400
    analyst = make_user("analis", Role.ANALYST, "33.10")
    assert api_post(analyst, path, {"attendees": [theirs.pk]})[0] == 403
    assert not held.attendees.exists()
