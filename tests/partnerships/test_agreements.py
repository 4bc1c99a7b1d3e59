"""Agreements: the service's checks (each bad input refused with nothing written), derived status,
pages and API."""

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.partnerships.models import Agreement, AgreementStatus, PartnerKind
from tests.conftest import client_for
from tests.partnerships.factories import agreement, partner, pdf

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    # Service messages are checked in English; the pages speak Indonesian by default.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_records_an_agreement_with_its_pdf_and_audits_it(media: Path) -> None:
    bri = partner()
    made = agreement([bri], document=pdf())
    assert list(made.parties.all()) == [bri]
    assert made.document.read(5) == b"%PDF-"
    assert AuditEntry.objects.filter(action="agreement.created", object_id=str(made.pk)).exists()


def test_it_refuses_an_agreement_valid_until_before_signed() -> None:
    with pytest.raises(ValidationError) as refused:
        agreement([partner()], signed=datetime.date(2025, 5, 1), valid_until=datetime.date(2025, 4, 30))
    assert "valid_until" in refused.value.message_dict
    assert "1 May 2025" in refused.value.message_dict["valid_until"][0]
    assert not Agreement.objects.exists()
    assert not AuditEntry.objects.filter(action="agreement.created").exists()


def test_it_refuses_a_non_pdf_document_whatever_its_name(media: Path) -> None:
    fake = pdf("mou.pdf", b"PK\x03\x04 this is a zip, not a PDF")
    with pytest.raises(ValidationError) as refused:
        agreement([partner()], document=fake)
    assert "not a PDF" in refused.value.message_dict["document"][0]
    assert not Agreement.objects.exists()
    assert not any(media.rglob("*"))


def test_it_refuses_a_second_agreement_with_the_same_number() -> None:
    bri = partner()
    agreement([bri])
    with pytest.raises(ValidationError) as refused:
        agreement([bri], title="Lain")
    assert "already exists" in refused.value.message_dict["number"][0]
    assert Agreement.objects.count() == 1


def test_it_refuses_a_partner_name_clash() -> None:
    partner("UGM", PartnerKind.UNIVERSITY)
    with pytest.raises(ValidationError):
        partner("ugm", PartnerKind.UNIVERSITY)


def test_status_is_derived_from_the_dates() -> None:
    bri = partner()
    agreement([bri], "A", signed=datetime.date(2020, 1, 1), valid_until=datetime.date(2026, 5, 31))
    agreement([bri], "B", signed=datetime.date(2020, 1, 1), valid_until=datetime.date(2026, 8, 30))
    agreement([bri], "C", signed=datetime.date(2020, 1, 1), valid_until=datetime.date(2026, 8, 31))
    status = dict(Agreement.objects.with_status(TODAY).values_list("number", "status"))  # type: ignore[misc]
    assert status == {"A": AgreementStatus.EXPIRED, "B": AgreementStatus.EXPIRING, "C": AgreementStatus.ACTIVE}


def test_the_list_filters_by_status_and_counts_per_year_and_partner_type(national_admin: User) -> None:
    today = timezone.localdate()
    bri, ugm = partner(), partner("UGM", PartnerKind.UNIVERSITY)
    agreement([bri, ugm], "SOON", title="Segera berakhir", signed=datetime.date(2024, 3, 1),
              valid_until=today + datetime.timedelta(days=10))
    agreement([ugm], "LATER", title="Masih lama", signed=datetime.date(2024, 6, 1),
              valid_until=today + datetime.timedelta(days=400))
    client = client_for(national_admin)
    expiring = client.get("/partnerships/", {"status": "expiring"}).content.decode()
    assert "Segera berakhir" in expiring and "Masih lama" not in expiring
    soon = client.get("/partnerships/expiring/").content.decode()
    assert "Segera berakhir" in soon and "Masih lama" not in soon
    response = client.get("/partnerships/")
    assert response.context["counts"] == [(2024, [0, 1, 0, 2, 0, 0], 2)]


def test_the_form_creates_through_the_service_and_shows_its_refusal(
        national_admin: User, make_user: Callable[..., User]) -> None:
    bri = partner()
    client = client_for(national_admin)
    form = {"kind": "pks", "number": "PKS-7", "title": "Pasar", "parties": [bri.pk], "signed": "2025-02-01",
            "valid_until": "2025-01-01"}
    refused = client.post("/partnerships/new/", {**form, "document": pdf()})
    assert refused.status_code == 200
    assert "harus setelah tanggal penandatanganan" in refused.content.decode()  # the page speaks Indonesian
    not_pdf = client.post("/partnerships/new/", {**form, "valid_until": "2026-01-01",
                                                 "document": pdf("scan.pdf", b"\x89PNG not a pdf")})
    assert "bukan berkas PDF" in not_pdf.content.decode()
    assert not Agreement.objects.exists()
    made = client.post("/partnerships/new/", {**form, "valid_until": "2026-01-01", "document": pdf()})
    assert made.status_code == 302
    page = client.get(made["Location"]).content.decode()
    assert "PKS-7" in page and "Bank Rakyat Indonesia" in page
    analyst = client_for(make_user("analis", Role.ANALYST))
    assert analyst.get("/partnerships/new/").status_code == 404


def test_the_api_lists_agreements_with_their_status(national_admin: User) -> None:
    agreement([partner()], valid_until=timezone.localdate() - datetime.timedelta(days=1),
              signed=datetime.date(2020, 1, 1))
    rows = client_for(national_admin).get("/api/agreements/").json()["results"]
    assert [(r["number"], r["status"]) for r in rows] == [("001/MOU/2025", "expired")]
