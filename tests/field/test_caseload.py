"""A phone receives its facilitator's own families and nothing of anyone else's: masked identifiers,
the rule set and the lines to judge them offline, the sessions they may attend."""

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from entas.core.models import AuditEntry
from entas.field import services as field
from entas.field.models import Conflict, Device
from entas.graduation import services
from entas.graduation.models import Area, Enrolment, RuleSet
from entas.programmes.models import Facilitator, Programme
from entas.registry.models import Person
from tests.field.conftest import device_client, visit
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, facilitator

pytestmark = pytest.mark.django_db


def download(phone: tuple[Device, str]) -> dict[str, Any]:
    answer = device_client(phone[1]).get("/field/api/caseload")
    assert answer.status_code == 200, answer.content
    found: dict[str, Any] = answer.json()
    return found


def test_it_gives_only_her_own_families_with_identifiers_masked(phone: tuple[Device, str],
                                                                 families: list[Enrolment], prog: Programme,
                                                                 rina: Facilitator) -> None:
    other = enrol(prog, fac=facilitator(rina.agency, "pendamping_lain"))
    caseload = download(phone)
    assert sorted(f["enrolment"] for f in caseload["families"]) == sorted(f.pk for f in families)
    text = json.dumps(caseload)
    for person in Person.objects.all():
        assert person.nik not in text
        assert person.nik[-4:] in text or person.household_id == other.household_id
    head = caseload["families"][0]["head"]
    assert head["nik"].endswith(Person.objects.get(household__enrolments=caseload["families"][0]["enrolment"],
                                                   relationship="head").nik[-4:])
    assert head["nik"][:12] == "*" * 12
    assert AuditEntry.objects.get(action="field.caseload_downloaded").details["enrolments"]


def test_it_carries_the_rules_lines_and_due_list_to_judge_offline(phone: tuple[Device, str],
                                                                  families: list[Enrolment], rules: RuleSet) -> None:
    services.set_poverty_line(None, province_code="33", area=Area.TOTAL, valid_from=datetime.date(2025, 9, 1),
                              amount=580_000)
    caseload = download(phone)
    programme = caseload["programmes"][str(families[0].programme_id)]
    assert programme["rules"]["format"] == "entas.graduation.rules/1"
    assert [c["code"] for c in programme["rules"]["criteria"]] == ["income_above_line", "no_food_shortage"]
    family = caseload["families"][0]
    assert family["line"] == "33/rural"
    # The province's newer total line replaces the rural one from its date (graduation.poverty's rule).
    assert caseload["lines"]["33/rural"] == [{"from": "2025-03-01", "amount": 550_000},
                                             {"from": "2025-09-01", "amount": 580_000}]
    assert {d["kind"] for d in family["due"]} >= {"visit", "assessment"}
    assert family["version"] == 1 and family["status"] == "enrolled"


def test_it_keeps_sustained_families_and_leaves_out_exited_ones(phone: tuple[Device, str],
                                                                families: list[Enrolment]) -> None:
    services.exit_enrolment(None, families[0], reason="moved", on=timezone.localdate())
    found = {f["enrolment"] for f in download(phone)["families"]}
    assert found == {families[1].pk, families[2].pk}


def test_sessions_are_those_held_where_her_families_live(phone: tuple[Device, str], families: list[Enrolment],
                                                         prog: Programme) -> None:
    day = timezone.localdate() - datetime.timedelta(days=3)
    here = services.record_training(None, prog, kind="training", topic="Pembukuan warung", on=day,
                                    region_code="33.10.01", attendees=[families[0]])
    services.record_training(None, prog, kind="training", topic="Di Kupang", on=day, region_code=KUPANG_VILLAGE[:8])
    sessions = download(phone)["sessions"]
    assert [(s["id"], s["attendees"]) for s in sessions] == [(here.pk, [families[0].pk])]


def test_fifty_families_fit_in_200_kb(phone: tuple[Device, str], prog: Programme, rules: RuleSet,
                                      rina: Facilitator) -> None:
    rina.capacity = 50
    rina.save(update_fields=["capacity"])
    for _ in range(50):
        enrol(prog, fac=rina)
    body = device_client(phone[1]).get("/field/api/caseload").content
    print(f"caseload of 50 families: {len(body):,} bytes")
    assert len(json.loads(body)["families"]) == 50
    assert len(body) < 200_000


def test_it_tells_her_what_the_supervisor_decided_on_her_conflicts(phone: tuple[Device, str],
                                                                  families: list[Enrolment],
                                                                  klaten_officer: Any) -> None:
    command = visit(families[0])
    services.exit_enrolment(klaten_officer, families[0], reason="moved", on=timezone.localdate())
    assert field.receive(phone[0], [command])[0]["status"] == "conflict"
    assert download(phone)["decisions"] == []
    field.resolve_conflict(klaten_officer, Conflict.objects.get(), decision="discard", note="Sudah pindah")
    [decision] = download(phone)["decisions"]
    assert (decision["command"], decision["resolution"], decision["note"]) == (command["id"], "discarded",
                                                                                "Sudah pindah")
