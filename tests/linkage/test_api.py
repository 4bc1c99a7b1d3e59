"""The linkage API: jobs, the review pairs, decisions and links, scoped and masked like the pages."""

import json
from typing import Any

import pytest
from django.test import Client

from entas.core.models import AuditEntry
from entas.linkage import queries
from entas.linkage.models import Link, LinkJob
from tests.conftest import client_for
from tests.linkage.conftest import World

pytestmark = pytest.mark.django_db


def get(client: Client, url: str, **params: Any) -> Any:
    answer = client.get(url, params)
    assert answer.status_code == 200, answer.content
    return json.loads(answer.content)


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_jobs_are_listed_and_started(linked: World) -> None:
    admin = client_for(linked.users["nasional"])
    listed = get(admin, "/api/link-jobs/")
    assert linked.job.pk in [row["id"] for row in listed["results"]]
    assert get(client_for(linked.users["klaten"]), "/api/link-jobs/")["results"] == []  # national job
    answer = post(client_for(linked.users["klaten"]), "/api/link-jobs/", {"source": "enterprise_owners"})
    started = json.loads(answer.content)
    assert answer.status_code == 201 and started["scope"] == "33.10"
    again = post(client_for(linked.users["klaten"]), "/api/link-jobs/", {"source": "enterprise_owners"})
    assert again.status_code == 400 and str(started["id"]) in json.loads(again.content)["detail"][0]
    assert post(admin, "/api/link-jobs/", {"source": "agency_file"}).status_code == 400
    assert post(admin, "/api/link-jobs/", {"source": "nothing"}).status_code == 400
    assert LinkJob.objects.filter(source="agency_file").count() == 1


def test_a_jobs_candidates_are_paginated_and_audited(linked: World) -> None:
    officer = linked.users["klaten"]
    client = client_for(linked.users["nasional"])
    page = get(client, f"/api/link-jobs/{linked.job.pk}/candidates/", limit=5)
    assert page["count"] == linked.job.review and len(page["results"]) == 5
    assert [row["ask_order"] for row in page["results"]] == [1, 2, 3, 4, 5]
    row = page["results"][0]
    assert set(row["weights"]) == {"nik", "name", "birth_date", "sex", "place"} and row["person"]["full_name"]
    entry = AuditEntry.objects.filter(action="linkcandidate.listed").latest("id")
    assert entry.details["people"] == sorted({r["person"]["id"] for r in page["results"]})
    # The regional queue of the Klaten officer holds only her pairs.
    queue = get(client_for(officer), "/api/link-candidates/")
    assert {r["id"] for r in queue["results"]} == set(linked.klaten_pairs().values_list("pk", flat=True))


def test_the_nik_is_masked_for_the_analyst(linked: World) -> None:
    analyst = client_for(linked.users["analis"])
    rows = get(analyst, "/api/link-candidates/", queue="national")["results"]
    assert rows and all("********" in row["person"]["nik"] for row in rows)
    full = get(client_for(linked.users["nasional"]), "/api/link-candidates/", queue="national")["results"]
    assert all("*" not in row["person"]["nik"] for row in full)
    assert client_for(linked.users["klaten"]).get("/api/link-candidates/", {"queue": "national"}).status_code == 403


def test_a_decision_is_posted_and_a_link_undone(linked: World) -> None:
    officer = client_for(linked.users["klaten"])
    pair = queries.queue(linked.users["klaten"]).first()
    assert pair is not None
    answer = post(officer, f"/api/link-candidates/{pair.pk}/decision/", {"decision": "accepted"})
    assert answer.status_code == 200 and json.loads(answer.content)["decision"] == "accepted"
    again = post(client_for(linked.users["klaten-dua"]), f"/api/link-candidates/{pair.pk}/decision/",
                 {"decision": "rejected"})
    assert again.status_code == 400 and "Klaten Uji" in json.loads(again.content)["detail"][0]
    assert post(officer, f"/api/link-candidates/{pair.pk}/decision/", {"decision": "maybe"}).status_code == 400
    link = Link.objects.get(candidate=pair)
    links = get(officer, "/api/links/", method="review")["results"]
    assert [row["id"] for row in links] == [link.pk]
    undone = post(officer, f"/api/links/{link.pk}/undo/")
    assert undone.status_code == 200 and json.loads(undone.content)["undone_at"]
    assert get(officer, "/api/links/", method="review")["results"] == []
    assert get(officer, "/api/links/", method="review", current="false")["results"][0]["id"] == link.pk


def test_roles_that_do_not_link_are_refused_and_anonymous_callers_told_to_sign_in(linked: World) -> None:
    for username in ("pendamping", "klien"):
        client = client_for(linked.users[username])
        for url in ("/api/link-jobs/", "/api/link-candidates/", "/api/links/"):
            assert client.get(url).status_code == 403, (username, url)
    assert Client().get("/api/links/").status_code == 401
