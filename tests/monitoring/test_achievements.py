"""Output targets without data behind them take a typed achievement with its evidence file."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.monitoring import evidence, services
from entas.monitoring.models import Target
from tests.conftest import client_for
from tests.monitoring.factories import indicator

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


@pytest.fixture
def plut() -> Target:
    services.open_year(None, 2026)
    output = indicator("plut", computation="", unit="PLUT")
    return services.set_target(None, indicator=output, region_code="33.10", year=2026, quarter=None, value=63)


def test_an_achievement_is_recorded_with_its_evidence_and_audited(plut: Target, klaten_officer: User) -> None:
    done = services.record_achievement(klaten_officer, plut, achieved=12, evidence=SimpleUploadedFile("ba.pdf", PDF))
    assert done.achieved == 12 and str(done.evidence.name).endswith(".pdf")
    assert AuditEntry.objects.filter(action="target.achievement_recorded", region_code="33.10").count() == 1


def test_the_page_records_an_achievement_and_serves_the_evidence(plut: Target, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    url = f"/dashboard/targets/{plut.pk}/"
    response = client.post(url, {"achieved": "12", "evidence": SimpleUploadedFile("foto.png", PNG), "note": ""})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert f"{url}evidence/" in page and "(19,0\u00a0%)" in page  # 12 of 63, written the Indonesian way
    download = client.get(f"{url}evidence/")
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "content"), [("ba.pdf", b"MZ\x90\x00 not a pdf"), ("foto.jpg", b"<html>")])
def test_it_refuses_evidence_that_is_not_a_pdf_or_an_image(plut: Target, klaten_officer: User, name: str,
                                                           content: bytes) -> None:
    response = client_for(klaten_officer).post(f"/dashboard/targets/{plut.pk}/", {
        "achieved": "12", "evidence": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert name in response.context["form"].errors["evidence"][0]
    plut.refresh_from_db()
    assert plut.achieved is None and not plut.evidence
    assert not AuditEntry.objects.filter(action="target.achievement_recorded").exists()


def test_it_refuses_evidence_that_is_too_large(plut: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence, "MAX_BYTES", 10)
    with pytest.raises(ValidationError) as refused:
        services.record_achievement(None, plut, achieved=1, evidence=SimpleUploadedFile("ba.pdf", PDF))
    assert "ba.pdf" in refused.value.message_dict["evidence"][0]


def test_an_achievement_needs_evidence_and_is_not_negative(plut: Target) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_achievement(None, plut, achieved=3)
    assert "evidence" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.record_achievement(None, plut, achieved=-3, note="BAST")
    assert "achieved" in refused.value.message_dict
    assert Target.objects.get().achieved is None


def test_a_computed_indicator_takes_no_typed_achievement(klaten_officer: User) -> None:
    services.open_year(None, 2026)
    target = services.set_target(None, indicator=indicator(), region_code="33.10", year=2026, quarter=None, value=5)
    with pytest.raises(ValidationError) as refused:
        services.record_achievement(klaten_officer, target, achieved=3, note="x")
    assert "kk-ekstrem" in refused.value.message_dict["achieved"][0]


def test_the_target_and_its_evidence_are_out_of_reach_outside_the_scope(plut: Target, kupang_officer: User) -> None:
    services.record_achievement(None, plut, achieved=12, evidence=SimpleUploadedFile("ba.pdf", PDF))
    client = client_for(kupang_officer)
    for url in (f"/dashboard/targets/{plut.pk}/", f"/dashboard/targets/{plut.pk}/evidence/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/dashboard/targets/{plut.pk}/", {"achieved": "1", "note": "x"}).status_code == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor=kupang_officer).count() == 3
    assert Target.objects.get().achieved == 12


def test_an_analyst_reads_the_evidence_but_records_nothing(plut: Target, make_user: Callable[..., User]) -> None:
    services.record_achievement(None, plut, achieved=12, evidence=SimpleUploadedFile("ba.pdf", PDF))
    client = client_for(make_user("analis", Role.ANALYST))
    assert client.get(f"/dashboard/targets/{plut.pk}/evidence/")["Content-Type"] == "application/pdf"
    assert client.post(f"/dashboard/targets/{plut.pk}/", {"achieved": "1", "note": "x"}).status_code == 403
