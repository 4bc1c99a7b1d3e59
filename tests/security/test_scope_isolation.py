"""Scope isolation of every route, generated from the URL configuration (issue 12, "Done when").

For each route of `get_resolver()` (pages, exports, the API with its nested actions, the admin of
every registered model, imports, files) and each of four roles — the regional officer of Klaten,
a facilitator of Prambanan, a cooperative manager, an API client of province 33 — the entry of
ROUTES (tests/security/routes.py) says how to probe it; tests/security/probes.py sends the
requests and checks the answers against the world of tests/security/world.py, built once for the
module. A route without an entry fails `test_every_route_has_an_isolation_test`.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.probes import Probe, Route
from tests.security.routes import ROUTES
from tests.security.world import FACILITATOR, MANAGER, OFFICER, ROLES, World, build

TABLE = "tests/security/routes.py"


def url_keys(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[str]:
    """Every route of the URL configuration: its namespaced name, or its full pattern when unnamed."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from url_keys(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield namespace + entry.name if entry.name else prefix + str(entry.pattern)


def test_every_route_has_an_isolation_test() -> None:
    missing = sorted(set(url_keys()) - set(ROUTES))
    assert not missing, "\n".join(f"route {key} has no isolation test: add it to ROUTES in {TABLE}"
                                  for key in missing)


def test_the_table_names_only_routes_that_exist() -> None:
    stale = sorted(set(ROUTES) - set(url_keys()))
    assert not stale, "\n".join(f"ROUTES in {TABLE} lists {key}, which is no longer a route: remove it"
                                for key in stale)


def cases() -> Iterator[Any]:
    for key, route in ROUTES.items():
        for role in ROLES:
            for probe in route.probes(role):
                reason = route.xfail.get(f"{role}:{probe}")
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(route, role, probe, id=f"{key}|{role}|{probe}", marks=marks)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[World, dict[str, Client]]]:
    """The world, built once inside a transaction that is rolled back after the module; each test
    runs in a savepoint inside it (pytest-django), so what a probe writes is gone after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build(Path(tmp_path_factory.mktemp("rejects")))
            clients = {}
            for role, user in built.users.items():
                clients[role] = Client(raise_request_exception=False)  # a 500 is a finding, not a crash
                clients[role].force_login(user)
            clients["api-token"] = Client(raise_request_exception=False,
                                          HTTP_AUTHORIZATION=f"Bearer {built.named['token']}")
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built, clients
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role", "probe"), list(cases()))
def test_scope_isolation(world: tuple[World, dict[str, Client]], route: Route, role: str, probe: str) -> None:
    w, clients = world
    run = Probe(w, clients, route, role)
    try:
        if probe.startswith("post-"):
            run.post(next(p for p in route.posts if f"post-{p.label}" == probe))
        else:
            getattr(run, probe)()
    finally:
        # Rolled back anyway: marking it spares the foreign-key check of the whole database that
        # Django's TestCase runs before each rollback (most of the suite's time on SQLite).
        transaction.set_rollback(True)
    if run.problems:
        pytest.fail(f"{route.name} as the {role} ({probe}):\n  " + "\n  ".join(run.problems), pytrace=False)
    if run.skipped:
        pytest.skip("; ".join(run.skipped))


# --- what the pages of places still show: narrowing people must not hide those the role may see ---

def _page(world: tuple[World, dict[str, Client]], role: str, url: str) -> str:
    response = world[1][role].get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_a_cooperative_manager_reads_his_members_and_board_and_counts_the_rest(
        world: tuple[World, dict[str, Client]]) -> None:
    body = _page(world, MANAGER, f"/enterprises/cooperatives/{world[0].named['coop'].pk}/")
    assert all(name in body for name in ("ANGGOTA-BAPAK", "PENGURUS-KOPERASI", "DAMPINGAN-ANAK"))
    assert "3310********0001" in body and "3310011203150001" not in body  # NIK masked for his role
    # Three current members, one of whom (moved to Kupang) he may not see: counted, not named.
    assert "3 anggota saat ini" in body
    assert 'data-testid="unlisted-members"' in body and "): 1</p>" in body


@pytest.mark.django_db
def test_a_facilitator_reads_her_caseload_on_the_pages_of_places(world: tuple[World, dict[str, Client]]) -> None:
    w = world[0]
    coop = _page(world, FACILITATOR, f"/enterprises/cooperatives/{w.named['coop'].pk}/")
    assert "DAMPINGAN-ANAK" in coop and "3310011203150001" in coop
    workers = _page(world, FACILITATOR, f"/enterprises/{w.named['enterprise'].pk}/")
    assert "DAMPINGAN-IBU" in workers and w.named["case_head"].nik in workers
    assert "DAMPINGAN-IBU" in _page(world, FACILITATOR, f"/enterprises/groups/{w.named['group'].pk}/")


@pytest.mark.django_db
def test_the_officer_reads_an_owner_of_her_region_but_not_one_who_lives_in_kupang(
        world: tuple[World, dict[str, Client]]) -> None:
    w = world[0]
    neighbour = _page(world, OFFICER, f"/enterprises/{w.named['other_enterprise'].pk}/")
    assert "RAHASIA-TETANGGA-IBU" in neighbour and w.named["neighbour"].nik in neighbour
    assert f"/registry/households/{w.named['neighbour_home'].pk}/" in neighbour and "desil 1" in neighbour
    kupang = _page(world, OFFICER, f"/enterprises/{w.named['enterprise'].pk}/")
    assert "5301********0002" in kupang and "tidak ada di registri" not in kupang
