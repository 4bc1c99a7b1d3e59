"""Numbers and dates the way each language writes them (`core.numbers`, `{% load numbers %}`)."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from entas.core import numbers

NBSP = "\u00a0"


def render(source: str, **context: object) -> str:
    return Template("{% load numbers %}" + source).render(Context(context))


@pytest.mark.parametrize(("language", "expected"), [
    ("id", ["2.889", "Rp1.234.567", f"37,5{NBSP}%", "1.234,6", "12,5"]),
    ("en", ["2,889", "Rp1,234,567", f"37.5{NBSP}%", "1,234.6", "12.5"]),
])
def test_it_writes_counts_rupiah_percentages_and_means_in_each_language(language: str, expected: list[str]) -> None:
    with translation.override(language):
        shown = render("{{ n|count }}|{{ money|rupiah }}|{{ share|percent }}|{{ mean|decimal }}"
                       "|{{ typed|figure:'number' }}",
                       n=Decimal("2889.00"), money=1_234_567, share=Decimal("37.50"), mean=1234.56,
                       typed=Decimal("12.50"))
    assert shown.split("|") == expected


def test_a_count_stored_with_decimals_is_a_whole_number_not_2889_00() -> None:
    with translation.override("id"):
        assert numbers.count(Decimal("2889.00")) == "2.889"
        assert numbers.count("2889.00") == "2.889"  # a number that travelled as text
        assert numbers.figure(Decimal("2889.00"), "count") == "2.889"
        assert numbers.number(Decimal("21400000.00")) == "21.400.000"


def test_nothing_shows_as_a_dash_and_text_stays_text() -> None:
    with translation.override("id"):
        assert [numbers.count(None), numbers.rupiah(""), numbers.percent(None)] == ["—", "—", "—"]
        assert numbers.count("abc") == "—"
        assert numbers.rupiah(-1500) == "-Rp1.500"
        assert numbers.decimal(Decimal("0.123"), 3) == "0,123"


def test_a_date_is_written_with_the_month_name_in_each_language() -> None:
    day = datetime.date(2026, 12, 4)
    with translation.override("id"):
        assert render("{{ d|date }}", d=day) == "4 Desember 2026"
        assert render("{{ d }}", d=day) == "4 Desember 2026"  # a date shown without a filter too
        assert numbers.day(day) == "4 Desember 2026"
    with translation.override("en"):
        assert render("{{ d|date }}", d=day) == "4 December 2026"


def test_a_moment_is_shown_in_local_time() -> None:
    at = datetime.datetime(2026, 12, 4, 7, 30, tzinfo=datetime.UTC)  # 14.30 in Jakarta
    with translation.override("id"):
        assert render('{{ t|date:"DATETIME_FORMAT" }}', t=at) == "4 Desember 2026, 14.30"
        assert numbers.moment(at) == "4 Desember 2026, 14.30"
    with translation.override("en"):
        assert numbers.moment(at) == "4 December 2026, 14:30"


def test_a_form_field_still_reads_an_iso_date() -> None:
    from django import forms

    with translation.override("id"):
        assert forms.DateField().clean("2026-12-04") == datetime.date(2026, 12, 4)


def test_a_share_of_a_whole_is_a_percentage_with_one_decimal() -> None:
    with translation.override("id"):
        assert render("{{ 3|share:8 }}|{{ r|share:1 }}|{{ 3|share:0 }}", r=Decimal("0.25")) == (
            f"37,5{NBSP}%|25,0{NBSP}%|—")
