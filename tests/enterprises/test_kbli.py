"""The shipped KBLI list: every code's section letter agrees with its division in its version,
and the reasons a code is refused name the version it does belong to. An operator's complete list
replaces it, and every bad line of that list is named."""

import csv
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import translation

from entas.enterprises import kbli
from entas.enterprises.import_schema import section_expr


def test_every_listed_code_has_the_section_of_its_division() -> None:
    wrong = [(k.version, k.code, k.section) for k in kbli.codes().values()
             if kbli.section_of(k.code, k.version) != k.section]
    assert not wrong
    assert {v for v, _ in kbli.codes()} == {"2020", "2025"}


def test_sections_differ_between_versions_where_isic_rev5_moved_them() -> None:
    assert kbli.section_of("95210", "2020") == "S"
    assert kbli.section_of("95210", "2025") == "T"
    assert kbli.section_of("45405", "2025") is None  # division 45 is gone in KBLI 2025


def test_the_polars_rule_for_whole_columns_agrees_with_section_of() -> None:
    cases = [(f"{division:02d}110", version) for division in range(100) for version in ("2020", "2025", "2019")]
    frame = pl.DataFrame(cases, schema={"code": pl.String, "version": pl.String}, orient="row")
    got = frame.select(section_expr(pl.col("code"), pl.col("version"))).to_series().to_list()
    assert got == [kbli.section_of(code, version) for code, version in cases]
    assert got.count(None) == 100 + 12 + 13  # the unknown version, and the divisions in no section


def test_it_explains_why_a_code_is_refused() -> None:
    assert kbli.problem("10792", "2020") is None
    with translation.override("en"):
        assert kbli.problem("18113", "2020") == "'18113' is a KBLI 2025 code, not KBLI 2020."
        assert kbli.problem("99999", "2020") == "'99999' is not a KBLI 2020 code in Entas's list."
        assert kbli.problem("1079", "2020") == "'1079' is not a 5-digit KBLI code."
        assert kbli.problem("10792", "2017") == "'2017' is not a KBLI version; choose one of: 2020, 2025."


def test_the_data_file_has_well_formed_unique_rows() -> None:
    with kbli.SHIPPED.open(encoding="utf-8") as handle:
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


def test_an_operator_can_name_a_complete_kbli_list(tmp_path: Path) -> None:
    path = tmp_path / "kbli-lengkap.csv"
    # Excel's "CSV UTF-8" starts with a BOM; no section column: the division gives it.
    path.write_text("\ufeffversion,code,name\n2020,01112,Pertanian gandum\n2025,95210,Reparasi alat elektronik\n",
                    encoding="utf-8")
    with override_settings(KBLI_FILE=path):
        assert kbli.find("01112", "2020") == kbli.Kbli("2020", "01112", "A", "Pertanian gandum")
        assert kbli.find("95210", "2025").section == "T"  # type: ignore[union-attr]
        with translation.override("en"):
            assert kbli.problem("10792", "2020") == "'10792' is not a KBLI 2020 code in Entas's list."
        call_command("check")  # a good list passes the system check
    assert kbli.find("10792", "2020") is not None  # back to the shipped list


def test_the_system_check_names_every_bad_line_of_the_list(tmp_path: Path) -> None:
    path = tmp_path / "kbli.csv"
    path.write_text("version,code,section,name\n"
                    "2020,01111,A,Pertanian jagung\n"
                    "2017,01111,A,Edisi lama\n"
                    "2020,1111,A,Empat digit\n"
                    "2020,95210,T,Reparasi\n"
                    "2025,45405,G,Divisi 45 tidak ada\n"
                    "2020,01111,A,Pertanian jagung\n"
                    "2020,01113,A,\n", encoding="utf-8")
    with override_settings(KBLI_FILE=path), pytest.raises(SystemCheckError) as raised:
        call_command("check")
    message = str(raised.value)
    for expected in ("line 3: version '2017' is not 2020 or 2025", "line 4: code '1111' is not 5 digits",
                     "line 5: code 95210 is in section S of KBLI 2020, not T",
                     "line 6: division 45 of code 45405 is in no section of KBLI 2025",
                     "line 7: KBLI 2020 01111 again (first on line 2)", "line 8: code 01113 has no name"):
        assert expected in message


@pytest.mark.parametrize(("content", "expected"), [
    ("kode,judul\n01111,Pertanian jagung\n", "line 1 (header): missing column version, code, name"),
    (None, "cannot be read"),
])
def test_a_list_without_its_columns_or_missing_is_named(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "kbli.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert expected in kbli.read_file(path)[1][0]
