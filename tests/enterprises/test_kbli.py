"""The shipped KBLI list: every code's section letter agrees with its division in its version,
and the reasons a code is refused name the version it does belong to."""

import csv
from collections import Counter

from entas.enterprises import kbli


def test_every_listed_code_has_the_section_of_its_division() -> None:
    wrong = [(k.version, k.code, k.section) for k in kbli.codes().values()
             if kbli.section_of(k.code, k.version) != k.section]
    assert not wrong
    assert {v for v, _ in kbli.codes()} == {"2020", "2025"}


def test_sections_differ_between_versions_where_isic_rev5_moved_them() -> None:
    assert kbli.section_of("95210", "2020") == "S"
    assert kbli.section_of("95210", "2025") == "T"
    assert kbli.section_of("45405", "2025") is None  # division 45 is gone in KBLI 2025


def test_it_explains_why_a_code_is_refused() -> None:
    assert kbli.problem("10792", "2020") is None
    assert kbli.problem("18113", "2020") == "'18113' is a KBLI 2025 code, not KBLI 2020"
    assert kbli.problem("99999", "2020") == "'99999' is not a KBLI 2020 code in Entas's list"
    assert kbli.problem("1079", "2020") == "'1079' is not a 5-digit KBLI code"
    assert kbli.problem("10792", "2017") == "'2017' is not a KBLI version; use 2020 or 2025"


def test_the_data_file_has_well_formed_unique_rows() -> None:
    with kbli.DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keys = [(r["version"], r["code"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(kbli.codes())  # codes() would hide a repeated row
    assert all(len(r["code"]) == 5 and r["code"].isdigit() and r["name"].strip() for r in rows)
    # The documented subset (data/README.md): it grows only together with that README.
    assert Counter(version for version, _ in keys) == {"2020": 60, "2025": 11}


def test_codes_the_tests_and_synth_rely_on_carry_their_kbli_2020_titles() -> None:
    assert kbli.find("10792", "2020") == kbli.Kbli("2020", "10792", "C", "Industri kue basah")
    assert kbli.find("10794", "2020").name.startswith("Industri kerupuk, keripik")  # type: ignore[union-attr]
    assert kbli.find("47111", "2020").section == "G"  # type: ignore[union-attr]
    assert kbli.find("56101", "2020").name == "Restoran"  # type: ignore[union-attr]
