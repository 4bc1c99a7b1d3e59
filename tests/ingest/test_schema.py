"""Column mapping, field types and per-row reasons, without a database."""

from datetime import date, timedelta

import polars as pl
import pytest

from entas.ingest.errors import ImportFileError
from entas.ingest.schema import Field, Rule, Schema
from entas.ingest.types import Choice, Date, FieldType, Flag, Integer, MultiChoice, Text


def typed(kind: FieldType, values: list[str | None]) -> list[tuple[object, object]]:
    """(value, problem) for each text, the way Schema.validate uses a type."""
    frame = pl.DataFrame({"raw": values}, schema={"raw": pl.String})
    raw = pl.col("raw")
    value = pl.coalesce(kind.quick(raw), kind.parse(raw))
    problem = pl.when(raw.is_not_null() & value.is_null()).then(kind.problem(raw))
    return frame.select(value.alias("v"), problem.alias("p")).rows()


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-07-31", date(2024, 7, 31)), ("2024/7/3", date(2024, 7, 3)), ("31/07/2024", date(2024, 7, 31)),
    ("31-07-2024", date(2024, 7, 31)), ("31.07.2024", date(2024, 7, 31)), ("3 Agustus 1990", date(1990, 8, 3)),
    ("31-Jul-2024", date(2024, 7, 31)), ("2024-07-31 00:00:00", date(2024, 7, 31)), ("45504", date(2024, 7, 31)),
    ("45504.0", date(2024, 7, 31)), ("29/02/2000", date(2000, 2, 29)),
    ("45504.75", date(2024, 7, 31)),  # an Excel serial number with a time of day: the day counts
])
def test_dates_are_read_in_iso_and_common_indonesian_and_excel_forms(text: str, expected: date) -> None:
    assert typed(Date(), [text]) == [(expected, None)]


@pytest.mark.parametrize(("text", "problem"), [
    ("1980-02-31", "31 Feb 1980 is not a date"), ("29/02/1900", "29 Feb 1900 is not a date"),
    ("2024-13-01", "'2024-13-01' is not a date (no month 13)"),
    ("12 Foo 2024", "'12 Foo 2024' is not a date (the month's name is not known)"),
    ("1990", "'1990' is not a date (write YYYY-MM-DD)"), ("01/02/03", "'01/02/03' is not a date (write YYYY-MM-DD)"),
    ("1899-12-31", "1899-12-31 is before 1900-01-01"),
])
def test_impossible_dates_get_a_reason(text: str, problem: str) -> None:
    assert typed(Date(), [text]) == [(None, problem)]


def test_a_future_date_is_refused_where_the_field_says_so() -> None:
    tomorrow = date.today() + timedelta(days=1)
    assert typed(Date(), [tomorrow.isoformat()]) == [(None, f"{tomorrow} is in the future")]
    assert typed(Date(not_future=False), [tomorrow.isoformat()]) == [(tomorrow, None)]


def test_whole_numbers_accept_thousands_separators_only_for_money() -> None:
    money = Integer(0, thousands=True)
    assert typed(money, ["1.500.000", "1,500,000", "225.000", "42000", "5.0"]) == [
        (1500000, None), (1500000, None), (225000, None), (42000, None), (5, None)]
    assert typed(Integer(1, 10), ["0", "11", "2.5", "x"]) == [
        (None, "0 is below 1"), (None, "11 is above 10"), (None, "'2.5' is not a whole number"),
        (None, "'x' is not a whole number")]


def test_choices_accept_synonyms_in_any_case() -> None:
    sex = Choice(("L", "P"), {"1": "L", "perempuan": "P"})
    assert typed(sex, ["L", "p", "1", "Perempuan", "X"]) == [
        ("L", None), ("P", None), ("L", None), ("P", None), (None, "'X' is not one of L, P")]


def test_multi_choices_and_flags() -> None:
    assets = MultiChoice(("tv", "land"))
    assert typed(assets, ["TV; land", "tv;boat;car"]) == [
        ("tv;land", None), (None, "'boat, car' is not one of tv, land")]
    assert typed(Flag(), ["1", "Ya", "tidak", "maybe"]) == [(True, None), (True, None), (False, None),
                                                           (None, "'maybe' is not 1 or 0")]


SCHEMA = Schema(
    (Field("nik", Text(16), ("NIK",), required=True), Field("age", Integer(0, 130), ("UMUR",)),
     Field("name", Text(5))),
    (Rule("age", pl.col("age") > 100, pl.format("{} is very old", pl.col("age")), warning=True),
     Rule("name", pl.col("name") == "bad", pl.lit("is a bad name"))),
)


def test_the_header_maps_aliases_in_any_case_and_reports_the_rest() -> None:
    mapping = SCHEMA.map_header(["Umur", "nik", "catatan", ""])
    assert mapping.columns == {"age": "c0", "nik": "c1"}
    assert mapping.unused == ("catatan", "(column 4 without a name)")


def test_a_missing_required_column_names_its_other_names() -> None:
    with pytest.raises(ImportFileError, match=r"row 1 \(header\): missing required column nik \(also accepted: NIK\)"):
        SCHEMA.map_header(["age"])


def test_two_columns_for_one_field_are_refused() -> None:
    with pytest.raises(ImportFileError, match="columns 'nik' and 'NIK' both give nik"):
        SCHEMA.map_header(["nik", "NIK"])


def test_every_problem_of_a_row_is_named_with_its_field() -> None:
    frame = pl.DataFrame({"c0": [" 1 ", None, "3", "4"], "c1": ["20", "x", "120", "5"],
                          "c2": ["ok", "toolong", "bad", ""],
                          "_row": [2, 3, 4, 5], "_shape": [None, None, None, "2 of 3 fields"]})
    checked = SCHEMA.validate(frame, SCHEMA.map_header(["nik", "age", "name"])).sort("_row")
    assert checked.select("_row", "_reasons", "nik", "_w0").rows() == [
        (2, None, "1", False),
        (3, "nik: missing; age: 'x' is not a whole number; name: 7 characters, at most 5", None, False),
        (4, "name: is a bad name", "3", True),
        (5, "line: 2 of 3 fields", "4", False),
    ]
