"""Bad input to the API answers 400 naming the field, never 500:
non-numeric and over-long ids in every numeric route (found from the URL configuration, so a new
route is covered), limits and offsets, id filters and numbers beyond their column in bodies."""

import re
from typing import Any

import pytest
from django.test import Client

from entas.accounts.models import User
from entas.api.urls import router
from entas.core.models import AuditEntry
from entas.graduation.models import Assessment, Loan, MarketAccess, TrainingSession
from tests.api.conftest import World, in_english
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HUGE = 10**20  # beyond 64 bits
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
NUMERIC = {"pk", "enrolment_pk"}  # the numeric parts of a path: a record's id, its enrolment's id


def numeric_routes() -> list[tuple[str, str, str]]:
    """(method, path template, name of the numeric part) for every route with a numeric id."""
    found = []
    for pattern in router.urls:
        regex = str(pattern.pattern)
        names = GROUP.findall(regex)
        if "format" in names or not set(names) & NUMERIC:
            continue
        template = GROUP.sub(lambda m: "{" + m.group(1) + "}", regex.lstrip("^").rstrip("$"))
        for method in getattr(pattern.callback, "actions", {}):
            for name in set(names) & NUMERIC:
                found.append((method, "/api/" + template, name))
    return found


ROUTES = numeric_routes()


def test_the_routes_with_numeric_ids_are_found() -> None:
    assert ("get", "/api/households/{pk}/", "pk") in ROUTES
    assert ("post", "/api/enrolments/{enrolment_pk}/loans/{pk}/status/", "pk") in ROUTES
    assert ("post", "/api/enrolments/{enrolment_pk}/loans/{pk}/status/", "enrolment_pk") in ROUTES
    assert len(ROUTES) > 25


@pytest.mark.parametrize("bad", ["abc", "null", str(HUGE)])
@pytest.mark.parametrize(("method", "template", "name"), ROUTES, ids=[f"{m} {t} {n}" for m, t, n in ROUTES])
def test_a_path_id_that_is_not_a_number_of_64_bits_answers_400_naming_it(
        national_admin: User, method: str, template: str, name: str, bad: str) -> None:
    path = template.format(**{"pk": "1", "enrolment_pk": "1", name: bad})
    response = getattr(in_english(national_admin), method)(path, {}, content_type="application/json")
    part = {"pk": "id", "enrolment_pk": "enrolment"}[name]
    assert response.status_code == 400, (path, response.status_code)
    assert response.json() == {part: [f"'{bad}' is not an id: give a whole number of at most 18 digits"]}


def test_an_anonymous_caller_with_a_bad_id_is_asked_to_sign_in_first() -> None:
    assert Client().get("/api/households/abc/").status_code == 401


def test_a_valid_id_with_an_unknown_action_is_still_not_found(national_admin: User) -> None:
    assert client_for(national_admin).get("/api/households/1/no-such-action/").status_code == 404


def get(world: World, path: str, **params: Any) -> Any:
    return in_english(world.admin).get(path, params)


@pytest.mark.parametrize("path", ["/api/people/", "/api/households/", "/api/regions/", "/api/audit/"])
def test_a_large_limit_is_capped_at_1000(world: World, path: str) -> None:
    response = get(world, path, limit="100000")
    assert response.status_code == 200
    if path == "/api/regions/":
        assert len(response.json()["results"]) == 1000
        assert "limit=1000" in response.json()["next"]


@pytest.mark.parametrize(("params", "field"), [
    ({"limit": "abc"}, "limit"), ({"limit": "0"}, "limit"), ({"limit": "-5"}, "limit"), ({"limit": "1.5"}, "limit"),
    ({"limit": "99999999999999999999"}, "limit"),
    ({"offset": "abc"}, "offset"), ({"offset": "-1"}, "offset"), ({"offset": "99999999999999999999"}, "offset"),
])
def test_a_malformed_limit_or_offset_answers_400_naming_it(world: World, params: dict[str, str], field: str) -> None:
    response = get(world, "/api/people/", **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(("params", "field"), [
    ({"page_size": "0"}, "page_size"), ({"page_size": "abc"}, "page_size"), ({"page_size": "-1"}, "page_size")])
def test_a_malformed_page_size_answers_400_naming_it(world: World, params: dict[str, str], field: str) -> None:
    response = get(world, "/api/regions/", **params)
    assert response.status_code == 400
    assert list(response.json()) == [field] and "1 to 1000" in response.json()[field][0]


def test_page_size_is_an_alias_of_limit_with_the_same_ceiling(world: World) -> None:
    assert len(get(world, "/api/regions/", page_size="7").json()["results"]) == 7
    capped = get(world, "/api/regions/", page_size="100000").json()
    assert len(capped["results"]) == 1000 and "limit=1000" in capped["next"]
    assert len(get(world, "/api/regions/", limit="3", page_size="9").json()["results"]) == 3


def test_page_size_errors_follow_the_request_language(world: World) -> None:
    response = client_for(world.admin).get("/api/regions/", {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400 and "bilangan bulat" in response.json()["page_size"][0]


def test_a_huge_offset_within_64_bits_answers_an_empty_page(world: World) -> None:
    body = get(world, "/api/people/", offset=str(10**18)).json()
    assert body["results"] == [] and body["count"] == 1


@pytest.mark.parametrize(("path", "field"), [
    ("/api/training-sessions/", "programme"), ("/api/cooperative-memberships/", "cooperative")])
@pytest.mark.parametrize("bad", [str(HUGE), "abc", "²", "0"])
def test_an_id_filter_beyond_64_bits_answers_400_naming_it(world: World, path: str, field: str, bad: str) -> None:
    response = get(world, path, **{field: bad})
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_id_filters_still_filter(world: World) -> None:
    assert get(world, "/api/training-sessions/", programme=world.programme.pk).json()["count"] == 1
    assert get(world, "/api/training-sessions/", programme=world.programme.pk + 1).json()["count"] == 0
    assert get(world, "/api/cooperative-memberships/", cooperative=world.cooperative.pk).json()["count"] == 1


@pytest.mark.parametrize(("params", "field"), [({"top": "²"}, "top"), ({"top": "-1"}, "top"),
                                               ({"extreme_poor": "inf"}, "weights"),
                                               ({"sectors": "nan"}, "weights"), ({"sectors": "1e999"}, "weights"),
                                               ({"level": "village"}, "level")])
def test_a_bad_ranking_parameter_answers_400_naming_it(world: World, params: dict[str, str], field: str) -> None:
    response = get(world, "/api/priority-ranking/", **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def post(world: World, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = in_english(world.admin).post(path, body, content_type="application/json")
    return response.status_code, response.json()


def test_it_answers_400_naming_the_field_for_a_huge_amount(world: World) -> None:
    status, body = post(world, f"/api/enrolments/{world.enrolment.pk}/loans/",
                        {"scheme": "kur_super_mikro", "lender": "BRI", "amount": HUGE, "on": "2025-08-01"})
    assert status == 400 and list(body) == ["amount"]
    assert "at most 9223372036854775807" in body["amount"][0]
    assert Loan.objects.count() == 1


def test_it_answers_400_naming_the_field_for_a_huge_sales_value(world: World) -> None:
    status, body = post(world, f"/api/enrolments/{world.enrolment.pk}/market-access/",
                        {"channel": "e_catalogue", "sales_value": HUGE, "on": "2025-08-01"})
    assert status == 400 and list(body) == ["sales_value"]
    assert MarketAccess.objects.count() == 1


@pytest.mark.parametrize(("item", "value"), [("per_capita_income", HUGE), ("savings", HUGE),
                                             ("income_sources", 40_000), ("children_in_school", 10**6)])
def test_it_answers_400_naming_the_assessment_item_beyond_its_column(world: World, item: str, value: int) -> None:
    status, body = post(world, f"/api/enrolments/{world.enrolment.pk}/visits/",
                        {"on": "2025-08-01", "assessment": {item: value}})
    assert status == 400 and body == {"assessment": {item: [body["assessment"][item][0]]}}
    assert body["assessment"][item][0].startswith("too large: at most ")
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("attendees", [[HUGE], [1, HUGE], [-1], [0]])
def test_it_answers_400_naming_attendees_beyond_64_bits(world: World, attendees: list[int]) -> None:
    status, body = post(world, f"/api/training-sessions/{world.session.pk}/attendance/", {"attendees": attendees})
    assert status == 400 and list(body) == ["attendees"]


def test_a_new_session_with_a_huge_programme_or_attendee_answers_400(world: World) -> None:
    new = {"programme": HUGE, "kind": "training", "topic": "Pemasaran", "date": "2025-08-01", "region": "33.10.01"}
    status, body = post(world, "/api/training-sessions/", new)
    assert status == 400 and list(body) == ["programme"]
    status, body = post(world, "/api/training-sessions/", {**new, "programme": world.programme.pk,
                                                           "attendees": [HUGE]})
    assert status == 400 and list(body) == ["attendees"]
    assert TrainingSession.objects.count() == 1


@pytest.mark.parametrize(("route", "body", "field"), [
    ("cooperative-memberships", {"cooperative": HUGE, "joined": "2025-08-01"}, "cooperative"),
    ("cooperative-memberships", {"person": HUGE, "joined": "2025-08-01"}, "person"),
    ("cooperative-memberships", {"joined": "2025-08-01", "share_principal": HUGE}, "share_principal"),
    ("jobs", {"enterprise": HUGE, "start": "2025-08-01"}, "enterprise"),
    ("reassign", {"facilitator": HUGE, "reason": "pindah"}, "facilitator"),
])
def test_it_answers_400_naming_an_id_beyond_64_bits_in_a_body(
        world: World, route: str, body: dict[str, Any], field: str) -> None:
    stored = {"cooperative": world.cooperative.pk, "person": world.person.pk, "enterprise": world.enterprise.pk}
    if route == "reassign":
        stored = {}
    elif route == "jobs":
        del stored["cooperative"]
    else:
        del stored["enterprise"]
    status, answer = post(world, f"/api/enrolments/{world.enrolment.pk}/{route}/", {**stored, **body})
    assert status == 400 and list(answer) == [field]


def test_a_priority_list_with_a_huge_programme_or_an_infinite_weight_answers_400(world: World) -> None:
    new = {"programme": HUGE, "name": "X", "weights": {"extreme_poor": 1}, "limit": 1}
    status, body = post(world, "/api/priority-lists/", new)
    assert status == 400 and list(body) == ["programme"]
    # 1e999 is read as infinity by a JSON parser; a weight must be a finite number.
    text = f'{{"programme": {world.programme.pk}, "name": "X", "limit": 1, "weights": {{"extreme_poor": 1e999}}}}'
    response = client_for(world.admin).post("/api/priority-lists/", text, content_type="application/json")
    assert response.status_code == 400 and list(response.json()) == ["weights"]


def test_a_bad_request_is_not_logged_as_a_list_read(world: World) -> None:
    get(world, "/api/people/", limit="abc")
    assert not AuditEntry.objects.filter(action="person.listed").exists()


def test_the_schema_documents_the_bounds(db: None) -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    limit = next(p for p in schema["paths"]["/api/people/"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1} and "at most 1000" in limit["description"]
    loan = schema["components"]["schemas"]["NewLoanRequest"]["properties"]["amount"]
    assert loan["maximum"] == 2**63 - 1
    path_id = schema["paths"]["/api/households/{id}/"]["get"]["parameters"][0]
    assert path_id["schema"] == {"type": "integer", "format": "int64", "minimum": 0, "maximum": 10**18 - 1}
