"""The clerical review: one pair at a time, decisions audited, a pair decided once, skip to the end,
undo a link."""

import pytest
from django.test import Client
from django.utils import translation

from entas.core.models import AuditEntry
from entas.linkage import queries, services
from entas.linkage.models import AgencyRecord, Decision, Link, LinkCandidate, LinkDecision, Method
from tests.conftest import client_for, english_client
from tests.linkage.conftest import World

pytestmark = pytest.mark.django_db


def first_pair(linked: World, username: str = "klaten") -> LinkCandidate:
    pair = queries.queue(linked.users[username]).first()
    assert pair is not None
    return pair


def test_accepting_a_pair_links_the_record_and_is_audited(linked: World) -> None:
    officer = linked.users["klaten"]
    pair = first_pair(linked)
    services.decide(officer, pair, Decision.ACCEPTED)
    link = Link.objects.get(candidate=pair, undone_at__isnull=True)
    assert link.method == Method.REVIEW and link.created_by == officer and link.person_id == pair.person_id
    assert AgencyRecord.objects.get(pk=int(pair.record_id)).person_id == pair.person_id
    assert LinkDecision.objects.get(candidate=pair).is_match
    entry = AuditEntry.objects.get(action="link.accepted", object_id=str(link.pk))
    assert entry.actor == officer and entry.details["record_id"] == pair.record_id
    linked.job.refresh_from_db()
    assert linked.job.by_review == 1
    # The next pair of the queue is another one.
    assert queries.queue(officer).first() != pair


def test_it_refuses_a_decision_already_made_by_someone_else(linked: World) -> None:
    pair = first_pair(linked)
    services.decide(linked.users["klaten"], pair, Decision.REJECTED)
    links = Link.objects.count()
    with translation.override("en"), pytest.raises(services.LinkageRefused) as refusal:
        services.decide(linked.users["klaten-dua"], pair, Decision.ACCEPTED)
    assert refusal.value.message.startswith("This pair was already rejected by Klaten Uji on ")
    assert Link.objects.count() == links and LinkDecision.objects.filter(candidate=pair).count() == 1
    # The same on the page: a message naming who decided, nothing written.
    answer = english_client(linked.users["klaten-dua"]).post(f"/linkage/review/{pair.pk}/decide/",
                                                             {"decision": "accepted"}, follow=True)
    assert "already rejected by Klaten Uji" in answer.content.decode()
    assert Link.objects.count() == links


def test_a_record_already_linked_cannot_be_linked_to_a_second_person(linked: World, english: None) -> None:
    pair = first_pair(linked)
    other = LinkCandidate.objects.create(
        job=pair.job, source=pair.source, record_id=pair.record_id, person=linked.people[0], probability=0.9,
        match_weight=3.0, band="review", record_region=pair.record_region, person_region=pair.person_region)
    services.decide(linked.users["klaten"], pair, Decision.ACCEPTED)
    other.refresh_from_db()
    assert other.superseded  # moot once the record has its person
    other.superseded = False
    other.save()
    with pytest.raises(services.LinkageRefused, match="already linked"):
        services.decide(linked.users["klaten"], other, Decision.ACCEPTED)


def test_skipping_moves_the_pair_to_the_end_of_the_queue(linked: World) -> None:
    officer = linked.users["klaten"]
    order = list(queries.queue(officer).values_list("pk", flat=True))
    services.decide(officer, LinkCandidate.objects.get(pk=order[0]), Decision.SKIPPED)
    assert list(queries.queue(officer).values_list("pk", flat=True)) == order[1:] + order[:1]
    assert not Link.objects.filter(candidate_id=order[0]).exists()
    assert not LinkDecision.objects.filter(candidate_id=order[0]).exists()


def test_undo_is_audited_and_the_record_loses_its_person(linked: World, english: None) -> None:
    officer = linked.users["klaten"]
    pair = first_pair(linked)
    services.decide(officer, pair, Decision.ACCEPTED)
    link = Link.objects.get(candidate=pair)
    answer = client_for(officer).post(f"/linkage/links/{link.pk}/undo/", {"back": "links"})
    assert answer.status_code == 302 and answer["Location"] == "/linkage/links/"
    link.refresh_from_db()
    assert link.undone_at is not None and link.undone_by == officer
    assert AgencyRecord.objects.get(pk=int(pair.record_id)).person_id is None
    entry = AuditEntry.objects.get(action="link.undone", object_id=str(link.pk))
    assert entry.actor == officer and entry.details["person"] == pair.person_id
    # The accept no longer counts; the pair is remembered as not a match.
    labels = LinkDecision.objects.filter(record_id=pair.record_id, person=pair.person_id)
    assert labels.get(is_match=True).undone_at is not None
    assert labels.get(is_match=False).undone_at is None
    with translation.override("en"), pytest.raises(services.LinkageRefused, match="already undone"):
        services.undo_link(officer, link)


def test_an_exact_nik_link_can_be_undone_from_the_job_page(linked: World) -> None:
    admin = linked.users["nasional"]
    link = Link.objects.filter(job=linked.job, method=Method.EXACT_NIK, undone_at__isnull=True).first()
    assert link is not None
    answer = client_for(admin).post(f"/linkage/links/{link.pk}/undo/", {"back": "job"})
    assert answer["Location"] == f"/linkage/jobs/{linked.job.pk}/"
    assert AgencyRecord.objects.get(pk=int(link.record_id)).person_id is None


def test_the_review_page_shows_one_pair_side_by_side_with_its_weights(linked: World) -> None:
    officer = linked.users["klaten"]
    pair = first_pair(linked)
    page = client_for(officer).get("/linkage/review/")
    body = page.content.decode()
    assert page.status_code == 200 and f'data-pair="{pair.pk}"' in body
    assert pair.person.full_name in body and pair.given["name"] in body
    for comparison in ("nik", "name", "birth_date", "sex", "place"):
        assert f'data-testid="weight-{comparison}"' in body
    assert 'data-key="a y"' in body and "linkage/review.js" in body
    assert "A atau Y menerima" in body  # the shortcuts are said on the page, in Bahasa Indonesia
    assert AuditEntry.objects.filter(action="link_candidate.viewed", object_id=str(pair.pk), actor=officer).exists()


def test_deciding_on_the_page_shows_the_next_pair(linked: World) -> None:
    officer = linked.users["klaten"]
    client: Client = client_for(officer)
    order = list(queries.queue(officer).values_list("pk", flat=True)[:2])
    answer = client.post(f"/linkage/review/{order[0]}/decide/", {"decision": "accepted"}, follow=True)
    assert f'data-pair="{order[1]}"' in answer.content.decode()


def test_the_nik_is_masked_for_a_role_that_does_not_see_it_in_full(linked: World) -> None:
    pair = queries.queue(linked.users["analis"]).first()
    assert pair is not None
    body = client_for(linked.users["analis"]).get("/linkage/review/").content.decode()
    assert pair.person.nik not in body and pair.person.nik[:4] + "********" + pair.person.nik[-4:] in body
    officer_body = client_for(linked.users["nasional"]).get(f"/linkage/review/?pair={pair.pk}").content.decode()
    assert pair.person.nik in officer_body


def test_roles_that_do_not_link_are_refused(linked: World) -> None:
    for username in ("pendamping", "klien"):
        client = client_for(linked.users[username])
        for url in ("/linkage/", "/linkage/review/", "/linkage/links/", f"/linkage/jobs/{linked.job.pk}/"):
            assert client.get(url).status_code == 403, (username, url)
