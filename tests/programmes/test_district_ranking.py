"""Priority ranking of districts (kecamatan) beside regencies: the same score, weights, quotas,
explanation per place and saved lists; page, `entas rank` and API, kept inside the user's region."""

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.graduation import services
from entas.graduation.models import Enrolment
from entas.programmes import priority
from entas.programmes import services as programmes
from entas.programmes.models import PriorityList, PriorityLocation
from entas.regions.codes import Level
from entas.regions.models import Region
from tests.conftest import client_for
from tests.enterprises.factories import cooperative
from tests.programmes.factories import KLATEN_VILLAGE, KUPANG_VILLAGE, TODAY, home, programme

pytestmark = pytest.mark.django_db
KLATEN_FAR_VILLAGE = "33.10.02.2001"  # another district of Klaten


def districts(inside: str) -> int:
    return Region.objects.filter(level=Level.DISTRICT, code__startswith=inside + ".").count()


@pytest.fixture
def places() -> None:
    for _ in range(3):
        home(KUPANG_VILLAGE)
    home(KLATEN_VILLAGE)
    home(KLATEN_VILLAGE, decile=6)
    home(KLATEN_FAR_VILLAGE, decile=7)
    cooperative()


def test_districts_are_ranked_by_the_same_score_and_explained(places: None) -> None:
    ranked = priority.rank({"low_decile_share": 1, "extreme_poor": 1}, "district")
    assert len(ranked) == Region.objects.filter(level=Level.DISTRICT).count()
    assert [r.code for r in ranked[:2]] == ["53.01.04", "33.10.01"]
    assert (ranked[1].measures["households"], ranked[1].measures["low_decile_share"]) == (2, 0.5)
    assert ranked[1].measures["cooperatives"] == 1
    with translation.override("en"):
        explained = priority.explain(ranked[1])
        assert explained.startswith("rank 2: 50.0\u00a0% desil 1-2, 1 extreme-poor households, 1 active")


def test_within_narrows_the_districts_to_one_region(places: None) -> None:
    ranked = priority.rank({"extreme_poor": 1}, "district", within="33.10")
    assert len(ranked) == districts("33.10")
    assert ranked[0].code == "33.10.01" and all(r.code.startswith("33.10.") for r in ranked)
    assert ranked[0].score == 1.0  # scaled by the largest value among the districts ranked


@pytest.mark.parametrize(("level", "within", "expected"), [
    ("village", None, "level: 'village' is not a level; choose one of: regencies (regency), districts (district)"),
    ("district", "33.10.01", "within: 33.10.01 is not larger than the places ranked (districts)"),
    ("regency", "33.10", "within: 33.10 is not larger than the places ranked (regencies)"),
    ("district", "99", "within: '99' is not a region code"),
])
def test_a_bad_level_or_region_is_refused(level: str, within: str | None, expected: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        priority.rank({"extreme_poor": 1}, level, within)
    assert expected in " ".join(f"{k}: {' '.join(v)}" for k, v in error.value.message_dict.items())


def test_a_district_list_is_saved_with_its_quotas_and_decides_enrolment(agency: Agency, places: None) -> None:
    prog = programme(agency, priority_locations_only=True)
    saved = programmes.save_priority_list(None, prog, name="Kecamatan Klaten", weights={"extreme_poor": 1},
                                        quotas={"33": 1}, level="district", within="33.10")
    assert (saved.level, saved.within) == ("district", "33.10")
    [place] = saved.locations.all()
    assert (place.rank, place.region_id) == (1, "33.10.01") and "50,0\u00a0% desil 1-2" in place.explanation
    assert AuditEntry.objects.filter(action="priority_list.saved", details__level="district").exists()
    result = services.enrol_in_bulk(None, prog, region_codes=["33.10"], on=TODAY)
    assert result.enrolled == 1 and Enrolment.objects.get().village_id == KLATEN_VILLAGE


def test_a_quota_larger_than_the_number_of_districts_is_refused(agency: Agency) -> None:
    prog = programme(agency)
    n = districts("33.10")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        programmes.save_priority_list(None, prog, name="Terlalu banyak", weights={"extreme_poor": 1},
                                    quotas={"33": n + 1}, level="district", within="33.10")
    assert f"The quota {n + 1} for province 33 is larger than its {n} districts" in str(error.value)
    with translation.override("en"), pytest.raises(
            ValidationError, match=r"'53' is not a province code with districts inside 33\.10"):
        programmes.save_priority_list(None, prog, name="NTT", weights={"extreme_poor": 1}, quotas={"53": 1},
                                    level="district", within="33.10")
    with translation.override("en"), pytest.raises(ValidationError, match="515 is more than the 514 regencies"):
        programmes.save_priority_list(None, prog, name="Semua", weights={"extreme_poor": 1}, limit=515)
    with translation.override("en"), pytest.raises(ValidationError, match="The weights sum to zero"):
        programmes.save_priority_list(None, prog, name="Nol", weights={"extreme_poor": 0}, limit=1, level="district")
    assert not PriorityList.objects.exists() and not PriorityLocation.objects.exists()


def test_the_page_ranks_the_districts_of_the_officers_regency(places: None, klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    response = client.get("/programmes/priority/")
    assert (response.context["level"], response.context["within"]) == ("district", "33.10")
    codes = [row.code for row in response.context["rows"]]
    assert codes[0] == "33.10.01" and all(code.startswith("33.10.") for code in codes)
    assert response.context["total"] == districts("33.10")
    refused = client.get("/programmes/priority/", {"within": "53"})
    assert refused.status_code == 400 and "di luar wilayah Anda" in refused.content.decode()
    assert not refused.context["rows"]
    assert client.post("/programmes/priority/", {"name": "x"}).status_code == 403


def test_a_national_administrator_saves_a_list_from_the_page(
        agency: Agency, places: None, national_admin: User) -> None:
    prog = programme(agency)
    client = client_for(national_admin)
    url = "/programmes/priority/?level=district&within=53&extreme_poor=1"
    bad = client.post(url, {"programme": prog.pk, "name": "NTT", "quotas": "53=x"})
    assert bad.status_code == 400 and "53=x" in bad.content.decode()
    done = client.post(url, {"programme": prog.pk, "name": "NTT", "quotas": "53=2"})
    assert done.status_code == 302
    saved = PriorityList.objects.get()
    assert (saved.level, saved.within, saved.weights["extreme_poor"]) == ("district", "53", 1.0)
    assert saved.locations.order_by("rank").values_list("region", flat=True).first() == "53.01.04"
    page = client.get(f"/programmes/priority/lists/{saved.pk}/").content.decode()
    assert "53.01.04" in page


def test_a_saved_list_shows_an_officer_only_places_inside_her_region(
        agency: Agency, places: None, klaten_officer: User) -> None:
    saved = programmes.save_priority_list(None, programme(agency), name="Nasional", weights={"extreme_poor": 1},
                                        quotas={"53": 1, "33": 1})
    response = client_for(klaten_officer).get(f"/programmes/priority/lists/{saved.pk}/")
    assert [loc.region_id for loc in response.context["locations"]] == ["33.10"]
    api = client_for(klaten_officer).get(f"/api/priority-lists/{saved.pk}/").json()
    assert [loc["region"] for loc in api["locations"]] == ["33.10"]


def rank(*args: str) -> str:
    out = StringIO()
    call_command("rank_places", *args, stdout=out)
    return out.getvalue()


def test_the_rank_command_prints_and_saves_districts(agency: Agency, places: None) -> None:
    out = rank("--level", "district", "--within", "53", "--weight", "extreme_poor=1", "--top", "3")
    assert f"{districts('53')} places ranked" in out and "53.01.04" in out
    prog = programme(agency)
    out = rank("--level", "district", "--save", "Kecamatan NTT", "--programme", prog.name, "--quota", "53=2",
               "--weight", "extreme_poor=3")
    assert "Saved priority list 'Kecamatan NTT'" in out
    assert PriorityList.objects.get().locations.count() == 2
    with pytest.raises(CommandError, match="weight: 'poverty=1'"):
        rank("--weight", "poverty=1")
    with pytest.raises(CommandError, match=r"weights: .*\(sectors\): 'many'"):  # in the default language
        rank("--weight", "sectors=many")
    with pytest.raises(CommandError, match="programme: --save needs --programme"):
        rank("--save", "x")
    with pytest.raises(CommandError, match=r"99999.* 53 "):
        rank("--level", "district", "--save", "x", "--programme", prog.name, "--quota", "53=99999")
    assert PriorityList.objects.count() == 1


def test_the_api_ranks_inside_the_scope_and_saves_for_administrators(
        agency: Agency, places: None, klaten_officer: User, national_admin: User,
        make_user: Callable[..., User]) -> None:
    client = client_for(klaten_officer)
    body = client.get("/api/priority-ranking/", {"top": "2", "extreme_poor": "1"}).json()
    assert (body["level"], body["within"], body["count"]) == ("district", "33.10", districts("33.10"))
    assert body["results"][0]["code"] == "33.10.01" and "50,0\u00a0% desil 1-2" in body["results"][0]["explanation"]
    assert len(body["results"]) == 2
    refused = client.get("/api/priority-ranking/", {"within": "53"}).json()
    assert refused.keys() == {"within"} and refused["within"][0].startswith("53 ") and "33.10" in refused["within"][0]
    assert "weights" in client.get("/api/priority-ranking/", {"sectors": "x"}).json()
    assert client.get("/api/priority-ranking/", {"level": "village"}).status_code == 400
    national = client_for(national_admin).get("/api/priority-ranking/", {"level": "regency", "top": "1"}).json()
    assert national["count"] == 514 and national["results"][0]["code"] == "53.01"
    prog = programme(agency)
    new = {"programme": prog.pk, "name": "NTT", "level": "district", "within": "53", "weights": {"extreme_poor": 1},
           "quotas": {"53": 1}}
    assert client.post("/api/priority-lists/", new, content_type="application/json").status_code == 403
    admin = client_for(national_admin)
    made = admin.post("/api/priority-lists/", new, content_type="application/json")
    assert made.status_code == 201 and [loc["region"] for loc in made.json()["locations"]] == ["53.01.04"]
    zero = admin.post("/api/priority-lists/", {**new, "weights": {"extreme_poor": 0}},
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert zero.status_code == 400 and "sum to zero" in str(zero.json()["weights"])
    assert PriorityList.objects.count() == 1
    assert client.get(f"/api/priority-lists/{made.json()['id']}/").json()["locations"] == []
