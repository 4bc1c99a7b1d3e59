""""My cooperative": a cooperative manager's page of his cooperatives, their members with desil and
programme status, adding members by NIK, by name and from the families who agreed to be contacted;
nothing of another cooperative, of a family without consent, or of another village."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises import access
from entas.enterprises import services as enterprises
from entas.enterprises.models import Cooperative, Membership
from entas.graduation import services
from entas.graduation.consent import record_contact_consent
from entas.graduation.models import Enrolment
from entas.programmes.models import Programme
from entas.registry.models import Household, Person
from tests.conftest import client_for
from tests.enterprises.factories import cooperative
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, TODAY, home

pytestmark = pytest.mark.django_db


@dataclass
class Village:
    manager: User
    coop: Cooperative
    other_coop: Cooperative


def family(prog: Programme, name: str, village: str = KLATEN_VILLAGE, *, decile: int = 1,
           consent: bool = False, phone: str = "081234567890") -> Enrolment:
    enrolment = services.enrol_household(None, prog, home(village, name=name, decile=decile), on=TODAY)
    if consent:
        record_contact_consent(None, enrolment, consent=True, phone=phone, on=TODAY)
    return enrolment


def head(enrolment: Enrolment) -> Person:
    return enrolment.household.members.get(relationship="head")


def manager_of(officer: User, make_user: Callable[..., User], coop: Cooperative, username: str = "pengurus") -> User:
    manager = make_user(username, Role.COOPERATIVE_MANAGER, "33.10.01")
    access.grant_access(officer, coop, manager)
    return manager


@pytest.fixture
def village(klaten_officer: User, make_user: Callable[..., User]) -> Village:
    coop = cooperative("Koperasi Merah Putih Sengon", KLATEN_VILLAGE)
    other = cooperative("Koperasi Simpan Pinjam Lain", KLATEN_VILLAGE, type="savings_loan",
                        registration_number="3310010002")
    return Village(manager_of(klaten_officer, make_user, coop), coop, other)


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client: Client, coop: Cooperative, **query: str) -> str:
    response = client.get(f"/my-cooperative/{coop.pk}/", query)
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start:body.index("</table>", start)]


# --- whose page -----------------------------------------------------------------------------------

def test_the_menu_takes_a_manager_with_one_cooperative_straight_to_it(village: Village) -> None:
    client = english(village.manager)
    response = client.get("/my-cooperative/")
    assert response.status_code == 302 and response["Location"] == f"/my-cooperative/{village.coop.pk}/"
    body = page(client, village.coop)
    assert 'data-testid="menu-my-cooperative"' in body and "Koperasi Merah Putih Sengon" in body


def test_a_manager_of_two_cooperatives_chooses_one(village: Village, klaten_officer: User) -> None:
    access.grant_access(klaten_officer, village.other_coop, village.manager)
    body = english(village.manager).get("/my-cooperative/").content.decode()
    assert "Koperasi Merah Putih Sengon" in body and "Koperasi Simpan Pinjam Lain" in body


def test_another_cooperative_answers_404_and_is_logged(village: Village) -> None:
    client = english(village.manager)
    kupang = cooperative("Koperasi Kupang", KUPANG_VILLAGE, registration_number="5301040001")
    for coop in (village.other_coop, kupang):
        assert client.get(f"/my-cooperative/{coop.pk}/").status_code == 404
        assert client.post(f"/my-cooperative/{coop.pk}/add/", {"person": 1}).status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor=village.manager).count() == 4


def test_other_roles_have_no_cooperative_of_their_own(village: Village, klaten_officer: User) -> None:
    client = english(klaten_officer)
    assert client.get("/my-cooperative/").status_code == 403
    assert client.get(f"/my-cooperative/{village.coop.pk}/").status_code == 403
    assert "menu-my-cooperative" not in client.get("/programmes/").content.decode()


def test_a_manager_without_access_sees_an_empty_list(make_user: Callable[..., User]) -> None:
    body = english(make_user("baru", Role.COOPERATIVE_MANAGER, "33.10.01")).get("/my-cooperative/")
    assert body.status_code == 200 and "does not act for any cooperative" in body.content.decode()


# --- members --------------------------------------------------------------------------------------

def test_members_show_desil_and_programme_status_with_the_nik_masked(village: Village, prog: Programme) -> None:
    enrolled = family(prog, "Sri Anggota", decile=2)
    services.activate(None, enrolled, on=TODAY)
    enterprises.join_cooperative(None, village.coop, head(enrolled), joined=TODAY)
    not_enrolled = home(KLATEN_VILLAGE, name="Budi Bukan Peserta", decile=6).members.get()
    enterprises.join_cooperative(None, village.coop, not_enrolled, joined=TODAY)
    members = section(page(english(village.manager), village.coop), "members")
    nik = head(enrolled).nik
    assert "Sri Anggota" in members and nik not in members and nik[:4] + "********" + nik[-4:] in members
    assert '<td class="num">2</td><td>Graduasi KPM 2025</td><td>Active</td>' in members
    assert '<td class="num">6</td><td>—</td><td>—</td>' in members
    assert enrolled.household.kk_number not in members and "/programmes/enrolments/" not in members


def test_members_of_the_other_cooperative_are_not_listed(village: Village, prog: Programme) -> None:
    enterprises.join_cooperative(None, village.other_coop, head(family(prog, "Rahasia Lain")), joined=TODAY)
    assert "Rahasia Lain" not in page(english(village.manager), village.coop)


def test_business_units_are_listed(village: Village) -> None:
    enterprises.add_business_unit(None, village.coop, kind="sembako_outlet", status="operating", opened=TODAY)
    assert "31 July 2025" in section(page(english(village.manager), village.coop), "units")


# --- the families who agreed to be contacted --------------------------------------------------------

def test_candidates_are_the_consenting_enrolled_non_members_of_the_village(
        village: Village, prog: Programme) -> None:
    family(prog, "Ibu Setuju", consent=True, phone="0812-3456-7890")
    family(prog, "Ibu Tidak Setuju")
    family(prog, "Ibu Desa Lain", KLATEN_OTHER_VILLAGE, consent=True)
    member = family(prog, "Ibu Sudah Anggota", consent=True)
    enterprises.join_cooperative(None, village.coop, head(member), joined=TODAY)
    exited = family(prog, "Ibu Keluar", consent=True)
    services.exit_enrolment(None, exited, reason="moved", on=TODAY)
    registered = home(KLATEN_VILLAGE, name="Ibu Tidak Terdaftar").members.get()
    rows = section(page(english(village.manager), village.coop), "candidates")
    assert "Ibu Setuju" in rows and "081234567890" in rows
    for name in ("Ibu Tidak Setuju", "Ibu Desa Lain", "Ibu Sudah Anggota", "Ibu Keluar", registered.full_name):
        assert name not in rows, name


def test_a_candidate_shows_name_village_and_contact_only(village: Village, prog: Programme) -> None:
    candidate = family(prog, "Ibu Setuju", consent=True, decile=1)
    body = page(english(village.manager), village.coop)
    rows = section(body, "candidates")
    assert "Ibu Setuju" in rows and "Sengon" in rows
    nik, kk = head(candidate).nik, candidate.household.kk_number
    assert nik not in body and nik[-4:] + "</td>" not in body and kk not in body
    assert "Graduasi KPM 2025" not in body and '<td class="num">1</td>' not in rows


def test_withdrawing_consent_takes_the_family_off_the_list_at_once(village: Village, prog: Programme) -> None:
    candidate = family(prog, "Ibu Setuju", consent=True)
    client = english(village.manager)
    assert "Ibu Setuju" in section(page(client, village.coop), "candidates")
    record_contact_consent(None, candidate, consent=False)
    assert "Ibu Setuju" not in page(client, village.coop)


def test_adding_a_candidate_joins_her_through_the_service_and_audits_it(village: Village, prog: Programme) -> None:
    candidate = family(prog, "Ibu Setuju", consent=True)
    client = english(village.manager)
    response = client.post(f"/my-cooperative/{village.coop.pk}/add/", {"person": head(candidate).pk})
    assert response.status_code == 302
    joined = Membership.objects.get(cooperative=village.coop, person=head(candidate))
    entry = AuditEntry.objects.get(action="cooperative.member_joined", actor=village.manager)
    assert entry.object_id == str(joined.pk)
    body = page(client, village.coop)
    assert "Ibu Setuju" in section(body, "members") and "Ibu Setuju" not in section(body, "candidates")
    assert "Active" not in section(body, "members") and "Enrolled" in section(body, "members")


def test_adding_someone_hidden_is_refused_and_writes_nothing(village: Village, prog: Programme) -> None:
    hidden = head(family(prog, "Rahasia Tanpa Izin"))
    response = english(village.manager).post(f"/my-cooperative/{village.coop.pk}/add/", {"person": hidden.pk})
    assert response.status_code == 400 and "Rahasia Tanpa Izin" not in response.content.decode()
    assert "person: choose someone" in response.content.decode()
    assert not Membership.objects.exists()


def test_a_candidate_of_another_village_cannot_be_added(village: Village, prog: Programme) -> None:
    elsewhere = head(family(prog, "Ibu Desa Lain", KLATEN_OTHER_VILLAGE, consent=True))
    response = english(village.manager).post(f"/my-cooperative/{village.coop.pk}/add/", {"person": elsewhere.pk})
    assert response.status_code == 400 and not Membership.objects.exists()


# --- adding by NIK and by name --------------------------------------------------------------------------

def join_by_nik(client: Client, coop: Cooperative, nik: str) -> tuple[int, str]:
    response = client.post(f"/my-cooperative/{coop.pk}/join/", {
        "nik": nik, "joined": "2025-08-01", "share_principal": "100000", "share_mandatory": "0"})
    return response.status_code, response.content.decode()


def test_a_member_is_added_by_the_nik_on_her_ktp(village: Village) -> None:
    newcomer = home(KLATEN_OTHER_VILLAGE, name="Pak Pendatang").members.get()
    client = english(village.manager)
    status, _ = join_by_nik(client, village.coop, newcomer.nik)
    assert status == 302
    membership = Membership.objects.get(person=newcomer, cooperative=village.coop)
    assert membership.share_principal == 100_000
    assert AuditEntry.objects.filter(action="cooperative.member_joined", actor=village.manager).exists()
    assert "Pak Pendatang" in section(page(client, village.coop), "members")


def test_a_nik_outside_his_region_is_refused_naming_the_field(village: Village) -> None:
    far = home(KUPANG_VILLAGE, name="Rahasia Kupang").members.get()
    status, body = join_by_nik(english(village.manager), village.coop, far.nik)
    assert status == 400 and "No person with NIK" in body and "Rahasia Kupang" not in body
    assert not Membership.objects.exists()


def test_joining_twice_is_refused_on_the_nik_field(village: Village) -> None:
    person = home(KLATEN_VILLAGE, name="Pak Dua Kali").members.get()
    enterprises.join_cooperative(None, village.coop, person, joined=TODAY)
    status, body = join_by_nik(english(village.manager), village.coop, person.nik)
    assert status == 400 and "already a member" in body
    assert Membership.objects.count() == 1


def test_name_search_finds_only_people_he_may_see_and_consenting_families(
        village: Village, prog: Programme) -> None:
    board = home(KLATEN_VILLAGE, name="Pak Pengurus Sari").members.get()
    enterprises.appoint_manager(None, village.coop, board, role="chair", start=TODAY)
    family(prog, "Bu Sari Setuju", consent=True)
    family(prog, "Bu Sari Rahasia")
    home(KLATEN_VILLAGE, name="Sari Tetangga")
    found = section(page(english(village.manager), village.coop, q="sari"), "found")
    assert "Pak Pengurus Sari" in found and board.nik[-4:] in found and board.nik not in found
    assert "Bu Sari Setuju" in found
    assert "Bu Sari Rahasia" not in found and "Sari Tetangga" not in found


def test_a_search_by_nik_looks_among_the_people_he_may_see_only(village: Village, prog: Programme) -> None:
    candidate = head(family(prog, "Bu Setuju", consent=True))
    stranger = home(KLATEN_VILLAGE, name="Orang Asing").members.get()
    client = english(village.manager)
    for person in (candidate, stranger):
        assert person.full_name not in section(page(client, village.coop, q=person.nik), "found")


def test_someone_found_by_name_is_added_in_one_click(village: Village, klaten_officer: User) -> None:
    former = home(KLATEN_VILLAGE, name="Pak Mantan").members.get()
    membership = enterprises.join_cooperative(None, village.coop, former, joined=TODAY.replace(year=2024))
    enterprises.leave_cooperative(None, membership, left=TODAY.replace(month=1))
    client = english(village.manager)
    assert "Pak Mantan" in section(page(client, village.coop, q="mantan"), "found")
    assert client.post(f"/my-cooperative/{village.coop.pk}/add/", {"person": former.pk}).status_code == 302
    assert Membership.objects.filter(person=former, left__isnull=True).count() == 1


def test_nothing_of_a_household_is_linked(village: Village, prog: Programme) -> None:
    enrolled = family(prog, "Sri Anggota")
    enterprises.join_cooperative(None, village.coop, head(enrolled), joined=TODAY)
    body = page(english(village.manager), village.coop)
    assert f"/registry/households/{enrolled.household_id}/" not in body
    assert Household.objects.get(pk=enrolled.household_id).kk_number not in body
