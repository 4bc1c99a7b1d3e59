"""Reads of lists that name people are audit-logged, one entry per answer (a page of the API, a
list page): who, the filter, how many and which records, the people and households they named,
so that "who received this person's data" can be answered later. A page holds at most 1,000."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core import audit
from entas.core.models import AuditEntry
from entas.core.pagination import Pages
from entas.registry.models import Person
from tests.api.conftest import World, make_world
from tests.conftest import client_for
from tests.programmes.factories import home

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency: Agency, national_admin: User, settings: Any, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return make_world(agency, national_admin)


def listed(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_the_helper_writes_who_the_filter_the_count_and_the_ids(klaten_officer: User) -> None:
    entry = audit.record_list_read(klaten_officer, "registry.person", QueryDict("region=33.10&q=siti&q=ami"),
                                   [5, 3], people=[5, 3, 5], households=[9])
    assert (entry.action, entry.actor_username, entry.region_code) == ("person.listed", "klaten", "33.10")
    assert entry.details == {"model": "registry.person", "filter": {"region": "33.10", "q": ["siti", "ami"]},
                             "count": 2, "ids": [5, 3], "people": [3, 5], "households": [9]}


def test_a_long_filter_value_is_cut(klaten_officer: User) -> None:
    entry = audit.record_list_read(klaten_officer, "registry.person", {"q": "x" * 5000}, [])
    assert entry.details["filter"] == {"q": "x" * audit.FILTER_VALUE_LENGTH}


def test_a_page_of_households_names_the_households_and_their_members(world: World) -> None:
    second = home()
    body = client_for(world.admin).get("/api/households/", {"region": "33.10", "limit": "1"}).json()
    entry = listed("household.listed")
    assert entry.actor_username == world.admin.username and entry.channel == "api"
    assert entry.details["filter"] == {"region": "33.10", "limit": "1"}
    assert entry.details["count"] == 1 and entry.details["ids"] == [body["results"][0]["id"]]
    shown = body["results"][0]["id"]
    assert entry.details["households"] == [shown]
    assert entry.details["people"] == sorted(Person.objects.filter(household_id=shown).values_list("pk", flat=True))
    assert second.pk not in entry.details["households"]


def test_a_page_of_people_names_them_and_their_households(world: World) -> None:
    client_for(world.admin).get("/api/people/", {"q": "siti"})
    entry = listed("person.listed")
    assert entry.details["people"] == [world.person.pk] and entry.details["households"] == [world.household.pk]
    assert entry.details["filter"] == {"q": "siti"}


@pytest.mark.parametrize(("path", "action", "attribute"), [
    ("/api/cooperative-memberships/", "membership.listed", "membership"),
    ("/api/jobs/", "job.listed", "job"),
    ("/api/enterprises/", "enterprise.listed", "enterprise"),
])
def test_lists_that_name_people_are_logged(world: World, path: str, action: str, attribute: str) -> None:
    if attribute == "enterprise":
        world.enterprise.owner = world.person
        world.enterprise.save(update_fields=["owner"])
    client_for(world.admin).get(path)
    entry = listed(action)
    assert entry.details["ids"] == [getattr(world, attribute).pk]
    assert entry.details["people"] == [world.person.pk]


def test_a_page_of_enrolments_names_the_families_and_their_members(world: World) -> None:
    client_for(world.admin).get("/api/enrolments/")
    entry = listed("enrolment.listed")
    assert entry.details["ids"] == [world.enrolment.pk]
    assert entry.details["households"] == [world.household.pk] and entry.details["people"] == [world.person.pk]


@pytest.mark.parametrize(("resource", "action"), [("loans", "loan.listed"), ("market-access", "marketaccess.listed")])
def test_a_familys_loans_and_market_access_are_logged_with_its_household(
        world: World, resource: str, action: str) -> None:
    answer = client_for(world.admin).get(f"/api/enrolments/{world.enrolment.pk}/{resource}/").json()
    entry = listed(action)
    assert entry.details["ids"] == [row["id"] for row in answer["results"]] != []
    assert entry.details["households"] == [world.household.pk]


def test_an_officer_sees_the_entries_of_her_region(world: World, klaten_officer: User) -> None:
    client_for(klaten_officer).get("/api/people/")
    entry = listed("person.listed")
    assert entry.region_code == "33.10" and entry.details["people"] == [world.person.pk]
    logged = client_for(klaten_officer).get("/api/audit/", {"limit": "1000"}).json()["results"]
    assert entry.pk in [row["id"] for row in logged]


def test_lists_without_people_are_not_logged(world: World) -> None:
    for path in ("/api/cooperatives/", "/api/groups/", "/api/regions/", "/api/programmes/"):
        client_for(world.admin).get(path)
    assert not AuditEntry.objects.filter(action__endswith=".listed").exists()


def test_every_page_is_its_own_entry(world: World) -> None:
    home()
    client = client_for(world.admin)
    client.get("/api/households/", {"limit": "1"})
    client.get("/api/households/", {"limit": "1", "offset": "1"})
    entries = AuditEntry.objects.filter(action="household.listed").order_by("id")
    assert [len(e.details["ids"]) for e in entries] == [1, 1]
    assert entries[0].details["ids"] != entries[1].details["ids"]


def test_a_page_holds_at_most_1000_records_and_the_entry_counts_what_was_sent(
        national_admin: User) -> None:
    for _n in range(3):
        home()
    Pages.max_limit, before = 2, Pages.max_limit
    try:
        body = client_for(national_admin).get("/api/households/", {"limit": "1000000"}).json()
    finally:
        Pages.max_limit = before
    assert body["count"] == 3 and len(body["results"]) == 2 and "limit=2" in body["next"]
    assert listed("household.listed").details["count"] == 2


def test_the_page_size_ceiling_is_1000(national_admin: User) -> None:
    body = client_for(national_admin).get("/api/regions/", {"limit": "1000000"}).json()
    assert len(body["results"]) == 1000 and body["count"] == 91599


def test_the_household_list_page_is_logged_and_the_export_too(world: World, make_user: Callable[..., User]) -> None:
    client = client_for(world.admin)
    assert client.get("/registry/", {"q": "siti"}).status_code == 200
    entry = listed("household.listed")
    assert entry.channel == "web" and entry.details["filter"] == {"q": "siti"}
    assert entry.details["households"] == [world.household.pk] and entry.details["people"] == [world.person.pk]
    client.get("/registry/", {"format": "csv"})
    assert AuditEntry.objects.filter(action="registry.exported").count() == 1
    assert AuditEntry.objects.filter(action="household.listed").count() == 1


def test_an_invalid_filter_on_the_page_logs_nothing(world: World) -> None:
    client_for(world.admin).get("/registry/", {"decile_min": "abc"})
    assert not AuditEntry.objects.filter(action="household.listed").exists()


def test_the_enterprise_list_page_names_the_owners(world: World, make_user: Callable[..., User]) -> None:
    world.enterprise.owner = world.person
    world.enterprise.save(update_fields=["owner"])
    client_for(make_user("analis", Role.ANALYST, "33.10")).get("/enterprises/")
    entry = listed("enterprise.listed")
    assert entry.details["ids"] == [world.enterprise.pk] and entry.details["people"] == [world.person.pk]
    assert entry.actor_username == "analis"


def test_the_cooperative_and_group_list_pages_name_no_one_and_are_not_logged(world: World) -> None:
    client = client_for(world.admin)
    assert client.get("/enterprises/cooperatives/").status_code == 200
    assert client.get("/enterprises/groups/").status_code == 200
    assert not AuditEntry.objects.filter(action__endswith=".listed").exists()
