"""Defining indicators and targets: each bad input refused with a clear message, nothing written."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.monitoring import services
from entas.monitoring.models import Indicator, Period, Target
from tests.conftest import client_for
from tests.monitoring.factories import indicator
from tests.partnerships.factories import agreement, partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    # Service messages are checked in English; the pages speak Indonesian by default.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def calendar(settings: Any, tmp_path: Path) -> list[Period]:
    settings.MEDIA_ROOT = tmp_path
    return services.open_year(None, 2025)


def test_it_refuses_an_indicator_code_clash() -> None:
    indicator("kk-ekstrem")
    with pytest.raises(ValidationError) as refused:
        indicator("KK-Ekstrem")
    assert "already exists" in refused.value.message_dict["code"][0]
    assert Indicator.objects.count() == 1


def test_it_refuses_an_unknown_computation() -> None:
    with pytest.raises(ValidationError) as refused:
        indicator(computation="poverty_magic")
    assert "not a known computation" in refused.value.message_dict["computation"][0]
    assert not Indicator.objects.exists()


def test_it_refuses_a_negative_target() -> None:
    kk = indicator()
    with pytest.raises(ValidationError) as refused:
        services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=None, value=-5)
    assert "negative" in refused.value.message_dict["value"][0]
    assert not Target.objects.exists()


@pytest.mark.parametrize(("year", "quarter"), [(2025, 5), (2031, None), (2031, 1)])
def test_it_refuses_a_target_for_a_period_that_does_not_exist(year: int, quarter: int | None) -> None:
    kk = indicator()
    with pytest.raises(ValidationError) as refused:
        services.set_target(None, indicator=kk, region_code="33.10", year=year, quarter=quarter, value=10)
    assert "does not exist in the calendar" in refused.value.message_dict["period"][0]
    assert not Target.objects.exists()


def test_it_refuses_a_target_for_an_unknown_region() -> None:
    with pytest.raises(ValidationError) as refused:
        services.set_target(None, indicator=indicator(), region_code="99.99", year=2025, quarter=1, value=1)
    assert "99.99" in refused.value.message_dict["region"][0]


def test_a_target_is_set_replaced_and_audited() -> None:
    kk = indicator()
    services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=2, value=100)
    target = services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=2, value="120.5")
    assert Target.objects.get().value == target.value
    assert str(target.period) == "2025-Q2" and Target.objects.get().value == Decimal("120.5")
    assert AuditEntry.objects.filter(action="target.set", region_code="33.10").count() == 2


def test_a_typed_achievement_is_only_for_output_targets_and_needs_evidence() -> None:
    computed, output = indicator(), indicator("plut", computation="", unit="PLUT")
    with pytest.raises(ValidationError) as refused:
        services.set_target(None, indicator=computed, region_code="", year=2025, quarter=None, value=1, achieved=1)
    assert "computed from data" in refused.value.message_dict["achieved"][0]
    with pytest.raises(ValidationError) as refused:
        services.set_target(None, indicator=output, region_code="", year=2025, quarter=None, value=63, achieved=12)
    assert "evidence" in refused.value.message_dict
    proof = SimpleUploadedFile("ba.pdf", b"%PDF-1.4 berita acara")
    target = services.set_target(None, indicator=output, region_code="", year=2025, quarter=None, value=63,
                                 achieved=12, evidence=proof)
    assert target.achieved == 12 and str(target.evidence.name).endswith(".pdf")


def test_a_period_knows_its_dates() -> None:
    q1, q4 = Period.objects.get(year=2025, quarter=1), Period.objects.get(year=2025, quarter=4)
    assert (q1.start.isoformat(), q1.end.isoformat()) == ("2025-01-01", "2025-03-31")
    assert (q4.start.isoformat(), q4.end.isoformat()) == ("2025-10-01", "2025-12-31")


def test_the_api_lists_only_targets_inside_the_scope(klaten_officer: User) -> None:
    kk = indicator()
    services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=1, value=5)
    services.set_target(None, indicator=kk, region_code="53.01", year=2025, quarter=1, value=7)
    rows = client_for(klaten_officer).get("/api/targets/").json()["results"]
    assert [(r["region"], r["period"], r["value"]) for r in rows] == [("33.10", "2025-Q1", "5.00")]
    assert client_for(klaten_officer).get("/api/indicators/").json()["results"][0]["code"] == "kk-ekstrem"


def test_the_api_filters_targets_by_indicator_region_and_period(national_admin: User) -> None:
    kk, other = indicator(), indicator("plut", computation="", unit="PLUT")
    services.set_target(None, indicator=kk, region_code="33.10", year=2025, quarter=1, value=5)
    services.set_target(None, indicator=kk, region_code="33", year=2025, quarter=None, value=9)
    services.set_target(None, indicator=other, region_code="53.01", year=2025, quarter=1, value=7)
    client = client_for(national_admin)

    def found(**params: str) -> list[tuple[str, str, str]]:
        response = client.get("/api/targets/", params)
        assert response.status_code == 200, response.content
        return [(r["region"], r["period"], r["value"]) for r in response.json()["results"]]

    assert found(indicator="kk-ekstrem", period="2025-Q1") == [("33.10", "2025-Q1", "5.00")]
    assert found(region="33") == [("33.10", "2025-Q1", "5.00"), ("33", "2025", "9.00")]
    assert found(period="2025") == [("33", "2025", "9.00")]
    assert found(indicator="plut", region="33") == []
    for bad in ({"period": "2025-Q5"}, {"region": "33-10"}, {"indicator": "kk ekstrem"}):
        response = client.get("/api/targets/", bad)
        assert response.status_code == 400 and list(response.json()) == list(bad)


def test_an_indicator_links_the_agreements_behind_it(national_admin: User) -> None:
    mou = agreement([partner()])
    kk = services.create_indicator(None, code="anggota-koperasi", name_id="Anggota koperasi desil 1-2",
                                   name_en="Cooperative members, desil 1-2", unit="orang",
                                   computation="cooperative_members_desil_1_2", agreements=[mou])
    assert list(Indicator.objects.filter(agreements=mou)) == [kk]
    assert "anggota-koperasi" in client_for(national_admin).get(f"/partnerships/{mou.pk}/").content.decode()
