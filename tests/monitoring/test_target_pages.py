"""The target list and the form that sets one: who may set which, and the refusals that name the field."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.monitoring import services
from entas.monitoring.models import Target
from tests.conftest import client_for
from tests.monitoring.factories import indicator

pytestmark = pytest.mark.django_db
URL = "/dashboard/targets/"


@pytest.fixture(autouse=True)
def calendar() -> None:
    services.open_year(None, 2026)
    indicator()


def form(region: str, value: object = 40, quarter: str = "") -> dict[str, object]:
    return {"indicator": "kk-ekstrem", "region": region, "year": "2026", "quarter": quarter, "value": value}


def test_a_national_administrator_sets_a_national_and_a_regional_target(national_admin: User) -> None:
    client = client_for(national_admin)
    assert client.post(URL, form("")).status_code == 302
    assert client.post(URL, form("53.01", "12.5", quarter="2")).status_code == 302
    found = {(t.region_id, str(t.period), t.value) for t in Target.objects.all()}
    assert found == {(None, "2026", 40), ("53.01", "2026-Q2", 12.5)}
    assert AuditEntry.objects.filter(action="target.set", actor=national_admin).count() == 2


def test_a_regional_officer_sets_a_target_inside_her_region(klaten_officer: User) -> None:
    assert client_for(klaten_officer).post(URL, form("33.10.01")).status_code == 302
    assert Target.objects.get().region_id == "33.10.01"


def test_it_refuses_a_target_for_a_region_outside_the_scope(klaten_officer: User) -> None:
    response = client_for(klaten_officer).post(URL, form("53.01"))
    assert response.status_code == 400
    assert "53.01" in response.context["form"].errors["region"][0]
    assert "KUPANG" in response.context["form"].errors["region"][0].upper()  # the region named
    assert not Target.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.set_target(klaten_officer, indicator=indicator("lain"), region_code="53.01", year=2026,
                            quarter=None, value=1)
    assert "di luar wilayah Anda 33.10" in refused.value.message_dict["region"][0]


def test_a_regional_officer_may_not_set_the_national_target(klaten_officer: User) -> None:
    response = client_for(klaten_officer).post(URL, form(""))
    assert response.status_code == 400 and "nasional" in response.context["form"].errors["region"][0].lower()
    assert not Target.objects.exists()


def test_it_refuses_a_negative_target(national_admin: User) -> None:
    response = client_for(national_admin).post(URL, form("33.10", -5))
    assert response.status_code == 400
    assert "-5" in response.context["form"].errors["value"][0]
    assert not Target.objects.exists()


def test_analysts_read_the_targets_but_may_not_set_one(make_user: Callable[..., User]) -> None:
    services.set_target(None, indicator=indicator("lain"), region_code="33.10", year=2026, quarter=None, value=7)
    analyst = make_user("analis", Role.ANALYST)
    client = client_for(analyst)
    page = client.get(URL)
    assert page.status_code == 200 and [t.region_id for t in page.context["page"]] == ["33.10"]
    assert 'data-testid="target-form"' not in page.content.decode()
    assert client.post(URL, form("33.10")).status_code == 403
    assert Target.objects.count() == 1


def test_the_list_shows_only_targets_inside_the_scope_and_filters(klaten_officer: User) -> None:
    for n, code in enumerate(("33.10", "33.10.01", "53.01")):
        services.set_target(None, indicator=indicator(f"i-{n}"), region_code=code, year=2026, quarter=None, value=1)
    client = client_for(klaten_officer)
    listed = client.get(URL).context["page"]
    assert sorted(t.region_id for t in listed) == ["33.10", "33.10.01"]
    assert [t.region_id for t in client.get(URL, {"region": "33.10.01"}).context["page"]] == ["33.10.01"]
    assert [t.region_id for t in client.get(URL, {"region": "53.01"}).context["page"]] == []
    assert [t.region_id for t in client.get(URL, {"indicator": "i-0", "period": "2026"}).context["page"]] == [
        "33.10"]
    assert [t for t in client.get(URL, {"period": "2026-Q1"}).context["page"]] == []
