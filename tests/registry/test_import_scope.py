"""An officer's import touches, links to and reveals only people and households inside her region:
a NIK of someone living elsewhere is refused with one reason that names nothing of the other record,
and a real move becomes a request that someone who sees both places decides."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.enterprises.models import Enterprise
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.registry import moves
from entas.registry.models import AssistanceReceipt, Household, HouseholdMembership, MoveRequest, MoveStatus, Person
from tests.conftest import client_for
from tests.ingest.samples import PEOPLE_HEADER, rejects, write
from tests.registry.factories import household

pytestmark = pytest.mark.django_db
KLATEN_KK, KUPANG_KK = "3310010101250001", "5301040101250001"
MARIA = "5301044105850001"  # head of the Kupang household (factories.household)
OUTSIDE = "nik: this person is registered outside your region"
FAILED, DONE = ImportBatch.Status.FAILED, ImportBatch.Status.DONE


@pytest.fixture
def homes() -> dict[str, Household]:
    return {"klaten": household(KLATEN_KK, "33.10.01.2001", head="Siti Aminah"),
            "kupang": household(KUPANG_KK, "53.01.04.2003", head="Maria Bria")}


def people_file(tmp_path: Path, name: str = "Maria B") -> Path:
    row = f"{MARIA},{KLATEN_KK},{name},P,1985-05-01,Klaten,spouse,sd,farmer,none,married"
    return write(tmp_path, "people.csv", [PEOPLE_HEADER, row])


def test_it_refuses_to_move_a_person_of_another_region_into_a_household_of_hers(
        tmp_path: Path, klaten_officer: User, homes: dict[str, Household]) -> None:
    batch = import_file(klaten_officer, "registry", people_file(tmp_path), mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.status, batch.updated, batch.rejected) == (DONE, 0, 1)
    maria = Person.objects.get(nik=MARIA)
    assert (maria.household_id, maria.full_name, maria.relationship) == (homes["kupang"].pk, "Maria Bria", "head")
    text = rejects(batch)
    assert OUTSIDE in text
    # The reason names nothing of the stored record: not her stored name, village or household.
    for secret in ("Maria Bria", "53.01", KUPANG_KK, "Kupang"):
        assert secret not in text


def test_the_refused_move_becomes_a_request_and_the_row_says_so(
        tmp_path: Path, klaten_officer: User, homes: dict[str, Household]) -> None:
    batch = import_file(klaten_officer, "registry", people_file(tmp_path))
    assert batch.status == FAILED
    assert "a move request was made" in rejects(batch)
    move = MoveRequest.objects.get()
    assert (move.person.nik, move.to_kk_number, move.to_village, move.from_village, move.status) == (
        MARIA, KLATEN_KK, "33.10.01.2001", "53.01.04.2003", MoveStatus.PENDING)
    assert (move.requested_by, move.batch, move.file_row, move.given_name) == (klaten_officer, batch, 2, "Maria B")
    # The same file again asks nothing twice.
    import_file(klaten_officer, "registry", people_file(tmp_path))
    assert MoveRequest.objects.count() == 1


def test_only_someone_who_sees_both_villages_approves_the_move(
        tmp_path: Path, klaten_officer: User, kupang_officer: User, national_admin: User,
        homes: dict[str, Household]) -> None:
    import_file(klaten_officer, "registry", people_file(tmp_path))
    move = MoveRequest.objects.get()
    for officer in (klaten_officer, kupang_officer):
        with pytest.raises(ValidationError):
            moves.approve_move(officer, move)
    moves.approve_move(national_admin, move, note="KK baru dari Disdukcapil")
    maria = Person.objects.get(nik=MARIA)
    assert (maria.household_id, maria.relationship) == (homes["klaten"].pk, "spouse")
    past = HouseholdMembership.objects.get(person=maria)
    assert (past.household_id, past.relationship) == (homes["kupang"].pk, "head")
    move.refresh_from_db()
    assert (move.status, move.decided_by) == (MoveStatus.APPROVED, national_admin)
    assert AuditEntry.objects.filter(action="person.moved", object_id=str(maria.pk)).exists()
    with pytest.raises(ValidationError):
        moves.reject_move(national_admin, move, note="too late")


def test_the_moves_page_lists_requests_and_decides_them(
        tmp_path: Path, klaten_officer: User, national_admin: User, homes: dict[str, Household]) -> None:
    import_file(klaten_officer, "registry", people_file(tmp_path))
    move = MoveRequest.objects.get()
    officer_page = client_for(klaten_officer).get("/registry/moves/").content.decode()
    assert "Maria B" in officer_page and "53.01.04.2003" not in officer_page  # she cannot decide: no origin shown
    assert f"/registry/moves/{move.pk}/decide/" not in officer_page
    refused = client_for(klaten_officer).post(f"/registry/moves/{move.pk}/decide/", {"decision": "approve"})
    assert refused.status_code == 302
    assert MoveRequest.objects.get().status == MoveStatus.PENDING
    admin = client_for(national_admin)
    assert f"/registry/moves/{move.pk}/decide/" in admin.get("/registry/moves/").content.decode()
    admin.post(f"/registry/moves/{move.pk}/decide/", {"decision": "reject", "note": "bukan orang yang sama"})
    move.refresh_from_db()
    assert (move.status, move.note) == (MoveStatus.REJECTED, "bukan orang yang sama")
    assert Person.objects.get(nik=MARIA).household_id == homes["kupang"].pk


def test_another_regions_officer_cannot_open_the_request(
        tmp_path: Path, klaten_officer: User, kupang_officer: User, homes: dict[str, Household]) -> None:
    import_file(klaten_officer, "registry", people_file(tmp_path))
    move = MoveRequest.objects.get()
    assert "Maria B" not in client_for(kupang_officer).get("/registry/moves/").content.decode()
    response = client_for(kupang_officer).post(f"/registry/moves/{move.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="kupang").exists()


def test_a_national_import_moves_the_person_as_before(
        tmp_path: Path, national_admin: User, homes: dict[str, Household]) -> None:
    batch = import_file(national_admin, "registry", people_file(tmp_path))
    assert (batch.status, batch.updated) == (DONE, 1)
    assert Person.objects.get(nik=MARIA).household_id == homes["klaten"].pk
    assert not MoveRequest.objects.exists()


def test_it_refuses_assistance_naming_a_person_of_another_region(
        tmp_path: Path, klaten_officer: User, homes: dict[str, Household]) -> None:
    path = write(tmp_path, "assistance.csv", ["kk_number,nik,programme,component,period,amount",
                                              f"{KLATEN_KK},{MARIA},PKH,elderly,2025-Q2,600000"])
    batch = import_file(klaten_officer, "registry", path, mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.status, batch.inserted, batch.rejected) == (DONE, 0, 1)
    assert OUTSIDE in rejects(batch)
    assert not AssistanceReceipt.objects.filter(person__nik=MARIA, period="2025-Q2").exists()
    page = client_for(klaten_officer).get(f"/registry/households/{homes['klaten'].pk}/").content.decode()
    assert "Maria" not in page


def test_it_refuses_an_enterprise_whose_owner_lives_in_another_region(
        tmp_path: Path, klaten_officer: User, homes: dict[str, Household]) -> None:
    path = tmp_path / "umkm.csv"
    path.write_text("nib,name,owner_nik,owner_name,village_code,kbli_code,kbli_version,capital,annual_sales\n"
                    f"1234567890123,Warung Maria,{MARIA},Maria,33.10.01.2001,47111,2020,5000000,60000000\n")
    batch = import_file(klaten_officer, "kumkm", path, mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.status, batch.inserted, batch.rejected) == (DONE, 0, 1), batch.error_message
    assert "owner_nik: this person is registered outside your region" in rejects(batch)
    assert not Enterprise.objects.exists()


def test_a_request_whose_requester_is_gone_is_still_listed(
        tmp_path: Path, klaten_officer: User, national_admin: User, homes: dict[str, Household]) -> None:
    import_file(klaten_officer, "registry", people_file(tmp_path))
    MoveRequest.objects.update(requested_by=None)  # an import run from the command line, or a deleted account
    page = client_for(national_admin).get("/registry/moves/")
    assert page.status_code == 200 and "Maria B" in page.content.decode()
