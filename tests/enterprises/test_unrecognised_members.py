"""Members and job holders nobody recognised yet (issue 16, record linkage): the memberships and
jobs files keep them with the identity they give instead of refusing them; a link accepted later
gives them their person (entas.enterprises.identities), which the desil indicators then count, and
undoing it is audited. They are shown where the cooperative or enterprise is, never elsewhere."""

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry, Event
from entas.core.scoping import visible
from entas.enterprises import access, identities, services
from entas.enterprises.models import Cooperative, Enterprise, Job, Membership
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.monitoring import rollups
from entas.monitoring import services as monitoring
from entas.monitoring.models import Rollup
from entas.registry.models import Person
from tests.conftest import client_for, english_client
from tests.enterprises.factories import KLATEN_VILLAGE, TODAY, cooperative, enterprise, person
from tests.monitoring.factories import indicator

pytestmark = pytest.mark.django_db
D = datetime.date
Commit = Callable[..., Any]  # pytest-django's django_capture_on_commit_callbacks
SITI = "3310014105850001"  # made by person("3310010101850001")
NOBODY = "3310014105850009"  # a valid NIK that no registry person has
MEMBERS = "registration_number,nik,joined,left,nama,tanggal_lahir,jk,alamat,kode_desa\n"
JOBS = "nib,nik,start,end,jabatan,nama\n"
ANI = f"3310010001,{NOBODY},2025-01-05,,Ani Lestari,1985,P,Dukuh Krajan RT 2,3310012001\n"


@pytest.fixture
def places() -> tuple[Cooperative, Enterprise]:
    person("3310010101850001", name="Siti Aminah")
    return cooperative(), enterprise()  # registration number 3310010001, NIB 1234567890123


def write(tmp_path: Path, header: str, *rows: str, name: str = "links.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(rows))
    return path


def run(path: Path, mode: str = ImportBatch.Mode.ALL_OR_NOTHING, actor: User | None = None) -> ImportBatch:
    return import_file(actor, "kumkm-people", path, mode=mode, extract_date=TODAY)


def unrecognised() -> Membership:
    return Membership.objects.get(person__isnull=True)


# --- the import ------------------------------------------------------------------------------------


def test_it_keeps_a_member_whose_nik_names_nobody(tmp_path: Path, places: Any) -> None:
    batch = run(write(tmp_path, MEMBERS, f"3310010001,{SITI},2025-01-05,,Siti A.,,,,\n", ANI))
    assert (batch.status, batch.inserted) == (ImportBatch.Status.DONE, 2), batch.error_message
    assert batch.details["unrecognised"] == 1
    ani = unrecognised()
    assert (ani.given_name, ani.given_nik, ani.given_birth_date, ani.given_sex, ani.given_address,
            ani.given_village) == ("Ani Lestari", NOBODY, "1985", "P", "Dukuh Krajan RT 2", "3310012001")
    assert (ani.joined, ani.given_key, ani.display_name, ani.recognised) == (D(2025, 1, 5), NOBODY, "Ani Lestari",
                                                                             False)
    # A recognised row keeps the identity the file gives too, beside its person.
    siti = Membership.objects.get(person__nik=SITI)
    assert (siti.given_name, siti.given_nik, siti.given_key) == ("Siti A.", SITI, "")


def test_it_still_rejects_a_row_without_name_or_person(tmp_path: Path, places: Any) -> None:
    batch = run(write(tmp_path, MEMBERS, f"3310010001,{NOBODY},2025-01-05,,,,,,\n"))
    assert batch.status == ImportBatch.Status.FAILED and not Membership.objects.exists()
    assert ("row 2: nik: no person in the registry has this NIK, and the row gives no name to recognise the person by"
            in batch.error_message)
    # Nor a row giving neither a NIK nor a name.
    batch = run(write(tmp_path, MEMBERS, "3310010001,,2025-01-05,,,,,,\n"))
    assert "row 2: nik: missing, and the row gives no name to recognise the person by" in batch.error_message


def test_the_nik_column_is_still_required(tmp_path: Path, places: Any) -> None:
    batch = run(write(tmp_path, "registration_number,joined,nama\n", "3310010001,2025-01-05,Ani\n"))
    assert batch.status == ImportBatch.Status.FAILED
    assert "missing required column nik (also accepted: NIK, NO_NIK, NIK_ANGGOTA)" in batch.error_message


def test_a_damaged_nik_is_kept_as_given_when_the_row_gives_a_name(tmp_path: Path, places: Any) -> None:
    rows = ("3310010001,3310-0141-0585-01,2025-01-05,,Ani Lestari,,,,\n",
            "3310010001,33100141058500,2025-01-05,,,,,,\n")
    batch = run(write(tmp_path, MEMBERS, *rows), mode=ImportBatch.Mode.ACCEPT_VALID)
    assert (batch.status, batch.inserted, batch.rejected) == (ImportBatch.Status.DONE, 1, 1)
    assert unrecognised().given_nik == "3310-0141-0585-01"
    # Without a name the NIK's own problem refuses the row, as before; with one the report warns.
    assert "nik: 14 digits, expected 16" in Path(batch.rejects_path).read_text()
    warned = batch.details["warnings"][0]
    assert warned["field"] == "nik" and "kept as given with the name" in warned["examples"][0]


def test_a_member_without_nik_is_kept_by_her_name(tmp_path: Path, places: Any) -> None:
    path = write(tmp_path, MEMBERS, "3310010001,,2025-01-05,,Ani Lestari,,,,\n")
    assert run(path).inserted == 1
    assert (unrecognised().given_nik, unrecognised().given_key) == ("", "Ani Lestari")
    again = run(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)


def test_reimporting_does_not_duplicate_unrecognised_members(tmp_path: Path, places: Any) -> None:
    path = write(tmp_path, MEMBERS, ANI)
    run(path)
    again = run(path)
    assert (again.status, again.inserted, again.updated, again.unchanged) == (ImportBatch.Status.DONE, 0, 0, 1)
    # A leave date sent later updates the same record.
    left = run(write(tmp_path, MEMBERS, ANI.replace("2025-01-05,,", "2025-01-05,2025-06-30,"), name="left.csv"))
    assert (left.inserted, left.updated) == (0, 1)
    assert Membership.objects.get().left == D(2025, 6, 30)
    # Once a link is accepted, the same file again still finds that record (and keeps its person).
    siti = Person.objects.get(nik=SITI)
    identities.attach_person(None, identities.MEMBERS, Membership.objects.get().pk, siti, method="review")
    third = run(path)
    assert (third.inserted, Membership.objects.count(), Membership.objects.get().person_id) == (0, 1, siti.pk)


def test_a_person_twice_in_the_file_by_name_is_refused(tmp_path: Path, places: Any) -> None:
    batch = run(write(tmp_path, MEMBERS, "3310010001,,2024-01-05,,Ani Lestari,,,,\n",
                      "3310010001,,2025-01-05,,Ani Lestari,,,,\n"))
    assert batch.status == ImportBatch.Status.FAILED
    assert "row 2: name: Ani Lestari is in this cooperative twice at the same time in this file (also row 3)" \
        in batch.error_message


def test_a_stored_member_is_recognised_when_the_registry_learns_her_nik(tmp_path: Path, places: Any) -> None:
    path = write(tmp_path, MEMBERS, ANI)
    run(path)
    ani = person("3310010101850009", name="Ani Lestari")  # NIK 3310014105850009: NOBODY until now
    again = run(path)
    assert (again.inserted, again.updated, again.details["recognised_again"]) == (0, 1, 1)
    assert list(Membership.objects.values_list("person_id", "given_nik")) == [(ani.pk, NOBODY)]


def test_a_jobs_file_keeps_a_job_holder_nobody_recognises(tmp_path: Path, places: Any) -> None:
    path = write(tmp_path, JOBS, f"1234567890123,{NOBODY},2024-06-01,,penjual,Ani Lestari\n")
    batch = run(path)
    assert (batch.status, batch.kind, batch.inserted) == (ImportBatch.Status.DONE, "jobs", 1), batch.error_message
    job = Job.objects.get()
    assert (job.person_id, job.given_name, job.given_nik, job.position) == (None, "Ani Lestari", NOBODY, "penjual")
    assert run(path).inserted == 0 and Job.objects.count() == 1


def test_an_officer_still_cannot_name_a_person_of_another_region(tmp_path: Path, places: Any,
                                                                 klaten_officer: User) -> None:
    person("5301040101850001", "53.01.04.2003", name="Maria Bria")
    batch = run(write(tmp_path, MEMBERS, "3310010001,5301044105850001,2025-01-05,,Maria,,,,\n"),
                actor=klaten_officer)
    assert batch.status == ImportBatch.Status.FAILED and not Membership.objects.exists()
    assert "row 2: nik: this person is registered outside your region" in batch.error_message


# --- links: attach and detach ----------------------------------------------------------------------


@pytest.fixture
def ani(tmp_path: Path, places: Any) -> Membership:
    run(write(tmp_path, MEMBERS, ANI))
    return unrecognised()


def test_attach_person_is_audited_with_source_record_person_and_method(ani: Membership) -> None:
    siti = Person.objects.get(nik=SITI)
    identities.attach_person(None, identities.MEMBERS, ani.pk, siti, method="model")
    ani.refresh_from_db()
    assert (ani.person_id, ani.given_name) == (siti.pk, "Ani Lestari")
    entry = AuditEntry.objects.get(action="cooperative.member_linked")
    assert entry.details == {"source": "cooperative_members", "record": ani.pk, "person": siti.pk, "method": "model"}
    assert (entry.object_id, entry.region_code) == (str(ani.pk), KLATEN_VILLAGE)
    event = Event.objects.get(kind="cooperative.member_linked")
    assert (event.model, event.ids, event.places) == ("enterprises.Membership", [ani.pk], [KLATEN_VILLAGE])
    # The same link again changes nothing; another person is refused.
    identities.attach_person(None, identities.MEMBERS, ani.pk, siti, method="review")
    assert AuditEntry.objects.filter(action="cooperative.member_linked").count() == 1
    other = person("3310010101850002", name="Budi")
    with pytest.raises(identities.AlreadyLinked):
        identities.attach_person(None, identities.MEMBERS, ani.pk, other, method="review")


def test_detach_person_is_audited(ani: Membership) -> None:
    siti = Person.objects.get(nik=SITI)
    identities.attach_person(None, identities.MEMBERS, ani.pk, siti, method="review")
    identities.detach_person(None, identities.MEMBERS, ani.pk)
    ani.refresh_from_db()
    assert (ani.person_id, ani.given_name, ani.given_nik) == (None, "Ani Lestari", NOBODY)
    entry = AuditEntry.objects.get(action="cooperative.member_unlinked")
    assert entry.details == {"source": "cooperative_members", "record": ani.pk, "person": siti.pk}
    assert Event.objects.filter(kind="cooperative.member_unlinked", ids=[ani.pk]).exists()
    # Undoing it again does nothing.
    identities.detach_person(None, identities.MEMBERS, ani.pk)
    assert AuditEntry.objects.filter(action="cooperative.member_unlinked").count() == 1


def test_detaching_a_member_made_for_a_known_person_keeps_her_as_given(places: Any) -> None:
    coop, _ = places
    siti = Person.objects.get(nik=SITI)
    membership = services.join_cooperative(None, coop, siti, joined=D(2025, 1, 5))
    identities.detach_person(None, identities.MEMBERS, membership.pk)
    membership.refresh_from_db()
    assert (membership.person_id, membership.given_name, membership.given_nik, membership.given_key) == (
        None, "Siti Aminah", SITI, SITI)


def test_attach_refuses_a_second_open_membership(ani: Membership, places: Any) -> None:
    coop, _ = places
    siti = Person.objects.get(nik=SITI)
    services.join_cooperative(None, coop, siti, joined=D(2024, 3, 1))
    with pytest.raises(identities.WouldOverlap, match="already a member of 'Koperasi Desa Merah Putih Sukamaju'"):
        identities.attach_person(None, identities.MEMBERS, ani.pk, siti, method="review")
    ani.refresh_from_db()
    assert ani.person_id is None and not AuditEntry.objects.filter(action="cooperative.member_linked").exists()
    # A membership that ended before this one began is no obstacle.
    services.leave_cooperative(None, Membership.objects.get(person=siti), left=D(2024, 12, 31))
    identities.attach_person(None, identities.MEMBERS, ani.pk, siti, method="review")
    assert Membership.objects.filter(person=siti).count() == 2


def test_attach_refuses_a_second_job_at_the_same_time(tmp_path: Path, places: Any) -> None:
    _, business = places
    run(write(tmp_path, JOBS, f"1234567890123,{NOBODY},2024-06-01,,,Ani Lestari\n"))
    siti = Person.objects.get(nik=SITI)
    services.record_job(None, business, siti, start=D(2024, 1, 1))
    with pytest.raises(identities.WouldOverlap):
        identities.attach_person(None, identities.JOB_HOLDERS, Job.objects.get(person__isnull=True).pk, siti,
                                 method="model")


def test_an_enterprise_owner_is_linked_and_unlinked(places: Any) -> None:
    informal = services.register_enterprise(None, name="Warung Ani", village_code=KLATEN_VILLAGE, kbli_code="47111",
                                            owner_nik=NOBODY, owner_name="Ani Lestari", on=TODAY)
    assert informal.owner_id is None
    siti = Person.objects.get(nik=SITI)
    identities.attach_person(None, identities.OWNERS, informal.pk, siti, method="review")
    assert Enterprise.objects.get(pk=informal.pk).owner_id == siti.pk
    identities.detach_person(None, identities.OWNERS, informal.pk)
    informal.refresh_from_db()
    assert (informal.owner_id, informal.owner_name, informal.owner_nik) == (None, "Ani Lestari", NOBODY)
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="enterprise.owner_").order_by("pk")] == [
        "enterprise.owner_linked", "enterprise.owner_unlinked"]


def test_attach_person_counts_the_member_in_desil_indicators(ani: Membership,
                                                             django_capture_on_commit_callbacks: Commit) -> None:
    monitoring.open_year(None, 2025)
    indicator("anggota", computation="cooperative_members_desil_1_2")
    rollups.refresh()

    def poor_members() -> Any:
        rows = Rollup.objects.filter(indicator__code="anggota", period__year=2025, period__quarter=None)
        return dict(rows.values_list("village_id", "value")).get(KLATEN_VILLAGE, 0)

    assert poor_members() == 0  # nobody knows Ani's desil yet
    siti = Person.objects.get(nik=SITI)  # desil 1
    with django_capture_on_commit_callbacks(execute=True):
        identities.attach_person(None, identities.MEMBERS, ani.pk, siti, method="review")
    assert poor_members() == 1
    with django_capture_on_commit_callbacks(execute=True):
        identities.detach_person(None, identities.MEMBERS, ani.pk)
    assert poor_members() == 0


def test_attach_person_counts_the_job_for_poor_people(tmp_path: Path, places: Any,
                                                      django_capture_on_commit_callbacks: Commit) -> None:
    monitoring.open_year(None, 2025)
    indicator("kerja", computation="jobs_for_poor_people")
    run(write(tmp_path, JOBS, f"1234567890123,{NOBODY},2025-06-01,,,Ani Lestari\n"))
    rollups.refresh()
    with django_capture_on_commit_callbacks(execute=True):
        identities.attach_person(None, identities.JOB_HOLDERS, Job.objects.get().pk, Person.objects.get(nik=SITI),
                                 method="exact_nik")
    rows = Rollup.objects.filter(indicator__code="kerja", period__year=2025, period__quarter=None)
    assert dict(rows.values_list("village_id", "value")) == {KLATEN_VILLAGE: 1}


# --- the frames the linkage app reads -------------------------------------------------------------


def test_identity_frame_gives_each_record_as_given_inside_the_scope(ani: Membership, places: Any) -> None:
    coop, _ = places
    siti = Person.objects.get(nik=SITI)
    services.join_cooperative(None, coop, siti, joined=D(2023, 1, 1))
    kupang = cooperative("KDMP Kupang", "53.01.04.2003", registration_number="5301040001")
    Membership.objects.create(cooperative=kupang, joined=D(2025, 1, 1), given_name="Maria", given_key="Maria")
    frame = identities.identity_frame(identities.MEMBERS, scope="33.10")
    assert frame.columns == list(identities.COLUMNS)
    rows = {row["record_id"]: row for row in frame.to_dicts()}
    assert set(rows) == {str(ani.pk), str(Membership.objects.get(person=siti).pk)}
    assert rows[str(ani.pk)] == {
        "record_id": str(ani.pk), "name": "Ani Lestari", "nik": NOBODY, "birth_date": "1985", "sex": "P",
        "address": "Dukuh Krajan RT 2", "village_code": "3310012001", "region": KLATEN_VILLAGE, "person_id": None}
    # A record made for a known person was given nothing: the person's values stand in.
    known = rows[str(Membership.objects.get(person=siti).pk)]
    assert (known["name"], known["nik"], known["person_id"], known["village_code"]) == (
        "Siti Aminah", SITI, str(siti.pk), KLATEN_VILLAGE)
    assert identities.identity_frame(identities.MEMBERS, scope="33.10", only_unlinked=True)["record_id"].to_list() == [
        str(ani.pk)]
    assert identities.identity_frame(identities.MEMBERS, scope=None).height == 3
    assert identities.identity_frame(identities.JOB_HOLDERS, scope="33.10").height == 0


def test_identity_frame_of_enterprise_owners(places: Any) -> None:
    informal = services.register_enterprise(None, name="Warung Ani", village_code=KLATEN_VILLAGE, kbli_code="47111",
                                            owner_nik=NOBODY, owner_name="Ani Lestari", on=TODAY)
    frame = identities.identity_frame(identities.OWNERS, scope="33.10.01", only_unlinked=True)
    assert frame.to_dicts() == [{"record_id": str(informal.pk), "name": "Ani Lestari", "nik": NOBODY,
                                 "birth_date": None, "sex": None, "address": None, "village_code": KLATEN_VILLAGE,
                                 "region": KLATEN_VILLAGE, "person_id": None}]


def test_an_unknown_source_or_method_is_refused(ani: Membership) -> None:
    with pytest.raises(ValueError, match="source must be one of"):
        identities.identity_frame("households", scope=None)
    with pytest.raises(ValueError, match="method must be one of"):
        identities.attach_person(None, identities.MEMBERS, ani.pk, Person.objects.get(nik=SITI), method="guess")


# --- who sees them ---------------------------------------------------------------------------------


def test_an_unrecognised_member_is_invisible_outside_the_cooperatives_region(
        ani: Membership, klaten_officer: User, kupang_officer: User) -> None:
    assert list(visible(klaten_officer, Membership.objects.all())) == [ani]
    assert not visible(kupang_officer, Membership.objects.all()).exists()
    assert client_for(kupang_officer).get(f"/enterprises/cooperatives/{ani.cooperative_id}/").status_code == 404
    assert client_for(kupang_officer).get(f"/api/cooperative-memberships/{ani.pk}/").status_code == 404
    listed = client_for(kupang_officer).get("/api/cooperative-memberships/").json()
    assert listed["count"] == 0


def test_the_cooperative_page_names_an_unrecognised_member_with_a_badge(ani: Membership, klaten_officer: User) -> None:
    page = english_client(klaten_officer).get(f"/enterprises/cooperatives/{ani.cooperative_id}/").content.decode()
    assert "Ani Lestari" in page and 'data-testid="unrecognised"' in page and "not yet recognised" in page
    assert "Current members not listed" not in page
    indonesian = client_for(klaten_officer).get(f"/enterprises/cooperatives/{ani.cooperative_id}/").content.decode()
    assert "belum dikenali" in indonesian
    answer = client_for(klaten_officer).get("/api/cooperative-memberships/").json()["results"]
    assert [(r["person"], r["recognised"], r["given_name"], r["given_nik"]) for r in answer] == [
        (None, False, "Ani Lestari", NOBODY)]
    # Leaving is recorded for her like for anyone, under the name given.
    leave = client_for(klaten_officer).get(f"/enterprises/memberships/{ani.pk}/leave/").content.decode()
    assert "Ani Lestari" in leave


def test_the_cooperatives_manager_sees_an_unrecognised_member(ani: Membership, klaten_officer: User,
                                                             make_user: Callable[..., User]) -> None:
    manager = make_user("pengurus", Role.COOPERATIVE_MANAGER, "33.10.01")
    access.grant_access(klaten_officer, ani.cooperative, manager)
    assert list(visible(manager, Membership.objects.all())) == [ani]
    page = client_for(manager).get(f"/enterprises/cooperatives/{ani.cooperative_id}/").content.decode()
    assert "Ani Lestari" in page


def test_a_facilitator_is_shown_no_unrecognised_member(ani: Membership, make_user: Callable[..., User]) -> None:
    facilitator = make_user("pendamping", Role.FACILITATOR, "33.10")
    page = client_for(facilitator).get(f"/enterprises/cooperatives/{ani.cooperative_id}/").content.decode()
    assert "Ani Lestari" not in page
    assert client_for(facilitator).get(f"/enterprises/memberships/{ani.pk}/leave/").status_code == 404
    assert client_for(facilitator).get(f"/api/cooperative-memberships/{ani.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor=facilitator).count() == 2
    assert client_for(facilitator).get("/api/cooperative-memberships/").json()["count"] == 0
