"""The field app's pages on the web: devices (a facilitator's own, her supervisor's region's) with
revocation, and the conflict queue where a supervisor compares both versions and decides. Conflicts
are made the way they arise: a phone's change based on a version the server has since moved past."""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.field import services as field
from entas.field.models import Command, Conflict, Device, Outcome, Resolution
from entas.graduation import services
from entas.graduation.models import Enrolment, Visit
from entas.programmes.models import Facilitator, Programme
from tests.conftest import PASSWORD, client_for, english_client
from tests.field.conftest import device_client, visit
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, facilitator

pytestmark = pytest.mark.django_db
INCOME = {"per_capita_income": 650_000, "food_shortage": False, "income_sources": 2}


def fresh(family: Enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=family.pk)


def conflict_after(phone: tuple[Device, str], family: Enrolment, change: Callable[[Enrolment], Any],
                   **command: Any) -> Conflict:
    """A visit recorded on the phone on the version it had, sent after `change` moved the family on."""
    stale = visit(fresh(family), **command)
    change(fresh(family))
    [result] = field.receive(phone[0], [stale])
    assert result["status"] == "conflict", result
    return Conflict.objects.get(command_id=stale["id"])


def handed_over(phone: tuple[Device, str], family: Enrolment, **command: Any) -> Conflict:
    colleague = facilitator(family.programme.lead_agency, f"pendamping_baru_{family.pk}")
    return conflict_after(phone, family, lambda e: services.reassign(None, e, colleague, reason="cuti melahirkan"),
                          **command)


def exited(phone: tuple[Device, str], family: Enrolment) -> Conflict:
    return conflict_after(phone, family, lambda e: services.exit_enrolment(None, e, reason="moved",
                                                                           on=timezone.localdate()))


@pytest.fixture
def kupang(prog: Programme, rina: Facilitator) -> tuple[Facilitator, Device, Conflict]:
    """A facilitator of Kupang with a phone and a conflict of her own."""
    far = facilitator(rina.agency, "pendamping_kupang", region="53.01.04")
    family = enrol(prog, village=KUPANG_VILLAGE, fac=far)
    device, token = field.register_device(None, username="pendamping_kupang", password=PASSWORD, label="HP Kupang")
    return far, device, exited((device, token), family)


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- who may use the pages --------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.ANALYST, Role.COOPERATIVE_MANAGER, Role.API_CLIENT])
def test_roles_without_business_here_get_404(make_user: Callable[..., User], phone: tuple[Device, str],
                                             families: list[Enrolment], role: str) -> None:
    conflict = exited(phone, families[0])
    client = client_for(make_user("tamu", role, "33.10"))
    for url in ("/field/devices/", "/field/conflicts/", f"/field/conflicts/{conflict.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/field/devices/{phone[0].pk}/revoke/", {"reason": "x"}).status_code == 404
    assert client.post(f"/field/conflicts/{conflict.pk}/", {"decision": "discard", "note": "x"}).status_code == 404
    assert Device.objects.get().active and Conflict.objects.get().resolution == Resolution.OPEN
    assert 'data-testid="menu-field"' not in text(client.get("/"))


def test_a_signed_in_session_is_not_a_device(klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    answer = client.get("/field/api/caseload")
    assert answer.status_code == 401 and answer.json()["code"] == "device_unknown"
    assert client.post("/field/api/sync", {"commands": []}, content_type="application/json").status_code == 401
    assert client.get("/field/api/sync").status_code == 405
    assert client.get("/field/devices/1/revoke/").status_code == 405


# --- devices ----------------------------------------------------------------------------------------

def test_a_facilitator_sees_her_devices_and_how_to_install_the_app(rina: Facilitator,
                                                                   phone: tuple[Device, str]) -> None:
    page = text(english_client(rina.user).get("/field/devices/"))
    assert "HP Rina" in page and f'data-testid="revoke-{phone[0].pk}"' in page
    assert "Install the field app" in page and 'href="http://testserver/field/"' in page
    assert "Choose a six-digit PIN" in page
    indonesian = text(client_for(rina.user).get("/field/devices/"))
    assert "Pasang aplikasi lapangan" in indonesian and "Cabut" in indonesian


def test_a_facilitator_revokes_her_own_device(rina: Facilitator, phone: tuple[Device, str]) -> None:
    client = english_client(rina.user)
    answer = client.post(f"/field/devices/{phone[0].pk}/revoke/", {"reason": "HP hilang di pasar"})
    assert answer.status_code == 302 and answer["Location"] == "/field/devices/"
    device = Device.objects.get()
    assert device.revoked_at is not None and device.revoked_by == rina.user
    assert device.revoke_reason == "HP hilang di pasar"
    assert AuditEntry.objects.filter(action="field.device_revoked", actor=rina.user).count() == 1
    page = text(client.get("/field/devices/"))
    assert "is revoked" in page and "Revoked" in page and "HP hilang di pasar" in page
    assert f'data-testid="revoke-{device.pk}"' not in page  # nothing left to revoke
    # The phone learns it at its next call and wipes what it holds.
    assert device_client(phone[1]).get("/field/api/caseload").json()["code"] == "device_revoked"
    again = client.post(f"/field/devices/{device.pk}/revoke/", {"reason": ""}, follow=True)
    assert "This device was already revoked." in text(again)


def test_a_facilitator_cannot_see_or_revoke_a_colleagues_device(rina: Facilitator, phone: tuple[Device, str]
                                                                ) -> None:
    facilitator(rina.agency, "pendamping_sari")
    other, _token = field.register_device(None, username="pendamping_sari", password=PASSWORD, label="HP Sari")
    client = client_for(rina.user)
    assert "HP Sari" not in text(client.get("/field/devices/"))
    assert client.post(f"/field/devices/{other.pk}/revoke/", {"reason": "iseng"}).status_code == 404
    assert Device.objects.get(pk=other.pk).active
    assert AuditEntry.objects.filter(action="scope.denied", actor=rina.user).count() == 1


def test_an_officer_sees_and_revokes_the_devices_of_her_region_only(
        klaten_officer: User, rina: Facilitator, phone: tuple[Device, str],
        kupang: tuple[Facilitator, Device, Conflict]) -> None:
    client = english_client(klaten_officer)
    page = text(client.get("/field/devices/"))
    assert "HP Rina" in page and "pendamping_rina" in page  # the facilitator is named
    assert "HP Kupang" not in page and "pendamping_kupang" not in page
    assert client.post(f"/field/devices/{kupang[1].pk}/revoke/", {"reason": "x"}).status_code == 404
    assert Device.objects.get(pk=kupang[1].pk).active
    answer = client.post(f"/field/devices/{phone[0].pk}/revoke/", {"reason": "Ganti HP"}, follow=True)
    assert "is revoked" in text(answer)
    device = Device.objects.get(pk=phone[0].pk)
    assert device.revoked_by == klaten_officer and device.revoke_reason == "Ganti HP"
    listed = text(client.get("/field/devices/"))
    assert f"by {klaten_officer.username}<" in listed and ">Ganti HP<" in listed


def test_a_national_administrator_sees_every_device_and_conflict(
        national_admin: User, phone: tuple[Device, str], families: list[Enrolment],
        kupang: tuple[Facilitator, Device, Conflict]) -> None:
    mine = exited(phone, families[0])
    client = client_for(national_admin)
    devices = text(client.get("/field/devices/"))
    assert "HP Rina" in devices and "HP Kupang" in devices
    conflicts = text(client.get("/field/conflicts/"))
    assert f'data-testid="conflict-{mine.pk}"' in conflicts and f'data-testid="conflict-{kupang[2].pk}"' in conflicts
    assert client.get(f"/field/conflicts/{kupang[2].pk}/").status_code == 200


# --- the conflict queue -----------------------------------------------------------------------------

def test_the_queue_lists_open_conflicts_first_and_filters_by_status(
        klaten_officer: User, phone: tuple[Device, str], families: list[Enrolment]) -> None:
    first, second, third = (exited(phone, f) for f in families)
    field.resolve_conflict(klaten_officer, first, decision="discard", note="Sudah pindah")
    client = english_client(klaten_officer)
    page = text(client.get("/field/conflicts/"))
    order = [int(n) for n in re.findall(r'data-testid="conflict-(\d+)"', page)]
    assert order == [second.pk, third.pk, first.pk]  # open ones oldest first, then the decided
    assert "2 conflicts wait for a decision." in page
    head = Enrolment.objects.get(pk=families[1].pk).household.members.get().full_name
    assert head in page and families[1].household.kk_number in page and "Home visit" in page
    assert "Waiting for a decision" in page and "The server&#x27;s version was kept" in page
    opened = text(client.get("/field/conflicts/", {"status": "open"}))
    assert re.findall(r'data-testid="conflict-(\d+)"', opened) == [str(second.pk), str(third.pk)]
    decided = text(client.get("/field/conflicts/", {"status": "decided"}))
    assert re.findall(r'data-testid="conflict-(\d+)"', decided) == [str(first.pk)]
    listed = AuditEntry.objects.filter(action="enrolment.listed", actor=klaten_officer).order_by("pk").first()
    assert listed is not None and families[1].household_id in listed.details["households"]


def test_an_officer_of_another_regency_gets_404(kupang_officer: User, phone: tuple[Device, str],
                                                families: list[Enrolment]) -> None:
    conflict = exited(phone, families[0])
    client = client_for(kupang_officer)
    assert client.get(f"/field/conflicts/{conflict.pk}/").status_code == 404
    assert client.post(f"/field/conflicts/{conflict.pk}/", {"decision": "discard", "note": "x"}).status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor=kupang_officer).count() == 2
    assert Conflict.objects.get().resolution == Resolution.OPEN
    page = text(client.get("/field/conflicts/"))
    assert f'data-testid="conflict-{conflict.pk}"' not in page and 'data-testid="empty-state"' in page
    assert 'data-testid="menu-field-open"' not in page


def test_the_conflict_page_shows_both_versions(klaten_officer: User, phone: tuple[Device, str],
                                               families: list[Enrolment]) -> None:
    family = families[0]
    on = timezone.localdate()
    assert field.receive(phone[0], [visit(family, on=on - datetime.timedelta(days=3),
                                          assessment={"per_capita_income": 500_000})])[0]["status"] == "applied"
    conflict = handed_over(phone, family, on=on, assessment=INCOME)
    page = text(english_client(klaten_officer).get(f"/field/conflicts/{conflict.pk}/"))
    assert "On the phone" in page and "On the server" in page and "Home visit" in page
    assert "Warung buka" in page  # the notes recorded on the phone
    assert "Income per person per month (Rp)" in page and "Rp650,000" in page and "Rp500,000" in page
    assert "Food shortage in the past year" in page and ">no<" in page
    assert f'data-testid="base-version">{conflict.command.base_version}<' in page
    assert f'data-testid="server-version">{conflict.server["version"]}<' in page
    assert "pendamping_baru_" in page and "cuti melahirkan" in page  # the handover since
    assert "Active" in page and family.household.kk_number in page
    assert 'value="apply"' in page and 'value="discard"' in page
    assert AuditEntry.objects.filter(action="enrolment.viewed", actor=klaten_officer).count() == 1
    indonesian = text(client_for(klaten_officer).get(f"/field/conflicts/{conflict.pk}/"))
    assert "Terapkan perubahan dari ponsel" in indonesian and "Pertahankan versi server" in indonesian
    assert "Di ponsel" in indonesian and "Di server" in indonesian


def test_an_officer_resolves_a_conflict_by_applying_the_change(klaten_officer: User, phone: tuple[Device, str],
                                                               families: list[Enrolment]) -> None:
    conflict = handed_over(phone, families[0])
    client = english_client(klaten_officer)
    answer = client.post(f"/field/conflicts/{conflict.pk}/", {"decision": "apply", "note": ""})
    assert answer.status_code == 302 and answer["Location"] == "/field/conflicts/"
    assert "the phone&#x27;s change was applied" in text(client.get(answer["Location"]))
    conflict.refresh_from_db()
    assert conflict.resolution == Resolution.APPLIED and conflict.resolved_by == klaten_officer
    assert Visit.objects.filter(enrolment=families[0], notes="Warung buka").count() == 1
    assert Command.objects.get().outcome == Outcome.APPLIED
    page = text(client.get(f"/field/conflicts/{conflict.pk}/"))
    assert 'data-testid="decision"' in page and klaten_officer.username in page
    assert 'data-testid="decide"' not in page  # decided: no form any more


def test_keeping_the_servers_version_needs_a_note(klaten_officer: User, phone: tuple[Device, str],
                                                  families: list[Enrolment]) -> None:
    conflict = exited(phone, families[0])
    client = english_client(klaten_officer)
    answer = client.post(f"/field/conflicts/{conflict.pk}/", {"decision": "discard", "note": " "})
    assert answer.status_code == 400
    assert "Say why the phone&#x27;s change is not applied" in text(answer)
    assert Conflict.objects.get().resolution == Resolution.OPEN
    answer = client.post(f"/field/conflicts/{conflict.pk}/", {"decision": "discard", "note": "Keluarga sudah pindah"})
    assert answer.status_code == 302
    conflict.refresh_from_db()
    assert conflict.resolution == Resolution.DISCARDED and conflict.note == "Keluarga sudah pindah"
    assert Command.objects.get().message.endswith("Keluarga sudah pindah")
    page = text(client.get(f"/field/conflicts/{conflict.pk}/"))
    assert 'data-testid="note">Keluarga sudah pindah<' in page and "The server&#x27;s version was kept" in page


def test_a_refused_apply_keeps_the_conflict_open(klaten_officer: User, phone: tuple[Device, str],
                                                 families: list[Enrolment]) -> None:
    conflict = exited(phone, families[0])
    answer = english_client(klaten_officer).post(f"/field/conflicts/{conflict.pk}/", {"decision": "apply"})
    assert answer.status_code == 400
    refusal = re.search(r'data-testid="refusal">([^<]*)<', text(answer))
    assert refusal is not None
    assert refusal.group(1).startswith("The phone&#x27;s change cannot be applied: The enrolment is Exited")
    assert Conflict.objects.get().resolution == Resolution.OPEN and not Visit.objects.exists()
    assert not AuditEntry.objects.filter(action="field.conflict_resolved").exists()


def test_a_decision_without_a_choice_is_asked_again(klaten_officer: User, phone: tuple[Device, str],
                                                   families: list[Enrolment]) -> None:
    conflict = exited(phone, families[0])
    answer = client_for(klaten_officer).post(f"/field/conflicts/{conflict.pk}/", {"decision": "hapus"})
    assert answer.status_code == 400 and Conflict.objects.get().resolution == Resolution.OPEN


def test_a_facilitator_reads_her_conflicts_but_her_supervisor_decides(rina: Facilitator, phone: tuple[Device, str],
                                                                      families: list[Enrolment]) -> None:
    mine = exited(phone, families[0])
    handed = handed_over(phone, families[1])
    client = english_client(rina.user)
    page = text(client.get("/field/conflicts/"))
    assert f'data-testid="conflict-{mine.pk}"' in page and f'data-testid="conflict-{handed.pk}"' in page
    # The family handed to a colleague is no longer hers: not named, nor is the colleague.
    assert "A family no longer in your caseload" in page
    assert families[1].household.kk_number not in page
    detail = text(client.get(f"/field/conflicts/{handed.pk}/"))
    assert "On the phone" in detail and 'data-testid="decide"' not in detail and 'data-testid="waits"' in detail
    assert "pendamping_baru_" not in detail and families[1].household.kk_number not in detail
    assert client.post(f"/field/conflicts/{mine.pk}/", {"decision": "discard", "note": "x"}).status_code == 404
    assert Conflict.objects.filter(resolution=Resolution.OPEN).count() == 2


# --- where people find the pages --------------------------------------------------------------------

def test_the_navigation_counts_the_open_conflicts_in_scope(klaten_officer: User, rina: Facilitator,
                                                          phone: tuple[Device, str], families: list[Enrolment],
                                                          kupang: tuple[Facilitator, Device, Conflict]) -> None:
    exited(phone, families[0])
    page = text(client_for(klaten_officer).get("/field/devices/"))
    assert 'data-testid="menu-field"' in page and 'href="/field/conflicts/"' in page
    assert re.search(r'data-testid="menu-field-open">1<', page)  # not Kupang's
    own = text(english_client(rina.user).get("/programmes/my-families/"))
    assert re.search(r'data-testid="menu-field-open">1<', own) and ">Field app " in own


def test_my_families_links_to_the_field_app_and_her_devices(rina: Facilitator) -> None:
    page = text(client_for(rina.user).get("/programmes/my-families/"))
    assert 'href="/field/"' in page and "Aplikasi lapangan (offline)" in page and 'href="/field/devices/"' in page
