"""The household export: CSV stays machine-readable (plain numbers, ISO dates) in every language;
XLSX holds typed cells with number formats."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings

from entas.accounts.models import User
from entas.registry.models import Household
from tests.conftest import client_for
from tests.registry.factories import household

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich() -> Household:
    home = household("3310010101250001", "33.10.01.2001")
    Household.objects.filter(pk=home.pk).update(per_capita_income=1_234_567)
    return home


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_csv_export_writes_plain_numbers_and_iso_dates(national_admin: User, rich: Household,
                                                          language: str) -> None:
    client = client_for(national_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/registry/", {"format": "csv"})
    header, row = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    found = dict(zip(header, row, strict=True))
    assert found["per_capita_income"] == "1234567"  # no "1.234.567", no "Rp"
    assert found["decile_date"] == "2025-07-31" and found["decile"] == "1"


def test_the_xlsx_export_types_money_and_dates(national_admin: User, rich: Household) -> None:
    response = client_for(national_admin).get("/registry/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    income, day, kk = row["per_capita_income"], row["decile_date"], row["kk_number"]
    assert (income.data_type, income.value, income.number_format) == ("n", 1_234_567, '"Rp"#,##0')
    assert (day.data_type, day.value, day.number_format) == ("d", datetime.datetime(2025, 7, 31), "yyyy-mm-dd")
    assert (kk.data_type, kk.value) == ("s", "3310010101250001")  # an identifier stays text
