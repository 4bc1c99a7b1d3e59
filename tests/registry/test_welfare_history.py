"""A household's welfare is kept per extract (WelfareRecord): each import of households, or of
people with their household's columns, writes one row per household at its extract date, with the
file's own values and scores; a re-import of that extract replaces them; rejected rows write none;
the household page and API show it to those who may see the household, and only to them."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from entas.accounts.models import User
from entas.ingest.models import ImportBatch
from entas.registry import history
from entas.registry.models import Household, WelfareRecord
from tests.conftest import client_for
from tests.ingest.samples import HOUSEHOLD_HEADER, KK1, KK2, PEOPLE_HEADER, VILLAGE, run, write
from tests.registry.factories import household as stored_household

pytestmark = pytest.mark.django_db
DONE = ImportBatch.Status.DONE
MARCH, JUNE = date(2025, 3, 31), date(2025, 6, 30)
POOR = "earth,bamboo,thatch,river,none,0,wood"  # housing score 0
BETTER = "cement,brick,tile,piped,own,900,lpg_3kg"  # housing score 7


def home(kk: str, *, decile: str = "2", income: str = "350000", housing: str = POOR, assets: str = "tv",
         village: str = VILLAGE) -> str:
    return f"{kk},{village},Dusun Krajan,{decile},DTSEN,,{income},{housing},{assets},1"


def load(tmp_path: Path, name: str, when: date, *rows: str, **options: Any) -> ImportBatch:
    batch = run(write(tmp_path, name, [HOUSEHOLD_HEADER, *rows]), extract_date=when, **options)
    assert batch.status == DONE, batch.error_message
    return batch


def history_of(kk: str) -> list[tuple[date, int | None, int | None, int | None, int | None]]:
    return list(WelfareRecord.objects.filter(household__kk_number=kk).order_by("date").values_list(
        "date", "decile", "per_capita_income", "assets_score", "housing_score"))


def test_two_extracts_keep_two_rows_per_household_with_their_scores(tmp_path: Path) -> None:
    load(tmp_path, "march.csv", MARCH, home(KK1), home(KK2, decile="5", assets="tv;car;land"))
    june = load(tmp_path, "june.csv", JUNE, home(KK1, decile="4", income="1.250.000", housing=BETTER,
                                                 assets="tv;motorcycle;refrigerator"),
                home(KK2, decile="5", assets="tv;car;land"))
    assert history_of(KK1) == [(MARCH, 2, 350_000, 1, 0), (JUNE, 4, 1_250_000, 3, 7)]
    assert history_of(KK2) == [(MARCH, 5, 350_000, 3, 0), (JUNE, 5, 350_000, 3, 0)]
    assert june.details["welfare_history"] == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert set(WelfareRecord.objects.values_list("batch_id", flat=True)) == {june.pk - 1, june.pk}


def test_a_reimport_of_one_extract_replaces_its_values_and_leaves_the_others(tmp_path: Path) -> None:
    load(tmp_path, "march.csv", MARCH, home(KK1), home(KK2))
    load(tmp_path, "june.csv", JUNE, home(KK1), home(KK2))
    again = load(tmp_path, "june-corrected.csv", JUNE, home(KK1, decile="3", income="400000", housing=BETTER),
                 home(KK2))
    assert again.details["welfare_history"] == {"inserted": 0, "updated": 1, "unchanged": 1}
    assert history_of(KK1) == [(MARCH, 2, 350_000, 1, 0), (JUNE, 3, 400_000, 1, 7)]
    assert WelfareRecord.objects.get(household__kk_number=KK1, date=JUNE).batch_id == again.pk
    same = load(tmp_path, "june-corrected.csv", JUNE, home(KK1, decile="3", income="400000", housing=BETTER),
                home(KK2))
    assert same.details["welfare_history"] == {"inserted": 0, "updated": 0, "unchanged": 2}
    assert WelfareRecord.objects.count() == 4


def test_a_value_the_extract_leaves_empty_is_null_in_its_history_and_no_assets_score_0(tmp_path: Path) -> None:
    load(tmp_path, "march.csv", MARCH, home(KK1, assets="tv;car"))
    load(tmp_path, "june.csv", JUNE, home(KK1, decile="", income="", housing="cement,brick,tile,piped,own,,lpg_3kg",
                                          assets=""))
    assert history_of(KK1) == [(MARCH, 2, 350_000, 2, 0), (JUNE, None, None, 0, None)]


def test_a_file_without_the_welfare_columns_writes_nulls_at_its_date(tmp_path: Path) -> None:
    load(tmp_path, "march.csv", MARCH, home(KK1))
    path = write(tmp_path, "addresses.csv", ["kk_number,village_code,address", f"{KK1},{VILLAGE},Jalan Baru 1"])
    assert run(path, extract_date=JUNE).status == DONE
    assert history_of(KK1) == [(MARCH, 2, 350_000, 1, 0), (JUNE, None, None, None, None)]


def test_rejected_rows_write_no_history(tmp_path: Path) -> None:
    batch = load(tmp_path, "march.csv", MARCH, home(KK1), home(KK2, decile="11"),
                 mode=ImportBatch.Mode.ACCEPT_VALID)
    assert batch.rejected == 1
    assert history_of(KK1) == [(MARCH, 2, 350_000, 1, 0)]
    assert not WelfareRecord.objects.filter(household__kk_number=KK2).exists()
    failed = run(write(tmp_path, "june.csv", [HOUSEHOLD_HEADER, home(KK1), home(KK2, decile="11")]),
                 extract_date=JUNE)
    assert failed.status == ImportBatch.Status.FAILED
    assert WelfareRecord.objects.count() == 1


def test_people_files_with_household_columns_write_the_history_of_each_household(tmp_path: Path) -> None:
    header = PEOPLE_HEADER + ",village_code,per_capita_income,assets,decile"
    rows = [f"3310011705800001,{KK1},Budi Santoso,L,1980-05-17,Klaten,head,sd,farmer,none,married,{VILLAGE},"
            "500000,tv;smartphone,3",
            f"3310014302840002,{KK1},Siti Aminah,P,1984-02-03,Klaten,spouse,sd,farmer,none,married,{VILLAGE},"
            "500000,tv;smartphone,3"]
    batch = run(write(tmp_path, "people.csv", [header, *rows]), extract_date=JUNE)
    assert batch.status == DONE, batch.error_message
    assert history_of(KK1) == [(JUNE, 3, 500_000, 2, None)]  # no housing columns: no housing score
    assert batch.details["welfare_history"]["inserted"] == 1


def test_deleting_a_household_deletes_its_history(tmp_path: Path) -> None:
    load(tmp_path, "march.csv", MARCH, home(KK1))
    Household.objects.get(kk_number=KK1).members.all().delete()
    Household.objects.get(kk_number=KK1).delete()
    assert not WelfareRecord.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_postgresql_keeps_each_year_in_a_partition_made_by_the_import(tmp_path: Path) -> None:
    homes = load(tmp_path, "march.csv", MARCH, home(KK1)).pk
    # A row written outside an import, for a year without a partition, waits in the default one...
    WelfareRecord.objects.create(household=Household.objects.get(kk_number=KK1), date=date(2026, 3, 31), decile=7)
    with connection.cursor() as cursor:
        def where(day: str) -> str:
            cursor.execute(f"SELECT tableoid::regclass::text FROM {history.TABLE} WHERE date = %s", [day])
            return str(cursor.fetchone()[0])

        assert where("2025-03-31") == history.partition_name(2025)
        assert where("2026-03-31") == history.DEFAULT_PARTITION
        # ...and moves into its year's partition when an import of that year makes it.
        load(tmp_path, "2026.csv", date(2026, 6, 30), home(KK1))
        assert where("2026-03-31") == where("2026-06-30") == history.partition_name(2026)
    assert homes and WelfareRecord.objects.count() == 3


@pytest.fixture
def homes(tmp_path: Path) -> dict[str, Household]:
    klaten = stored_household("3310010101250001", "33.10.01.2001", head="Siti Aminah")
    kupang = stored_household("5301040101250001", "53.01.04.2003", head="Maria Bria")
    for house, income in ((klaten, 410_000), (kupang, 987_654)):
        WelfareRecord.objects.create(household=house, date=MARCH, decile=2, per_capita_income=income - 10_000,
                                     assets_score=1, housing_score=3)
        WelfareRecord.objects.create(household=house, date=JUNE, decile=3, per_capita_income=income,
                                     assets_score=2, housing_score=4)
    return {"klaten": klaten, "kupang": kupang}


def test_the_household_page_shows_the_history_newest_first(national_admin: User, homes: dict[str, Household]) -> None:
    body = client_for(national_admin).get(f"/registry/households/{homes['klaten'].pk}/").content.decode()
    table = body[body.index('data-testid="welfare-history"'):]
    table = table[:table.index("</table>")]
    assert table.index("410.000") < table.index("400.000")  # June before March
    assert "4/7" in table and "2/8" in table


def test_the_household_api_includes_the_history_newest_first(national_admin: User,
                                                            homes: dict[str, Household]) -> None:
    body = client_for(national_admin).get(f"/api/households/{homes['kupang'].pk}/").json()
    assert body["welfare_history"] == [
        {"date": "2025-06-30", "decile": 3, "per_capita_income": 987_654, "assets_score": 2, "housing_score": 4},
        {"date": "2025-03-31", "decile": 2, "per_capita_income": 977_654, "assets_score": 1, "housing_score": 3},
    ]


def test_a_klaten_officer_sees_no_kupang_history(klaten_officer: User, homes: dict[str, Household]) -> None:
    client = client_for(klaten_officer)
    page = client.get(f"/registry/households/{homes['kupang'].pk}/")
    api = client.get(f"/api/households/{homes['kupang'].pk}/")
    assert (page.status_code, api.status_code) == (404, 404)
    for response in (page, api):
        assert "987" not in response.content.decode()
    own = client.get(f"/api/households/{homes['klaten'].pk}/").json()
    assert [row["per_capita_income"] for row in own["welfare_history"]] == [410_000, 400_000]
