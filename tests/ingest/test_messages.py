"""Import messages in the user's language: reasons stored in English with their parameters, read
back against the catalogue and shown in Bahasa Indonesia (or English); the rejects file and the
batch's messages in the language of the user who uploaded."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.utils import translation
from django.utils.translation import trans_real

from entas.accounts.models import User
from entas.core.messages import CATALOGUE, LINE, translate, translate_message, unknown
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from tests.conftest import client_for, english_client
from tests.ingest.samples import HOUSEHOLD_HEADER, KK1, PEOPLE_HEADER, household, person, write
from tests.registry.test_upload import BAD_VILLAGE, GOOD, HEADER, upload

pytestmark = pytest.mark.django_db

BAD_PEOPLE = [
    PEOPLE_HEADER,
    person("33100117058O0001"),  # a letter O for a zero
    person("331001170580001"),  # 15 digits
    person("3310011705800000"),  # serial 0000
    person("3310011713800001"),  # month 13
    person("3310015705800001", sex="L"),  # a woman's day, sex L
    person("3310011705800002", born="1980-02-31"),
    person("3310011705800003", born="12 Foo 1980"),
    person("3310011705800004", born="2999-01-01"),
    person("3310011705800005", sex="X", relationship="boss"),
    person("3310011705800006", kk_number="3310010101250099"),  # no such household
    person("3310011705800007", name="Sit\x00i"),
    person("3310011705800008", name="A" * 300),
    person("3310011705800009") + ",extra",
    person("3310011705800010"),
    person("3310011705800010"),  # the same NIK twice
]
BAD_HOUSEHOLDS = [
    HOUSEHOLD_HEADER,
    household(KK1, village="99.99.99.9999"),
    household("3310010101250002", village="3310"),
    household("3310010101250003", decile=11),
    household("3310010101250004", decile_date="31/02/2025"),
    household("3310010101250005", extreme_poor=7),
]


@pytest.fixture
def indonesian() -> Iterator[None]:
    with translation.override("id"):
        yield


def rejects_of(batch: ImportBatch) -> pl.DataFrame:
    return pl.read_csv(batch.rejects_path, infer_schema=False)


def imported(folder: Path, name: str, lines: list[str], language: str) -> ImportBatch:
    import_file(None, "registry", write(folder, "home.csv", [HOUSEHOLD_HEADER, household(KK1)]))
    with translation.override(language):
        return import_file(None, "registry", write(folder, name, lines), mode=ImportBatch.Mode.ACCEPT_VALID,
                           extract_date=date(2025, 7, 31))


def test_every_import_message_has_an_indonesian_translation() -> None:
    catalogue = trans_real.translation("id")._catalog  # type: ignore[attr-defined]
    assert len(CATALOGUE) > 90  # the apps' messages registered with their import targets
    assert [m.text for m in CATALOGUE if m.text not in catalogue] == []
    assert LINE in catalogue
    words = {word for m in CATALOGUE for word in m.words}
    assert words <= {"what", "sex_by_day", "month", "place", "declared", "computed"}


def test_the_reasons_of_a_messy_file_all_come_from_the_catalogue(tmp_path: Path) -> None:
    for name, lines in (("households.csv", BAD_HOUSEHOLDS), ("people.csv", BAD_PEOPLE)):
        batch = imported(tmp_path, name, lines, "en")
        stored = rejects_of(batch)["_reasons"].to_list()
        assert len(stored) == len(lines) - 1, stored
        assert [u for reasons in stored for u in unknown(reasons)] == []


def test_a_rejects_file_reads_in_indonesian_when_the_batch_is_indonesian(tmp_path: Path) -> None:
    english = rejects_of(imported(tmp_path, "en.csv", BAD_PEOPLE, "en"))["_reasons"].to_list()
    indonesian = rejects_of(imported(tmp_path, "id.csv", BAD_PEOPLE, "id"))["_reasons"].to_list()
    assert "nik: '33100117058O0001' has characters other than digits, expected 16 digits" in english
    assert "nik: '33100117058O0001' memuat karakter selain angka, seharusnya 16 angka" in indonesian
    assert "nik: 15 angka, seharusnya 16" in indonesian
    assert "nik: tanggal 57 berarti perempuan, tetapi jenis kelamin L" in indonesian
    assert "birth_date: 31 Feb 1980 bukan tanggal yang ada" in indonesian
    assert "nik: muncul 2 kali dalam berkas ini (baris 15 dan 16)" in indonesian
    assert any(r.startswith("baris berkas: 12 dari 11 kolom (terpotong, atau pemisah lain?)") for r in indonesian)
    assert any("sex: 'X' bukan salah satu dari L, P" in r and "relationship: 'boss' bukan salah satu" in r
               for r in indonesian)
    for word in (" is ", " not ", " expected ", " in this file", " the "):
        assert not [r for r in indonesian if word in r], word


def test_an_all_or_nothing_batch_says_what_is_wrong_in_its_language(tmp_path: Path) -> None:
    import_file(None, "registry", write(tmp_path, "home.csv", [HOUSEHOLD_HEADER, household(KK1)]))
    lines = [PEOPLE_HEADER, person("331001170580001")]
    for language, expected in (("id", "1 baris bermasalah; tidak ada yang diimpor. baris 2: nik: 15 angka, "
                                      "seharusnya 16."),
                               ("en", "1 row has problems; nothing was imported. row 2: nik: 15 digits, expected 16.")):
        with translation.override(language):
            batch = import_file(None, "registry", write(tmp_path, f"{language}.csv", lines))
        assert (batch.status, batch.language, batch.error_message) == ("failed", language, expected)


def test_a_file_error_is_given_in_the_batch_language(tmp_path: Path) -> None:
    with translation.override("id"):
        batch = import_file(None, "registry", write(tmp_path, "kosong.csv", [PEOPLE_HEADER]))
    assert batch.error_message == "kosong.csv: baris 1 adalah judul kolom, tetapi tidak ada baris data sesudahnya"
    with translation.override("id"):
        batch = import_file(None, "registry", write(tmp_path, "satu.csv", ["nama;alamat", "1;2"]))
    assert batch.error_message.startswith("baris 1 (judul kolom): jenis berkas ini tidak dapat ditentukan")


def test_an_upload_keeps_the_uploaders_language_for_its_rejects(national_admin: User) -> None:
    upload(english_client(national_admin), HEADER + GOOD + BAD_VILLAGE)
    upload(client_for(national_admin), HEADER + GOOD + BAD_VILLAGE)
    english, indonesian = ImportBatch.objects.order_by("pk")
    assert (english.language, indonesian.language) == ("en", "id")
    assert "'99.99.99.9999' is not a village in the Kemendagri 2025 list" in Path(english.rejects_path).read_text()
    assert ("'99.99.99.9999' bukan desa/kelurahan dalam daftar Kemendagri 2025"
            in Path(indonesian.rejects_path).read_text())


@pytest.mark.usefixtures("indonesian")
def test_a_value_holding_a_semicolon_stays_whole() -> None:
    stored = "full_name: 'a; b: c' is not one of L, P; sex: missing"
    assert translate(stored) == "full_name: 'a; b: c' bukan salah satu dari L, P; sex: tidak diisi"


@pytest.mark.usefixtures("indonesian")
def test_nested_messages_and_words_are_translated_too() -> None:
    header = "row 1 (header): missing required column nik (also accepted: NIK, NO_NIK); kk_number"
    assert translate_message(header) == ("baris 1 (judul kolom): kolom wajib tidak ada: nik (juga diterima: NIK, "
                                         "NO_NIK); kk_number")
    assert translate_message("in more than one household in this file (rows 3 and 5)") == (
        "tercatat di lebih dari satu keluarga dalam berkas ini (baris 3 dan 5)")


@pytest.mark.usefixtures("indonesian")
def test_a_message_the_catalogue_does_not_know_is_shown_as_stored() -> None:
    assert translate("nik: something new") == "nik: something new"
    assert unknown("nik: something new; sex: missing") == ["something new"]
