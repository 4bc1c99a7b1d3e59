"""Imports over time: the same file twice changes nothing, a newer extract updates households by
No. KK and people by NIK, decile history is kept, a move ends the current membership."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from entas.core.models import AuditEntry
from entas.ingest.models import ImportBatch
from entas.registry.models import AssistanceReceipt, DecileRecord, Household, HouseholdMembership, Person
from tests.conftest import client_for
from tests.ingest.samples import (
    CHILD,
    HEAD,
    HOUSEHOLD_HEADER,
    KK1,
    KK2,
    OTHER_VILLAGE,
    PEOPLE_HEADER,
    WIFE,
    household,
    load_households,
    person,
    run,
    write,
)

pytestmark = pytest.mark.django_db
DONE = ImportBatch.Status.DONE
FAMILY = [person(HEAD), person(WIFE, name="Siti Aminah", sex="P", born="1984-02-03", relationship="spouse"),
          person(CHILD, name="Agus", born="2010-11-30", relationship="child")]


def counts(batch: ImportBatch) -> tuple[int, int, int, int]:
    assert batch.status == DONE, batch.error_message
    return batch.inserted, batch.updated, batch.unchanged, batch.rejected


def test_reimporting_the_same_files_changes_nothing(tmp_path: Path) -> None:
    homes = write(tmp_path, "households.csv", [HOUSEHOLD_HEADER, household(KK1), household(KK2)])
    people = write(tmp_path, "people.csv", [PEOPLE_HEADER, *FAMILY])
    assert counts(run(homes)) == (2, 0, 0, 0)
    assert counts(run(people)) == (3, 0, 0, 0)
    before = list(Person.objects.order_by("id").values_list("id", "household_id", "relationship", "member_since"))
    again = run(homes)
    assert counts(again) == (0, 0, 2, 0)
    assert again.details["decile_history"] == {"inserted": 0, "updated": 0, "unchanged": 2}
    again = run(people)
    assert counts(again) == (0, 0, 3, 0)
    assert again.details["memberships"] == {"opened": 0, "closed": 0}
    after = Person.objects.order_by("id").values_list("id", "household_id", "relationship", "member_since")
    assert list(after) == before
    assert not HouseholdMembership.objects.exists()
    assert DecileRecord.objects.count() == 2


def test_a_newer_extract_updates_households_by_kk_and_keeps_the_decile_history(tmp_path: Path) -> None:
    run(write(tmp_path, "january.csv", [HOUSEHOLD_HEADER, household(KK1, decile=1, decile_date="2025-01-31"),
                                        household(KK2, decile=4, decile_date="2025-01-31")]))
    july = run(write(tmp_path, "july.csv", [HOUSEHOLD_HEADER, household(KK1, decile=3, decile_date="2025-07-31",
                                                                         extreme_poor=0),
                                            household(KK2, decile=4, decile_date="2025-07-31")]))
    assert counts(july) == (0, 2, 0, 0)  # KK2 changed too: its decile date
    first = Household.objects.get(kk_number=KK1)
    assert (first.decile, first.decile_date, first.extreme_poor) == (3, date(2025, 7, 31), False)
    history = DecileRecord.objects.filter(household=first).order_by("date").values_list("decile", "date", "source")
    assert list(history) == [(1, date(2025, 1, 31), "DTSEN"), (3, date(2025, 7, 31), "DTSEN")]
    assert july.details["decile_history"]["inserted"] == 2
    assert Household.objects.count() == 2


def test_a_newer_extract_updates_people_by_nik(tmp_path: Path) -> None:
    load_households(tmp_path)
    run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *FAMILY]))
    renamed = [person(HEAD, name="Budi Santosa"), *FAMILY[1:]]
    assert counts(run(write(tmp_path, "people2.csv", [PEOPLE_HEADER, *renamed]))) == (0, 1, 2, 0)
    assert Person.objects.get(nik=HEAD).full_name == "Budi Santosa"
    assert not HouseholdMembership.objects.exists()  # a new name is no move


def test_a_person_moving_household_closes_the_old_membership(tmp_path: Path) -> None:
    load_households(tmp_path)
    run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *FAMILY]), extract_date=date(2025, 1, 31))
    moved = [*FAMILY[:2], person(CHILD, kk_number=KK2, name="Agus", born="2010-11-30", relationship="head")]
    batch = run(write(tmp_path, "people2.csv", [PEOPLE_HEADER, *moved]), extract_date=date(2025, 7, 31))
    assert counts(batch) == (0, 1, 2, 0)
    assert batch.details["memberships"] == {"opened": 1, "closed": 1}
    child = Person.objects.get(nik=CHILD)
    assert child.household is not None and child.household.kk_number == KK2
    past = child.memberships.values_list("household__kk_number", "relationship", "start_date", "end_date")
    assert list(past) == [(KK1, "child", date(2025, 1, 31), date(2025, 7, 31))]
    assert (child.relationship, child.member_since) == ("head", date(2025, 7, 31))


def test_the_household_page_shows_current_and_past_members(tmp_path: Path, make_user: Any) -> None:
    load_households(tmp_path)
    run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *FAMILY]), extract_date=date(2025, 1, 31))
    moved = [*FAMILY[:2], person(CHILD, kk_number=KK2, name="Agus", born="2010-11-30", relationship="head")]
    run(write(tmp_path, "people2.csv", [PEOPLE_HEADER, *moved]), extract_date=date(2025, 7, 31))
    client = client_for(make_user("analis"))
    old_home = client.get(f"/registry/households/{Household.objects.get(kk_number=KK1).pk}/").content.decode()
    history = old_home[old_home.index('data-testid="membership-history"'):]
    assert "<td>Agus</td><td>Anak</td><td>31 Januari 2025</td><td>31 Juli 2025</td>" in history
    assert "<td>Siti Aminah</td><td>Istri/suami</td><td>31 Januari 2025</td><td>—</td>" in history
    new_home = client.get(f"/registry/households/{Household.objects.get(kk_number=KK2).pk}/").content.decode()
    assert "<td>Agus</td><td>Kepala keluarga</td><td>31 Juli 2025</td><td>—</td>" in new_home


def test_an_older_extract_loaded_late_does_not_overwrite_newer_data(tmp_path: Path) -> None:
    january = write(tmp_path, "january.csv", [HOUSEHOLD_HEADER, household(KK1, decile=1, decile_date="2025-01-31")])
    july = write(tmp_path, "july.csv", [HOUSEHOLD_HEADER, household(KK1, decile=3, decile_date="2025-07-31",
                                                                    extreme_poor=0), household(KK2, decile=4)])
    run(july, extract_date=date(2025, 7, 31))
    late = run(january, extract_date=date(2025, 1, 31))
    assert counts(late) == (0, 0, 1, 0)
    assert late.details["households"]["kept_newer"] == 1
    assert "1 households: left as stored, a later extract already changed them" in late.details["notes"]
    home = Household.objects.get(kk_number=KK1)
    assert (home.decile, home.decile_date, home.extreme_poor) == (3, date(2025, 7, 31), False)
    # The old decile still joins the history, in its place in time.
    assert list(DecileRecord.objects.filter(household=home).order_by("date").values_list("decile", flat=True)) == [1, 3]


def test_an_older_people_extract_keeps_the_newer_household_of_a_person(tmp_path: Path) -> None:
    load_households(tmp_path)
    moved = [*FAMILY[:2], person(CHILD, kk_number=KK2, name="Agus", born="2010-11-30", relationship="head")]
    run(write(tmp_path, "july.csv", [PEOPLE_HEADER, *moved]), extract_date=date(2025, 7, 31))
    late = run(write(tmp_path, "january.csv", [PEOPLE_HEADER, *FAMILY]), extract_date=date(2025, 1, 31))
    assert counts(late) == (0, 0, 3, 0)
    assert late.details["memberships"] == {"opened": 0, "closed": 0}
    child = Person.objects.get(nik=CHILD)
    assert child.household is not None and child.household.kk_number == KK2


def test_a_person_level_file_with_dtsen_headers_loads_households_and_people(tmp_path: Path) -> None:
    header = "NO_KK,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA,KODE_DESA,ALAMAT,DESIL,MISKIN_EKSTREM"
    rows = [f"{KK1},{HEAD},Budi Santoso,1,17/05/1980,1,3310012002,Dusun Krajan,2,ya",
            f"{KK1},{WIFE},Siti Aminah,2,03-02-1984,2,3310012002,Dusun Krajan,2,ya",
            f"{KK2},{CHILD},Agus,1,30 November 2010,1,{OTHER_VILLAGE},Dusun Kidul,5,tidak"]
    batch = run(write(tmp_path, "dtsen.csv", [header, *rows]), source="DTSEN")
    assert counts(batch) == (3, 0, 0, 0)
    assert batch.details["households"]["inserted"] == 2
    home = Household.objects.get(kk_number=KK1)
    assert (home.village_id, home.decile, home.decile_source, home.extreme_poor) == (OTHER_VILLAGE, 2, "DTSEN", True)
    wife = Person.objects.get(nik=WIFE)
    assert (wife.sex, wife.birth_date, wife.relationship) == ("P", date(1984, 2, 3), "spouse")
    assert wife.household_id == home.pk
    assert Person.objects.get(nik=CHILD).birth_date == date(2010, 11, 30)


def test_assistance_is_imported_per_household_person_programme_and_period(tmp_path: Path) -> None:
    load_households(tmp_path)
    run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *FAMILY]))
    header = "kk_number,nik,programme,component,period,amount"
    rows = [f"{KK1},,SEMBAKO,,2025-07,200000", f"{KK1},{CHILD},PKH,sd,2025-Q3,225.000",
            f"{KK1},{HEAD},PBI_JKN,,2025-07,42000", f"{KK1},,SEMBAKO,pregnant,2025-08,200000"]
    path = write(tmp_path, "assistance.csv", [header, *rows])
    batch = run(path, mode=ImportBatch.Mode.ACCEPT_VALID)
    assert counts(batch) == (3, 0, 0, 1)
    assert "component: only PKH has components, not SEMBAKO" in Path(batch.rejects_path).read_text()
    pkh = AssistanceReceipt.objects.get(programme="PKH")
    assert pkh.person is not None and pkh.person.nik == CHILD
    assert (pkh.component, pkh.period, pkh.amount) == ("sd", "2025-Q3", 225000)
    assert counts(run(path, mode=ImportBatch.Mode.ACCEPT_VALID)) == (0, 0, 3, 1)


def test_an_import_is_audited_and_keeps_its_progress_on_the_batch(tmp_path: Path) -> None:
    load_households(tmp_path)
    phases: list[str] = []
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *FAMILY]), progress=lambda p, d, t: phases.append(p))
    assert phases[0] == "read" and phases[-1] == "load"
    assert (batch.rows_total, batch.rows_processed, batch.finished_at is not None) == (3, 3, True)
    entry = AuditEntry.objects.filter(action="import.done").latest("id")
    assert (entry.object_id, entry.details["kind"], entry.details["inserted"]) == (str(batch.pk), "people", 3)


def test_a_failed_import_is_audited_too(tmp_path: Path) -> None:
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER, person(HEAD)]))
    assert batch.status == ImportBatch.Status.FAILED
    entry = AuditEntry.objects.get(action="import.failed")
    assert entry.object_id == str(batch.pk) and "kk_number" in entry.details["error"]


def test_the_dtsen_example_of_the_documentation_imports(tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-formats.md").read_text()
    example = docs.split("Example (person-level")[1].split("```")[1].strip().splitlines()
    batch = run(write(tmp_path, "dtsen.csv", example))
    assert counts(batch) == (2, 0, 0, 0)
    assert Household.objects.get().village_id == "33.10.01.2001"
    assert set(Person.objects.values_list("sex", "relationship")) == {("L", "head"), ("P", "spouse")}
