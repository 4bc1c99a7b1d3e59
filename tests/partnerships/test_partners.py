"""Partners: the list with agreements counted by status, the partner's page, and changing a
partner or an agreement with the checks of recording one."""

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
from entas.partnerships import services
from entas.partnerships.models import Agreement, Partner, PartnerKind
from tests.conftest import client_for
from tests.partnerships.factories import agreement, partner, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def bri() -> Partner:
    bank = partner()
    agreement([bank], "A/1", signed=days(-400), valid_until=days(400))  # active
    agreement([bank], "A/2", signed=days(-400), valid_until=days(30))  # expiring
    agreement([bank], "A/3", signed=days(-400), valid_until=days(-1))  # expired
    agreement([bank, partner("Universitas Gadjah Mada", PartnerKind.UNIVERSITY)], "A/4", signed=days(-10),
              valid_until=days(90))  # expiring on its 90th day
    return bank


def test_the_partner_list_counts_agreements_by_status(bri: Partner, make_user: Callable[..., User]) -> None:
    client = client_for(make_user("analis", Role.ANALYST))
    rows = {p.name: (p.n_agreements, p.n_active, p.n_expiring, p.n_expired)
            for p in client.get("/partnerships/partners/").context["page"]}
    assert rows == {"Bank Rakyat Indonesia": (4, 1, 2, 1), "Universitas Gadjah Mada": (1, 0, 1, 0)}
    found = client.get("/partnerships/partners/", {"q": "gadjah"}).context["page"]
    assert [p.name for p in found] == ["Universitas Gadjah Mada"]
    assert [p.name for p in client.get("/partnerships/partners/", {"kind": "bumn"}).context["page"]] == [
        "Bank Rakyat Indonesia"]


def test_the_partner_page_lists_its_agreements(bri: Partner, make_user: Callable[..., User]) -> None:
    response = client_for(make_user("analis", Role.ANALYST)).get(f"/partnerships/partners/{bri.pk}/")
    assert sorted(a.number for a in response.context["agreements"]) == ["A/1", "A/2", "A/3", "A/4"]
    page = response.content.decode()
    assert "/edit/" not in page  # an analyst reads, she does not change
    assert "/partnerships/expiring/" in client_for(make_user("lain", Role.ANALYST)).get(
        "/partnerships/partners/").content.decode()


def test_a_national_administrator_changes_a_partner(bri: Partner, national_admin: User) -> None:
    response = client_for(national_admin).post(f"/partnerships/partners/{bri.pk}/edit/", {
        "name": "PT Bank Rakyat Indonesia (Persero) Tbk", "kind": "bumn"})
    assert response.status_code == 302
    assert Partner.objects.get(pk=bri.pk).name == "PT Bank Rakyat Indonesia (Persero) Tbk"
    entry = AuditEntry.objects.get(action="partner.changed")
    assert entry.details["changed"]["name"][0] == "Bank Rakyat Indonesia"


def test_it_refuses_a_partner_name_taken_by_another(bri: Partner) -> None:
    ugm = Partner.objects.get(name="Universitas Gadjah Mada")
    with pytest.raises(ValidationError) as refused:
        services.change_partner(None, ugm, name="bank rakyat indonesia")
    assert "already exists" in refused.value.message_dict["name"][0]
    assert services.change_partner(None, bri, name="Bank Rakyat Indonesia ").name == "Bank Rakyat Indonesia"
    assert not AuditEntry.objects.filter(action="partner.changed", object_id=str(ugm.pk)).exists()


def test_a_national_administrator_changes_an_agreement(bri: Partner, national_admin: User, media: Path) -> None:
    mou = Agreement.objects.get(number="A/2")
    client = client_for(national_admin)
    form = client.get(f"/partnerships/{mou.pk}/edit/")
    assert form.status_code == 200 and 'value="A/2"' in form.content.decode()
    assert f'value="{mou.signed.isoformat()}"' in form.content.decode()  # a date input takes ISO only
    response = client.post(f"/partnerships/{mou.pk}/edit/", {
        "kind": "pks", "number": "A/2-ADD", "title": "Perpanjangan", "parties": [bri.pk],
        "signed": mou.signed.isoformat(), "valid_until": days(700).isoformat(), "scope": "",
        "document": pdf("add.pdf")})
    assert response.status_code == 302
    mou.refresh_from_db()
    assert (mou.kind, mou.number, mou.valid_until) == ("pks", "A/2-ADD", days(700))
    assert mou.document.read(5) == b"%PDF-"
    changed = AuditEntry.objects.get(action="agreement.changed").details["changed"]
    assert changed["number"] == ["A/2", "A/2-ADD"] and changed["document"] is True
    assert Agreement.objects.with_status().get(pk=mou.pk).status == "active"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("fields", "field"), [
    ({"number": "A/1"}, "number"),
    ({"number": "  "}, "number"),
    ({"valid_until": datetime.date(2000, 1, 1)}, "valid_until"),
    ({"parties": []}, "parties"),
    ({"document": pdf("mou.pdf", b"PK\x03\x04 a zip")}, "document"),
])
def test_it_refuses_a_bad_change_of_an_agreement_and_writes_nothing(bri: Partner, fields: dict[str, Any],
                                                                     field: str, media: Path) -> None:
    mou = Agreement.objects.get(number="A/2")
    before = (mou.number, mou.valid_until, list(mou.parties.all()))
    with pytest.raises(ValidationError) as refused:
        services.change_agreement(None, mou, **fields)
    assert field in refused.value.message_dict
    mou.refresh_from_db()
    assert (mou.number, mou.valid_until, list(mou.parties.all())) == before
    assert not AuditEntry.objects.filter(action="agreement.changed").exists()
    assert not any(media.rglob("*.pdf"))


def test_the_edit_page_names_the_field_of_a_bad_change(bri: Partner, national_admin: User) -> None:
    mou = Agreement.objects.get(number="A/2")
    response = client_for(national_admin).post(f"/partnerships/{mou.pk}/edit/", {
        "kind": "mou", "number": "A/1", "title": "x", "parties": [bri.pk], "signed": "2025-01-01",
        "valid_until": "2027-01-01"})
    assert response.status_code == 400 and "A/1" in response.context["form"].errors["number"][0]


def test_only_national_administrators_change_partners_and_agreements(bri: Partner, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    mou = Agreement.objects.get(number="A/2")
    assert client.get(f"/partnerships/partners/{bri.pk}/edit/").status_code == 404
    assert client.post(f"/partnerships/{mou.pk}/edit/", {"number": "X"}).status_code == 404
    with pytest.raises(ValidationError):
        services.change_partner(klaten_officer, bri, name="X")
    assert Partner.objects.get(pk=bri.pk).name == "Bank Rakyat Indonesia"


def test_the_expiring_view_still_lists_what_expires_within_90_days(bri: Partner, national_admin: User) -> None:
    listed = client_for(national_admin).get("/partnerships/expiring/").context["agreements"]
    assert sorted(a.number for a in listed) == ["A/2", "A/4"]
