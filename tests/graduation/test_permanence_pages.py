"""Whether graduation lasts, for people: the page /programmes/<pk>/permanence/ and the API
/api/programmes/<id>/permanence/, counting only the families the user may see
(graduation.permanence computes the curves: tests/graduation/test_permanence.py)."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.graduation import services
from entas.graduation.models import Enrolment
from entas.graduation.permanence import GROUPINGS, MIN_FAMILIES
from entas.programmes.models import Facilitator, Programme
from tests.conftest import client_for, english_client
from tests.graduation.factories import enrol
from tests.monitoring.families import graduate, graduation_programme
from tests.programmes.factories import KLATEN_VILLAGE, KUPANG_VILLAGE, facilitator

pytestmark = pytest.mark.django_db

GRADUATED = datetime.date(2025, 8, 1)


@dataclass
class Families:
    prog: Programme
    klaten: list[Enrolment]
    kupang: list[Enrolment]
    mine: Facilitator


@pytest.fixture
def families(agency: Agency) -> Families:
    """20 graduated Klaten families (3 of them a facilitator's, one relapsed, two followed up to 6
    months) and 2 graduated Kupang families."""
    prog = graduation_programme(agency)
    mine = facilitator(agency, "saya", capacity=5)
    klaten = [enrol(prog, KLATEN_VILLAGE, fac=mine if n < 3 else None) for n in range(MIN_FAMILIES)]
    kupang = [enrol(prog, KUPANG_VILLAGE) for _ in range(2)]
    for family in klaten + kupang:
        graduate(family, on=GRADUATED)
    services.relapse(None, klaten[0], on=datetime.date(2025, 11, 1))
    for family in klaten[1:3]:
        services.record_follow_up(None, family, month=6, on=datetime.date(2026, 2, 1))
    return Families(prog, klaten, kupang, mine)


def page(client: Client, prog: Programme, **query: str) -> Any:
    return client.get(f"/programmes/{prog.pk}/permanence/", query)


def api(client: Client, prog: Programme, **query: str) -> Any:
    return client.get(f"/api/programmes/{prog.pk}/permanence/", query)


def counted(response: Any) -> dict[str, int]:
    """key -> families of each group, from the page's context or the API's JSON."""
    if response.get("Content-Type", "").startswith("application/json"):
        return {g["key"]: g["families"] for g in response.json()["groups"]}
    return {g["curve"].key: g["curve"].families for g in response.context["groups"]}


def test_an_officer_sees_her_region_only_and_the_page_says_so(families: Families, klaten_officer: User) -> None:
    client = english_client(klaten_officer)
    response = page(client, families.prog, by="regency")
    assert response.status_code == 200
    assert counted(response) == {"33.10": MIN_FAMILIES}  # the Kupang families are not counted
    body = response.content.decode()
    assert "Only families inside your region are counted" in body and "Kabupaten Klaten" in body
    assert "53.01" not in body and "Kupang" not in body
    assert counted(api(client, families.prog, by="regency")) == {"33.10": MIN_FAMILIES}
    assert counted(api(client, families.prog, by="all")) == {"all": MIN_FAMILIES}


def test_a_group_under_twenty_shows_no_numbers(families: Families, kupang_officer: User) -> None:
    client = english_client(kupang_officer)
    response = page(client, families.prog, by="regency")
    assert counted(response) == {"53.01": 2}
    [group] = response.context["groups"]
    assert not group["curve"].shown and response.context["chart"] is None
    body = response.content.decode()
    row = body[body.index('data-testid="group-53.01"'):]
    row = row[:row.index("</tr>")]
    assert row.count(f"too few families (n &lt; {MIN_FAMILIES})") == 1  # one cell across the months
    assert "%" not in row  # no share, no interval, no relapse rate
    assert 'id="permanence-data"' not in body
    [curve] = api(client, families.prog, by="regency").json()["groups"]
    assert curve["shown"] is False and curve["steps"] == []
    assert all(a["survival"] is None for a in curve["at"])


def test_a_shown_group_gives_each_share_with_its_interval_and_a_chart(families: Families,
                                                                      klaten_officer: User) -> None:
    response = page(client_for(klaten_officer), families.prog, by="all")  # Indonesian, the default
    [group] = response.context["groups"]
    assert group["curve"].shown and (group["curve"].families, group["curve"].relapsed) == (MIN_FAMILIES, 1)
    six = group["cells"][0]
    assert six["state"] == "shown" and six["low"] <= six["survival"] <= six["high"]
    body = response.content.decode()
    low, share, high = (f"{six[k]:.1f}".replace(".", ",") for k in ("low", "survival", "high"))
    assert f"{share}\u00a0% <span class=\"meta\">({low}\u2013{high}\u00a0%)</span>" in body  # "82,4 % (74,1-88,9 %)"
    assert "5,0\u00a0%" in body  # the relapse rate, 1 of 20
    assert "belum cukup lama" in body  # nobody watched for 24 months yet
    chart = json.loads(body.split('id="permanence-data" type="application/json">')[1].split("</script>")[0])
    assert [s["label"] for s in chart["series"]] == [group["curve"].label]
    assert chart["series"][0]["points"][0] == [0, 100.0]
    assert "graduation/permanence.js" in body and "<script>" not in body  # no inline script (CSP)


def test_a_facilitator_sees_only_her_caseload(families: Families) -> None:
    client = client_for(families.mine.user)
    assert counted(page(client, families.prog, by="all")) == {"all": 3}
    assert counted(page(client, families.prog, by="facilitator")) == {str(families.mine.pk): 3}
    assert counted(api(client, families.prog, by="all")) == {"all": 3}
    assert "Hanya keluarga dampingan Anda" in page(client, families.prog).content.decode()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.NATIONAL_ADMIN])
def test_national_roles_see_every_family(families: Families, make_user: Callable[..., User], role: str) -> None:
    client = client_for(make_user("pusat", role))
    assert counted(page(client, families.prog, by="regency")) == {"33.10": MIN_FAMILIES, "53.01": 2}
    assert counted(api(client, families.prog, by="all")) == {"all": MIN_FAMILIES + 2}


@pytest.mark.parametrize("by", GROUPINGS)
def test_every_grouping_answers(families: Families, klaten_officer: User, by: str) -> None:
    client = client_for(klaten_officer)
    response = page(client, families.prog, by=by)
    assert response.status_code == 200 and response.context["by"] == by
    assert sum(counted(response).values()) == MIN_FAMILIES
    answer = api(client, families.prog, by=by)
    assert answer.status_code == 200 and answer.json()["by"] == by
    assert sum(counted(answer).values()) == MIN_FAMILIES


def test_the_default_grouping_is_the_cohort(families: Families, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    assert counted(page(client, families.prog)) == {"2025-Q3": MIN_FAMILIES}
    assert api(client, families.prog).json()["by"] == "cohort"


def test_an_unknown_grouping_answers_400_naming_the_allowed_ones(families: Families, klaten_officer: User) -> None:
    client = english_client(klaten_officer)
    response = page(client, families.prog, by="village")
    assert response.status_code == 400
    assert "cohort, regency, facilitator, all" in response.content.decode()
    answer = api(client, families.prog, by="village")
    assert answer.status_code == 400 and "by" in answer.json()


def test_the_api_answers_the_documented_shape(families: Families, klaten_officer: User) -> None:
    data = api(client_for(klaten_officer), families.prog, by="all").json()
    assert set(data) == {"programme", "by", "today", "groups"}
    assert data["programme"] == families.prog.pk
    datetime.date.fromisoformat(data["today"])
    [curve] = data["groups"]
    assert set(curve) == {"key", "label", "families", "relapsed", "relapse_rate", "shown", "at", "steps"}
    assert (curve["key"], curve["families"], curve["relapsed"], curve["shown"]) == ("all", MIN_FAMILIES, 1, True)
    assert curve["relapse_rate"] == pytest.approx(1 / MIN_FAMILIES)
    assert [a["month"] for a in curve["at"]] == [6, 12, 24]
    assert set(curve["at"][0]) == {"month", "survival", "low", "high", "at_risk"}
    assert set(curve["steps"][0]) == {"month", "survival", "low", "high", "at_risk", "events", "censored"}
    assert curve["steps"][0]["survival"] == 1.0
    assert 0 <= curve["at"][0]["low"] <= curve["at"][0]["survival"] <= curve["at"][0]["high"] <= 1


def test_an_unknown_programme_answers_404(klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    assert client.get("/programmes/999999/permanence/").status_code == 404
    assert client.get("/api/programmes/999999/permanence/").status_code == 404
    assert client.get("/api/programmes/abc/permanence/").status_code == 400


def test_the_programme_page_links_to_it(families: Families, klaten_officer: User) -> None:
    body = client_for(klaten_officer).get(f"/programmes/{families.prog.pk}/").content.decode()
    assert f'href="/programmes/{families.prog.pk}/permanence/"' in body


def test_the_page_needs_a_signed_in_user(families: Families) -> None:
    assert page(Client(), families.prog).status_code == 302
    assert api(Client(), families.prog).status_code in (401, 403)
