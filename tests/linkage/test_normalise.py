"""Each normalisation rule of entas/linkage/normalise.py, on the writings field collections produce."""

import polars as pl
import pytest

from entas.linkage.normalise import identities, read_mapping


def one(**given: str | None) -> dict:
    frame = pl.DataFrame({"record_id": ["1"], **{key: [value] for key, value in given.items()}},
                         schema_overrides={key: pl.String for key in given})
    if "name" not in given:
        frame = frame.with_columns(pl.lit("Budi").alias("name"))
    return identities(frame).row(0, named=True)


@pytest.mark.parametrize(("written", "canonical"), [
    ("H. Ahmad Fauzi, S.Pd.", "AHMAD FAUSI"),
    ("Hj. Siti Aminah", "SITI AMINA"),
    ("Drs. Bambang Susilo", "BAMBANG SUSILO"),
    ("Bambang Susilo S.Pd", "BAMBANG SUSILO"),
    ("Bu Sri Wahyuni", "SRI WAHJUNI"),
    ("Pak Slamet", "SLAMET"),
])
def test_it_drops_titles_degrees_and_honorifics(written: str, canonical: str) -> None:
    assert one(name=written)["name"] == canonical


@pytest.mark.parametrize("written", ["Muhammad Rizki", "Moh. Rizki", "M. Rizki", "Muh Rizki", "Mochamad Rizki",
                                     "MUHAMAD RIZKI"])
def test_the_spellings_of_muhammad_are_one_token(written: str) -> None:
    assert one(name=written)["name"] == "M RISKI"


@pytest.mark.parametrize(("old", "new"), [("Soeparno", "Suparno"), ("Djoko", "Joko"), ("Tjahjono", "Cahyono"),
                                          ("Achmad", "Akhmad"), ("Soenjoto", "Sunyoto"), ("Sjamsoel", "Syamsul")])
def test_the_old_spelling_meets_the_new(old: str, new: str) -> None:
    assert one(name=old)["name"] == one(name=new)["name"]


@pytest.mark.parametrize(("a", "b"), [("Rosmawati br Simanjuntak", "Rosmawati boru Simanjuntak"),
                                      ("Ni Made Ayu", "Made Ayu"), ("I Wayan Sudarma", "Wayan Sudarma"),
                                      ("Abdullah", "Abdulah"), ("Fatimah", "Fatima")])
def test_particles_doubled_letters_and_a_final_h_do_not_count(a: str, b: str) -> None:
    assert one(name=a)["name"] == one(name=b)["name"]


def test_word_order_is_compared_through_sorted_tokens() -> None:
    assert one(name="Siregar Maruli")["name_sorted"] == one(name="Maruli Siregar")["name_sorted"]


@pytest.mark.parametrize("written", ["'3310051201850001", "3310 0512 0185 0001", "33.10.05.120185.0001",
                                     " 3310051201850001 "])
def test_a_nik_keeps_its_digits_through_formatting(written: str) -> None:
    assert one(nik=written)["nik"] == "3310051201850001"


@pytest.mark.parametrize("written", ["", "-", "0", "3.31005E+15", "331005120185000", "33100512018500011", "ABC"])
def test_a_nik_that_is_not_sixteen_digits_is_no_nik(written: str) -> None:
    assert one(nik=written)["nik"] is None


def test_excels_scientific_nik_still_gives_the_regency() -> None:
    assert one(nik="3.31005E+15")["regency"] == "33.10"


def test_a_womans_nik_without_the_plus_40_has_the_same_canonical_form() -> None:
    hers, typed = one(nik="3310055205850002"), one(nik="3310051205850002")
    assert hers["nik_canon"] == typed["nik_canon"] == "3310051205850002"
    assert (hers["nik_sex"], typed["nik_sex"]) == ("P", "L")


def test_a_nik_of_kk_number_is_compared_as_a_household() -> None:
    assert one(kk_number="3310052106240028")["kk"] == "3310052106240028"


@pytest.mark.parametrize(("written", "iso"), [("12-01-1985", "1985-01-12"), ("12/01/1985", "1985-01-12"),
                                              ("1985-01-12", "1985-01-12"), ("31059", "1985-01-12"),
                                              ("1985-01-12 00:00:00", "1985-01-12")])
def test_birth_dates_in_their_writings(written: str, iso: str) -> None:
    assert one(birth_date=written)["dob"] == iso


def test_a_year_alone_is_kept_as_the_year() -> None:
    row = one(birth_date="1985")
    assert (row["dob"], row["dob_year"]) == (None, 1985)


def test_the_day_month_swap_is_offered_when_it_is_a_date() -> None:
    assert one(birth_date="05-12-1985")["dob_swapped"] == "1985-05-12"
    assert one(birth_date="25-12-1985")["dob_swapped"] is None


@pytest.mark.parametrize(("written", "village", "district", "regency"), [
    ("33.10.05.2001", "33.10.05.2001", "33.10.05", "33.10"),
    ("3310052001", "33.10.05.2001", "33.10.05", "33.10"),
    ("33.10.05", None, "33.10.05", "33.10"),
    ("331005", None, "33.10.05", "33.10"),
])
def test_village_codes_dotted_or_not_reduce_to_district_and_regency(written: str, village: str | None,
                                                                    district: str, regency: str) -> None:
    row = one(village_code=written)
    assert (row["village"], row["district"], row["regency"]) == (village, district, regency)


def test_without_a_village_code_the_regency_comes_from_the_nik() -> None:
    assert one(nik="5301160712800004", village_code=None)["regency"] == "53.01"


@pytest.mark.parametrize(("written", "sex"), [("L", "L"), ("LAKI-LAKI", "L"), ("laki laki", "L"), ("P", "P"),
                                              ("PEREMPUAN", "P"), ("Wanita", "P"), ("", None), ("x", None)])
def test_sex_in_its_writings(written: str, sex: str | None) -> None:
    assert one(sex=written)["sex"] == sex


def test_addresses_lose_abbreviations_and_leading_zeros() -> None:
    assert one(address="Dusun Krajan RT 002 RW 005")["address"] == one(address="Dsn. Krajan Rt.2/Rw.05")["address"]


def test_a_mapping_names_unknown_keys_and_missing_required_ones() -> None:
    with pytest.raises(ValueError, match="unknown key 'tanggal'"):
        read_mapping("record_id=id,name=nama,tanggal=tgl", "--map-b")
    with pytest.raises(ValueError, match="name must be mapped"):
        read_mapping("record_id=id,nik=nik", "--map-b")
