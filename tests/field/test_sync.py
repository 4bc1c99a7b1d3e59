"""Commands from a phone land once, through the same services as the online pages; bad ones are
refused one by one with words naming what is wrong, and nothing half-written."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from entas.core.models import AuditEntry
from entas.field import services as field
from entas.field.models import Command, Conflict, Device, Outcome, Resolution
from entas.graduation import services
from entas.graduation.models import Assessment, Enrolment, Status, Visit
from entas.programmes.models import Facilitator, Programme
from tests.field.conftest import device_client, visit
from tests.graduation.factories import enrol
from tests.programmes.factories import facilitator

pytestmark = pytest.mark.django_db
INCOME = {"per_capita_income": 650_000, "food_shortage": False, "income_sources": 2}


def send(phone: tuple[Device, str], *commands: Any) -> list[dict[str, Any]]:
    answer = device_client(phone[1]).post("/field/api/sync", {"commands": list(commands)},
                                          content_type="application/json")
    assert answer.status_code == 200, answer.content
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


def test_each_change_lands_once_and_a_replayed_outbox_changes_nothing(
        phone: tuple[Device, str], families: list[Enrolment]) -> None:
    outbox = [visit(families[0], assessment=INCOME), visit(families[1]), visit(families[2])]
    first = send(phone, *outbox)
    assert [r["status"] for r in first] == ["applied"] * 3
    again = send(phone, *outbox)
    assert [(r["status"], r["first"]) for r in again] == [("duplicate", "applied")] * 3
    assert Visit.objects.count() == 3 and Assessment.objects.count() == 1
    assert Enrolment.objects.get(pk=families[0].pk).status == Status.ACTIVE  # first visit activates


def test_visits_based_on_the_same_version_do_not_conflict_with_the_phones_own_changes(
        phone: tuple[Device, str], families: list[Enrolment]) -> None:
    family = families[0]
    results = send(phone, *(visit(family, on=timezone.localdate() - datetime.timedelta(days=d)) for d in range(5)))
    assert [r["status"] for r in results] == ["applied"] * 5  # the first activated the family (version 2)
    assert Visit.objects.filter(enrolment=family).count() == 5


def test_it_refuses_the_same_id_with_other_content(phone: tuple[Device, str], families: list[Enrolment]) -> None:
    command = visit(families[0])
    send(phone, command)
    changed = {**command, "data": {**command["data"], "notes": "lain"}}
    [result] = send(phone, changed)
    assert result["status"] == "refused" and result["field"] == "id"
    assert Visit.objects.count() == 1
    assert AuditEntry.objects.filter(action="field.command_refused").count() == 1


def test_it_refuses_and_logs_a_family_outside_the_caseload(phone: tuple[Device, str], families: list[Enrolment],
                                                           prog: Programme, rina: Facilitator) -> None:
    other = enrol(prog, fac=facilitator(rina.agency, "pendamping_lain"))
    nobody = {**visit(other), "enrolment": 999_999}
    results = send(phone, visit(other), nobody)
    assert [r["status"] for r in results] == ["refused", "refused"]
    assert results[0]["message"] == results[1]["message"]  # existence is not confirmed
    assert not Visit.objects.exists()
    assert AuditEntry.objects.filter(action="field.command_refused").count() == 2


@pytest.mark.parametrize(("when", "field"), [(1, "on"), (-9999, "on")])
def test_it_refuses_a_visit_in_the_future_or_before_enrolment(phone: tuple[Device, str], families: list[Enrolment],
                                                              when: int, field: str) -> None:
    day = timezone.localdate() + datetime.timedelta(days=when) if when > 0 else families[0].enrolled_on - \
        datetime.timedelta(days=1)
    [result] = send(phone, visit(families[0], on=day))
    assert result["status"] == "refused" and result["field"] == field, result
    assert not Visit.objects.exists()


@pytest.mark.parametrize(("values", "field"), [
    ({"per_capita_income": "600rb"}, "per_capita_income"),
    ({"income_sources": 2.5}, "income_sources"),
    ({"food_shortage": "tidak"}, "food_shortage"),
    ({"savings": -1}, "savings"),
    ({"school_age_children": 2, "children_in_school": 3}, "children_in_school"),
    ({"mood": 3}, "assessment"),
])
def test_it_refuses_an_assessment_value_of_the_wrong_type(phone: tuple[Device, str], families: list[Enrolment],
                                                          values: dict[str, Any], field: str) -> None:
    [result] = send(phone, visit(families[0], assessment=values))
    assert result["status"] == "refused" and result["field"] == field, result
    assert not Visit.objects.exists() and not Assessment.objects.exists()
    assert Enrolment.objects.get(pk=families[0].pk).status == Status.ENROLLED  # nothing half-written


def test_a_malformed_command_is_refused_and_the_others_still_land(phone: tuple[Device, str],
                                                                  families: list[Enrolment]) -> None:
    results = send(phone, "visit", {"id": "x"}, {**visit(families[0]), "kind": "party"},
                   {**visit(families[0]), "version": None}, {**visit(families[0]), "data": {"date": "31/12/2025"}},
                   visit(families[1]))
    assert [r["status"] for r in results] == ["refused"] * 5 + ["applied"]
    assert [r["field"] for r in results[1:5]] == ["id", "kind", "version", "date"]


def test_a_visit_after_the_family_was_handed_over_is_a_conflict_for_the_supervisor(
        phone: tuple[Device, str], families: list[Enrolment], rina: Facilitator,
        klaten_officer: Any) -> None:
    family = families[0]
    command = visit(family, assessment=INCOME)
    services.reassign(klaten_officer, family, facilitator(rina.agency, "pendamping_baru"), reason="cuti")
    [result] = send(phone, command)
    assert result["status"] == "conflict"
    assert not Visit.objects.exists()
    conflict = Conflict.objects.get()
    assert conflict.server["facilitator"] and conflict.server["handovers"][-1]["reason"] == "cuti"
    [again] = send(phone, command)
    assert again["status"] == "duplicate" and again["first"] == "conflict"
    field.resolve_conflict(klaten_officer, conflict, decision="apply")
    assert Visit.objects.filter(enrolment=family).count() == 1 and Assessment.objects.count() == 1
    assert Visit.objects.get().facilitator == rina  # her visit, though the family is someone else's now
    assert Command.objects.get().outcome == Outcome.APPLIED


def test_a_visit_after_the_family_exited_is_a_conflict_that_can_only_be_discarded(
        phone: tuple[Device, str], families: list[Enrolment], klaten_officer: Any) -> None:
    family = families[0]
    command = visit(family)
    services.exit_enrolment(klaten_officer, family, reason="moved", on=timezone.localdate())
    assert send(phone, command)[0]["status"] == "conflict"
    conflict = Conflict.objects.get()
    with pytest.raises(ValidationError) as refused:
        field.resolve_conflict(klaten_officer, conflict, decision="apply")
    assert "enrolment" in refused.value.message_dict
    assert Conflict.objects.get().resolution == Resolution.OPEN
    field.resolve_conflict(klaten_officer, conflict, decision="discard", note="Keluarga sudah pindah")
    assert not Visit.objects.exists()
    assert Command.objects.get().outcome == Outcome.REFUSED


def test_a_revoked_device_is_refused_and_told_to_wipe(phone: tuple[Device, str], families: list[Enrolment]) -> None:
    field.revoke_device(None, phone[0], reason="HP hilang")
    for answer in (device_client(phone[1]).get("/field/api/caseload"),
                   device_client(phone[1]).post("/field/api/sync", {"commands": [visit(families[0])]},
                                                content_type="application/json")):
        assert answer.status_code == 401 and answer.json()["code"] == "device_revoked"
    assert not Visit.objects.exists()
    assert device_client("made-up").get("/field/api/caseload").json()["code"] == "device_unknown"


def test_an_outbox_of_5000_commands_after_a_month_offline_lands_in_parts(phone: tuple[Device, str],
                                                                         families: list[Enrolment]) -> None:
    start = timezone.localdate() - datetime.timedelta(days=30)
    outbox = [visit(families[n % 3], on=start + datetime.timedelta(days=n % 30)) for n in range(5000)]
    too_many = device_client(phone[1]).post("/field/api/sync", {"commands": outbox[:501]},
                                            content_type="application/json")
    assert too_many.status_code == 400 and too_many.json()["field"] == "commands"
    outcomes = [r["status"] for part in range(0, 5000, 500) for r in send(phone, *outbox[part:part + 500])]
    assert outcomes == ["applied"] * 5000
    assert Visit.objects.count() == 5000 == Command.objects.count()


def test_it_answers_bad_json_and_a_wrong_method_in_words(phone: tuple[Device, str]) -> None:
    answer = device_client(phone[1]).post("/field/api/sync", "{not json", content_type="application/json")
    assert answer.status_code == 400 and "JSON" in answer.json()["error"]
    assert device_client(phone[1]).post("/field/api/sync", {"commands": "all"},
                                        content_type="application/json").status_code == 400
    assert device_client(phone[1]).get("/field/api/sync").status_code == 405


def test_the_same_command_twice_in_one_call_lands_once(phone: tuple[Device, str], families: list[Enrolment]) -> None:
    command = visit(families[0])
    results = send(phone, command, command)
    assert [r["status"] for r in results] == ["applied", "duplicate"]
    assert Visit.objects.count() == 1
