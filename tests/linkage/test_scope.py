"""Who sees which pairs: both ends inside the reviewer's region, or the national queue."""

import json

import pytest

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.linkage import queries, services
from entas.linkage.models import Decision, Link, LinkDecision, Source
from tests.conftest import client_for
from tests.linkage.conftest import World

pytestmark = pytest.mark.django_db


def denials(user: User) -> int:
    return AuditEntry.objects.filter(action="scope.denied", actor=user).count()


def test_a_pair_whose_best_candidate_lies_outside_the_reviewers_region_goes_to_the_national_queue(
        linked: World) -> None:
    officer, analyst = linked.users["klaten"], linked.users["analis"]
    crossing = linked.crossing_pairs().first()
    assert crossing is not None
    # Not in the officer's queue, nor reachable by its address; she learns only how many there are.
    assert not queries.queue(officer).filter(pk=crossing.pk).exists()
    assert queries.outside_count(officer) == linked.crossing_pairs().count()
    client = client_for(officer)
    before = denials(officer)
    assert client.get(f"/linkage/review/?pair={crossing.pk}").status_code == 404
    assert denials(officer) == before + 1
    page = client.get("/linkage/review/").content.decode()
    assert crossing.person.full_name not in page and crossing.person.nik not in page
    assert 'data-testid="outside-count"' in page
    assert client.get("/linkage/review/national/").status_code == 403
    assert client.post(f"/linkage/review/{crossing.pk}/decide/", {"decision": "accepted"}).status_code == 404
    assert client.post(f"/linkage/review/{crossing.pk}/decide/",
                       {"decision": "accepted", "queue": "national"}).status_code == 403
    with pytest.raises(services.LinkageRefused):
        services.decide(officer, crossing, Decision.ACCEPTED)
    assert not Link.objects.filter(candidate=crossing).exists()
    # The national analyst finds it in the national queue, and decides it there.
    assert queries.queue(analyst, national=True).filter(pk=crossing.pk).exists()
    assert not queries.queue(analyst).filter(pk=crossing.pk).exists()
    national = client_for(analyst).get(f"/linkage/review/national/?pair={crossing.pk}")
    assert national.status_code == 200 and crossing.person.full_name in national.content.decode()
    client_for(analyst).post(f"/linkage/review/{crossing.pk}/decide/", {"decision": "rejected", "queue": "national"})
    assert LinkDecision.objects.filter(candidate=crossing, is_match=False, decided_by=analyst).exists()


def test_an_officer_of_one_kabupaten_cannot_reach_anothers_pairs_by_page_api_or_job(linked: World) -> None:
    kupang = linked.users["kupang"]
    pair = linked.klaten_pairs().first()
    link = Link.objects.filter(job=linked.job, undone_at__isnull=True, record_region__startswith="33.10.").first()
    assert pair is not None and link is not None
    client = client_for(kupang)
    before = denials(kupang)
    # Pages: the queue lists none of Klaten's pairs, the pair, its decision and the link answer 404.
    assert not queries.queue(kupang).filter(pk=pair.pk).exists()
    assert pair.person.full_name not in client.get("/linkage/review/").content.decode()
    assert client.get(f"/linkage/review/?pair={pair.pk}").status_code == 404
    assert client.post(f"/linkage/review/{pair.pk}/decide/", {"decision": "accepted"}).status_code == 404
    assert client.post(f"/linkage/links/{link.pk}/undo/").status_code == 404
    assert link.person.full_name not in client.get("/linkage/links/").content.decode()
    # The national job is not hers either.
    assert client.get(f"/linkage/jobs/{linked.job.pk}/").status_code == 404
    assert client.get(f"/linkage/files/{linked.upload.pk}/").status_code == 404
    # The API: the same.
    assert client.get(f"/api/link-candidates/{pair.pk}/").status_code == 404
    assert client.post(f"/api/link-candidates/{pair.pk}/decision/", json.dumps({"decision": "accepted"}),
                       content_type="application/json").status_code == 404
    assert client.post(f"/api/links/{link.pk}/undo/").status_code == 404
    assert client.get(f"/api/link-jobs/{linked.job.pk}/candidates/").status_code == 404
    listed = json.loads(client.get("/api/link-candidates/").content)
    assert pair.pk not in [row["id"] for row in listed["results"]]
    # A job: she cannot link Klaten's file, and her own jobs see only Kupang.
    with pytest.raises(services.LinkageRefused):
        services.start_job(kupang, Source.AGENCY_FILE, linked.upload)
    answer = client.post("/api/link-jobs/", json.dumps({"source": "agency_file", "upload": linked.upload.pk}),
                         content_type="application/json")
    assert answer.status_code == 400
    assert denials(kupang) >= before + 8
    assert not Link.objects.filter(undone_by=kupang).exists()
    assert not LinkDecision.objects.filter(decided_by=kupang).exists()


def test_the_klaten_officer_reviews_the_pairs_inside_klaten(linked: World) -> None:
    officer = linked.users["klaten"]
    inside = set(linked.klaten_pairs().values_list("pk", flat=True))
    assert set(queries.queue(officer).values_list("pk", flat=True)) == inside
    pair = linked.klaten_pairs().first()
    assert pair is not None
    services.decide(officer, pair, Decision.ACCEPTED)
    assert Link.objects.filter(candidate=pair, undone_at__isnull=True).exists()


def test_a_national_pair_decided_already_says_by_whom(linked: World) -> None:
    from django.utils import translation

    crossing = linked.crossing_pairs().first()
    assert crossing is not None
    services.decide(linked.users["analis"], crossing, Decision.REJECTED)
    client = client_for(linked.users["nasional"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        answer = client.post(f"/linkage/review/{crossing.pk}/decide/", {"decision": "accepted", "queue": "national"},
                             follow=True)
    assert "already rejected by Analis Uji" in answer.content.decode()
