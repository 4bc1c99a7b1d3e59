"""Pages and XLSX exports show numbers and dates the Indonesian way (item 2 of issue 15): counts whole
("2.889", never "2.889,00"), shares with one decimal, XLSX cells typed with number formats."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings

from entas.accounts.models import User
from entas.monitoring import rollups, services
from entas.monitoring.models import RegionRollup
from tests.conftest import client_for
from tests.monitoring.factories import indicator
from tests.partnerships.factories import agreement, partner
from tests.programmes.factories import KLATEN_VILLAGE, home

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def thousands() -> None:
    """2,889 extreme-poor households in the nation's rollup (written there rather than made one by one),
    against a national target of 10,000."""
    services.open_year(None, 2025)
    kk = indicator()
    home(KLATEN_VILLAGE)
    services.set_target(None, indicator=kk, region_code="", year=2025, quarter=None, value=10_000)
    rollups.refresh()
    year = RegionRollup.objects.filter(indicator=kk, level=0, period__quarter__isnull=True)
    assert year.update(value=Decimal("2889.00")) == 1


def test_the_dashboard_shows_a_count_as_a_whole_number(national_admin: User, thousands: None) -> None:
    page = client_for(national_admin).get("/dashboard/", {"period": "2025"}).content.decode()
    indicators = page.split('data-testid="indicators"')[1].split("</table>")[0]
    assert "10.000" in indicators and "2.889" in indicators and f"28,9{NBSP}%" in indicators
    trend = page.split('data-testid="trend"')[1].split("</table>")[0]
    assert "2.889" in trend
    assert "2.889,00" not in page and "2889,00" not in page


def test_the_english_dashboard_writes_english_numbers(national_admin: User, thousands: None) -> None:
    client = client_for(national_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/dashboard/", {"period": "2025"}).content.decode()
    assert "2,889" in page and f"28.9{NBSP}%" in page and "2,889.00" not in page


def test_the_dashboard_xlsx_holds_typed_numbers_with_formats(national_admin: User, thousands: None) -> None:
    response = client_for(national_admin).get("/dashboard/", {"period": "2025", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    code, _label, target, achieved, share = next(book.worksheets[0].iter_rows(min_row=2, max_row=2))
    assert code.value == "kk-ekstrem"
    assert (target.data_type, target.value, target.number_format) == ("n", 10_000, "#,##0")
    assert (achieved.data_type, achieved.value, achieved.number_format) == ("n", 2889, "#,##0")
    assert (share.data_type, share.value, share.number_format) == ("n", 28.9, "0.0")
    over_time = next(book.worksheets[-1].iter_rows(min_row=2, max_row=2))
    assert over_time[1].value == 2889 and over_time[1].number_format == "#,##0"


def test_a_date_on_an_indonesian_page_has_the_month_written_out(national_admin: User) -> None:
    signed = agreement([partner()], signed=datetime.date(2026, 12, 4), valid_until=datetime.date(2030, 1, 10))
    client = client_for(national_admin)
    page = client.get(f"/partnerships/{signed.pk}/").content.decode()
    assert "4 Desember 2026" in page and "10 Januari 2030" in page and "2026-12-04" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "4 December 2026" in client.get(f"/partnerships/{signed.pk}/").content.decode()
