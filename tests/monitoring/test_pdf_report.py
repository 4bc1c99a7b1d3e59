"""The printed report (Typst): a real document with a cover, tables, charts, map, page numbers and
sources; village-level small counts hidden from roles without personal data; a period with no data."""

import datetime
import io
import struct
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.monitoring import report, rollups, services
from entas.monitoring import report_format as fmt
from entas.monitoring.models import Indicator
from tests.conftest import client_for, english_client
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, KUPANG_VILLAGE, home

pytestmark = pytest.mark.django_db
LONG_NAME = "Anggota koperasi dari keluarga desil 1 dan 2 yang tercatat aktif pada akhir periode"
OTHER_DISTRICT_VILLAGE = "33.10.02.2001"
KLATEN_2025 = {"period": "2025", "format": "pdf", "indicator": "kk-ekstrem"}


@pytest.fixture
def numbers() -> None:
    services.open_year(None, 2024), services.open_year(None, 2025), services.open_year(None, 2026)
    kk = indicator()
    services.create_indicator(None, code="cooperative_members_desil_1_2", name_id=LONG_NAME,
                              name_en="Cooperative members from deciles 1 and 2", unit="orang",
                              computation="cooperative_members_desil_1_2")
    for village in (KLATEN_VILLAGE, KLATEN_VILLAGE, KLATEN_OTHER_VILLAGE, OTHER_DISTRICT_VILLAGE, KUPANG_VILLAGE):
        home(village)
    services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=None, value=2889)
    services.set_target(None, indicator=kk, region_code="33.10.01", year=2025, quarter=None, value=8)
    services.set_target(None, indicator=kk, region_code="33.10", year=2024, quarter=None, value=3000)
    rollups.refresh()


def pdf_text(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def fonts_of(resources: Any) -> list[Any]:
    """Every font a page uses, its SVG pictures' (form XObjects) included."""
    found = [f.get_object() for f in resources.get("/Font", {}).values()]
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if "/Resources" in xobject:
            found += fonts_of(xobject["/Resources"].get_object())
    return found


def embedded(font: Any) -> bool:
    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = descendant["/FontDescriptor"].get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def in_indonesian(message: str, **values: Any) -> str:
    with translation.override("id"):
        return gettext(message) % values if values else gettext(message)


def captured(monkeypatch: pytest.MonkeyPatch) -> list[report.Document]:
    documents: list[report.Document] = []
    original: Callable[..., Any] = report.render

    def spy(document: report.Document, *args: Any, **kwargs: Any) -> Any:
        documents.append(document)
        return original(document, *args, **kwargs)

    monkeypatch.setattr(report, "render", spy)
    return documents


def test_the_klaten_report_is_a_paginated_document_with_embedded_fonts(klaten_officer: User, numbers: None) -> None:
    started = time.perf_counter()
    response = client_for(klaten_officer).get("/dashboard/33.10/", KLATEN_2025)
    seconds = time.perf_counter() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, pages = pdf_text(response.content)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert in_indonesian("Page %(page)s of %(pages)s", page=number, pages=len(pages)) in text
    fonts = [font for page in reader.pages for font in fonts_of(page["/Resources"])]
    assert fonts and all(embedded(font) for font in fonts)
    assert {str(font["/BaseFont"]).split("+")[-1] for font in fonts} == {"NotoSans-Regular", "NotoSans-Bold"}
    assert b"<pdfaid:part>2</pdfaid:part>" in response.content  # PDF/A-2b, for the archive
    everything = flat(" ".join(pages))
    assert "Kabupaten Klaten" in everything and "33.10" in everything
    assert LONG_NAME in everything  # the longest label whole: wrapped in its cell, never cut
    assert "2.889" in everything  # the target, Indonesian style
    assert "37,5 %" in everything  # 3 of the district's 8
    assert "Kemendagri" in everything and "ODbL" in everything
    assert AuditEntry.objects.filter(action="dashboard.exported", region_code="33.10", details__format="pdf").exists()
    print(f"Klaten report: {len(pages)} pages in {seconds:.2f} s")  # shown with -s


def test_the_first_page_renders_to_an_a4_png(klaten_officer: User, numbers: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    documents = captured(monkeypatch)
    response = client_for(klaten_officer).get("/dashboard/33.10/", KLATEN_2025)
    images = report.render(documents[0], format="png", ppi=72)
    assert isinstance(images, list) and len(images) == len(PdfReader(io.BytesIO(response.content)).pages) >= 2
    first = images[0]
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first[12:16] == b"IHDR"
    assert struct.unpack(">II", first[16:24]) == (595, 842)  # A4 at 72 pixels per inch


def test_the_regency_report_maps_and_charts_its_districts(klaten_officer: User, numbers: None,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    documents = captured(monkeypatch)
    client_for(klaten_officer).get("/dashboard/33.10/", KLATEN_2025)
    figures = [f for section in documents[0]["sections"] for f in section.get("figures", [])]
    assert Indicator.objects.get(code="kk-ekstrem").name_id in documents[0]["facts"][-1]  # the name, never the code
    map_svg = figures[0]["svg"]
    assert map_svg.count("<path") >= 26  # Klaten's districts, from districts/33.geojson
    assert ">Prambanan<" in figures[1]["svg"]  # a bar's label
    by_region = next(t for s in documents[0]["sections"] for t in s.get("tables", [])
                     if t["columns"][0] == in_indonesian("Code"))
    assert ["33.10.01", "Prambanan", "8", "3", "37,5 %"] in by_region["rows"]


def test_the_national_report_maps_the_provinces(national_admin: User, numbers: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    documents = captured(monkeypatch)
    response = client_for(national_admin).get("/dashboard/", {"period": "2025", "format": "pdf"})
    assert response.status_code == 200
    figures = [f for section in documents[0]["sections"] for f in section.get("figures", [])]
    assert figures[0]["svg"].count("<path") == 38
    assert any("cahyadsn" in item for item in documents[0]["sources"]["items"])


def test_the_english_report_writes_english_numbers(klaten_officer: User, numbers: None) -> None:
    response = english_client(klaten_officer).get("/dashboard/33.10/", KLATEN_2025)
    _reader, pages = pdf_text(response.content)
    everything = flat(" ".join(pages))
    assert "Page 1 of" in everything and "2,889" in everything and "37.5%" in everything
    assert "Cooperative members from deciles 1 and 2" in everything


def test_a_period_with_no_data_gives_a_report_that_says_so(klaten_officer: User) -> None:
    services.open_year(None, 2025)
    indicator()  # nothing counted, no target set
    rollups.refresh()
    response = client_for(klaten_officer).get("/dashboard/33.10/", {"period": "2025", "format": "pdf"})
    assert response.status_code == 200
    _reader, pages = pdf_text(response.content)
    assert len(pages) >= 2
    assert in_indonesian("No data for this period") in flat(" ".join(pages))


def test_a_village_report_hides_small_counts_from_roles_without_personal_data(
        klaten_officer: User, make_user: Callable[..., User], numbers: None) -> None:
    analyst = make_user("analis", Role.ANALYST, "33.10")
    hidden = flat(" ".join(pdf_text(client_for(analyst).get(
        f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025", "format": "pdf"}).content)[1]))
    shown = flat(" ".join(pdf_text(client_for(klaten_officer).get(
        f"/dashboard/{KLATEN_VILLAGE}/", {"period": "2025", "format": "pdf"}).content)[1]))
    households = in_indonesian("%(households)s households in the registry.", households="<5")
    assert households in hidden and in_indonesian("%(households)s households in the registry.", households="2") in shown
    assert "<5" not in shown
    assert KLATEN_VILLAGE in hidden


def test_a_district_report_hides_small_village_counts_from_an_analyst(
        klaten_officer: User, make_user: Callable[..., User], numbers: None, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = captured(monkeypatch)
    analyst = make_user("analis", Role.ANALYST, "33.10")
    assert client_for(analyst).get("/dashboard/33.10.01/", KLATEN_2025).status_code == 200
    assert client_for(klaten_officer).get("/dashboard/33.10.01/", KLATEN_2025).status_code == 200

    def villages(document: report.Document) -> dict[str, list[str]]:
        table = next(t for s in document["sections"] for t in s.get("tables", [])
                     if t["columns"][0] == in_indonesian("Code"))
        return {row[0]: row[3:] for row in table["rows"]}

    hidden, shown = villages(documents[0]), villages(documents[1])
    assert hidden[KLATEN_VILLAGE] == ["<5", fmt.DASH] and hidden[KLATEN_OTHER_VILLAGE] == ["<5", fmt.DASH]
    assert shown[KLATEN_VILLAGE] == ["2", fmt.DASH] and shown["33.10.01.2003"] == ["0", fmt.DASH]
    assert hidden["33.10.01.2003"] == ["0", fmt.DASH]  # zero names nobody
    assert any("<5" in item for item in documents[0]["sources"]["items"])
    assert not any("<5" in item for item in documents[1]["sources"]["items"])


def test_a_village_without_data_gives_a_report_that_says_so(klaten_officer: User, numbers: None) -> None:
    response = client_for(klaten_officer).get("/dashboard/33.10.01.2003/", {"period": "2025", "format": "pdf"})
    assert response.status_code == 200
    assert in_indonesian("No data for this period") in flat(" ".join(pdf_text(response.content)[1]))


def test_numbers_are_written_the_indonesian_way() -> None:
    assert fmt.integer(2889, "id") == "2.889" and fmt.integer(2889, "en") == "2,889"
    assert fmt.percent(37.5, "id") == "37,5 %" and fmt.percent(37.5, "en") == "37.5%"
    assert fmt.rupiah(1234567, "id") == "Rp1.234.567" and fmt.rupiah(1234567, "en") == "Rp1,234,567"
    assert fmt.long_date(datetime.date(2026, 12, 4), "id") == "4 Desember 2026"
    assert fmt.long_date(datetime.date(2026, 12, 4), "en") == "4 December 2026"
    assert fmt.amount(12.25, "orang", "id") == "12,3" and fmt.amount(None, "Rp", "id") == fmt.DASH
