"""`entas link files`: the model on a synthetic world with the hard cases of issue #16 added by hand
(twins, a woman carrying her twin brother's NIK), and the command's answers to bad files."""

import csv
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from bench.linkage_synth import generate
from entas.linkage.model import Thresholds
from entas.linkage.run import Report, Result, calibrate, link

MAP_A = "record_id=person_id,nik=nik,kk_number=kk_number,name=full_name,sex=sex,birth_date=birth_date," \
        "address=address,village_code=village_code"
MAP_B = "record_id=rec_id,name=nama,nik=nik,birth_date=tgl_lahir,sex=jenis_kelamin,address=alamat," \
        "village_code=kode_wilayah"
VILLAGE, KK, ADDRESS = "33.10.05.2001", "3310052106240099", "Dusun Krajan RT 003 RW 002"
# Twin brothers born 12 January 1990 (consecutive serials), and a boy and a girl born 3 March 1992:
# the girl's NIK is the boy's with 40 added to the day, the same serial.
TWINS = [
    ("T1", "3310051201900007", "Hasan Basri", "L", "1990-01-12"),
    ("T2", "3310051201900008", "Husein Basri", "L", "1990-01-12"),
    ("T3", "3310050303920011", "Joko Prasetyo", "L", "1992-03-03"),
    ("T4", "3310054303920011", "Dewi Prasetyani", "P", "1992-03-03"),
]
B_COLUMNS = ("rec_id", "nama", "nik", "tgl_lahir", "jenis_kelamin", "alamat", "kode_wilayah")


@pytest.fixture(scope="module")
def world() -> tuple[pl.DataFrame, pl.DataFrame]:
    a, b, _, _, _ = generate(6000, 1500, seed=101)
    twins = pl.DataFrame([(pid, nik, KK, name, sex, born, ADDRESS, VILLAGE) for pid, nik, name, sex, born in TWINS],
                         schema=a.columns, orient="row")
    records = pl.DataFrame([
        ("X1", "HASAN BASRI", "3310051201900007", "12-01-1990", "L", ADDRESS, VILLAGE),
        # Dewi's record with her brother's NIK (hers without the +40), once with her sex and once without.
        ("X2", "DEWI PRASETYANI", "3310050303920011", "03-03-1992", "P", ADDRESS, VILLAGE),
        ("X3", "Dewi Prasetyani", "3310050303920011", "03-03-1992", "", "", VILLAGE),
    ], schema=list(B_COLUMNS), orient="row")
    return pl.concat([a, twins]), pl.concat([b.select(B_COLUMNS), records])


@pytest.fixture(scope="module")
def result(world: tuple[pl.DataFrame, pl.DataFrame]) -> Result:
    a, b = world
    mapped_a = a.rename({"person_id": "record_id", "kk_number": "kk_number", "full_name": "name"})
    mapped_b = b.rename({"rec_id": "record_id", "nama": "name", "tgl_lahir": "birth_date",
                         "jenis_kelamin": "sex", "alamat": "address", "kode_wilayah": "village_code"})
    return link(mapped_a, mapped_b)


def pair(result: Result, a: str, b: str) -> dict:
    assert result.pairs is not None
    found = result.pairs.filter((pl.col("record_id_a") == a) & (pl.col("record_id_b") == b))
    assert found.height == 1, f"{a} and {b} were not scored"
    return found.row(0, named=True)


def best(result: Result, b: str) -> dict:
    return result.candidates.filter(pl.col("record_id_b") == b).row(0, named=True)


def test_a_twin_with_the_next_serial_and_another_given_name_stays_below_the_upper_threshold(result: Result) -> None:
    assert pair(result, "T2", "X1")["probability"] < Thresholds().upper
    assert (best(result, "X1")["record_id_a"], best(result, "X1")["band"]) == ("T1", "accepted")


def test_a_womans_nik_without_plus_40_that_equals_her_twin_brothers_does_not_auto_link(result: Result) -> None:
    for record in ("X2", "X3"):
        chosen = best(result, record)
        assert not (chosen["record_id_a"] == "T3" and chosen["band"] == "accepted"), record
    assert best(result, "X2")["record_id_a"] == "T4"


def test_each_source_record_has_at_most_one_candidate(result: Result) -> None:
    assert result.candidates["record_id_b"].is_duplicated().sum() == 0


def test_the_model_links_most_of_a_noisy_file_and_says_why(result: Result) -> None:
    accepted = result.candidates.filter(pl.col("band") == "accepted")
    assert accepted.height > 0.6 * result.report.b_records
    assert {"weight_nik", "weight_name", "weight_birth_date", "weight_sex", "weight_place"} <= set(accepted.columns)
    assert result.report.precision_model is not None and result.report.precision_model > 0.9


def test_review_decisions_are_never_asked_again_and_move_their_pattern(result: Result,
                                                                       world: tuple[pl.DataFrame, pl.DataFrame],
                                                                       tmp_path: Path) -> None:
    review = result.candidates.filter(pl.col("band") == "review").sort("ask_order").head(5)
    assert review.height, "the world has pairs to review"
    a, b = world
    a.write_csv(tmp_path / "a.csv")
    b.write_csv(tmp_path / "b.csv")
    labels = review.select("record_id_a", "record_id_b", pl.lit(0).alias("is_match"))
    labels.write_csv(tmp_path / "labels.csv")
    call_command("link", "files", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--map-a", MAP_A, "--map-b",
                 MAP_B, "--out", str(tmp_path / "links.csv"), "--labels", str(tmp_path / "labels.csv"),
                 "--no-progress")
    asked = pl.read_csv(tmp_path / "links.review.csv", infer_schema=False)
    linked = pl.read_csv(tmp_path / "links.csv", infer_schema=False)
    rejected = set(zip(labels["record_id_a"], labels["record_id_b"], strict=True))
    for frame in (asked, linked):
        assert not rejected & set(zip(frame["record_id_a"], frame["record_id_b"], strict=True))
    assert list(linked.columns[:3]) == ["record_id_a", "record_id_b", "probability"]


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(tmp_path: Path, a: Path, b: Path, map_b: str = "record_id=id,name=nama,nik=nik") -> None:
    call_command("link", "files", str(a), str(b), "--map-a", "record_id=id,name=nama,nik=nik", "--map-b", map_b,
                 "--out", str(tmp_path / "out.csv"), "--no-progress")


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    return write(tmp_path / "a.csv", [["id", "nama", "nik"], ["1", "Budi Santoso", "3310051201850001"]])


def test_it_refuses_a_source_without_a_name_column(tmp_path: Path, registry_file: Path) -> None:
    b = write(tmp_path / "b.csv", [["id", "nik"], ["9", "3310051201850001"]])
    with pytest.raises(CommandError, match="no column 'nama'"):
        run(tmp_path, registry_file, b)
    assert not (tmp_path / "out.csv").exists()


def test_it_refuses_duplicate_record_ids(tmp_path: Path, registry_file: Path) -> None:
    b = write(tmp_path / "b.csv", [["id", "nama", "nik"], ["9", "Budi", ""], ["9", "Siti", ""]])
    with pytest.raises(CommandError, match=r"record_id repeated \(9\)"):
        run(tmp_path, registry_file, b)


def test_zero_rows_give_empty_link_files(tmp_path: Path, registry_file: Path) -> None:
    b = write(tmp_path / "b.csv", [["id", "nama", "nik"]])
    run(tmp_path, registry_file, b)
    assert (tmp_path / "out.csv").read_text().startswith("record_id_a,record_id_b,probability")
    assert len((tmp_path / "out.csv").read_text().splitlines()) == 1


def test_a_windows_1252_file_is_read(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", [["id", "nama", "nik"], ["1", "Señorita Dewi", "3310055201850001"]], "cp1252")
    b = write(tmp_path / "b.csv", [["id", "nama", "nik"]], "cp1252")
    run(tmp_path, a, b)


def test_a_mapping_to_a_missing_column_names_the_file_and_its_columns(tmp_path: Path, registry_file: Path) -> None:
    b = write(tmp_path / "b.csv", [["id", "nama", "nik"], ["9", "Budi", ""]])
    with pytest.raises(CommandError, match=r"--map-b b.csv: no column 'lahir' \(the file has id, nama, nik\)"):
        run(tmp_path, registry_file, b, "record_id=id,name=nama,birth_date=lahir")


def test_labels_must_say_0_or_1(tmp_path: Path, registry_file: Path) -> None:
    b = write(tmp_path / "b.csv", [["id", "nama", "nik"], ["9", "Budi", ""]])
    labels = write(tmp_path / "l.csv", [["record_id_a", "record_id_b", "is_match"], ["1", "9", "ya"]])
    with pytest.raises(CommandError, match="is_match must be 0 or 1"):
        call_command("link", "files", str(registry_file), str(b), "--map-a", "record_id=id,name=nama,nik=nik",
                     "--map-b", "record_id=id,name=nama", "--out", str(tmp_path / "o.csv"), "--labels", str(labels),
                     "--no-progress")


def test_the_report_says_how_many_decisions_the_model_had_right() -> None:
    scored = pl.DataFrame({"record_id_a": ["1", "2", "3", "4"], "record_id_b": ["b1", "b2", "b3", "b4"],
                           "probability": [0.95, 0.8, 0.2, 0.6], "pattern": ["x", "x", "y", "x"]})
    labels = pl.DataFrame({"record_id_a": ["1", "2", "3"], "record_id_b": ["b1", "b2", "b3"], "is_match": [1, 0, 0]})
    updated, report = calibrate(scored, labels, Report())
    assert (report.labels_used, report.labels_agreement) == (3, round(2 / 3, 4))
    # The undecided pair of pattern x moves towards its pattern's decisions (one match in two).
    assert updated.filter(pl.col("record_id_a") == "4")["probability"][0] < 0.6
