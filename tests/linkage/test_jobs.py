"""Link jobs: what a run links by exact NIK, by the model and leaves for review; refusals to start;
a second run that keeps the decisions; failures said and written nowhere."""

from datetime import date

import polars as pl
import pytest

from entas.core.models import AuditEntry
from entas.ingest.models import ImportBatch
from entas.linkage import services
from entas.linkage.models import (
    AgencyRecord,
    AgencyUpload,
    Decision,
    JobStatus,
    Link,
    LinkCandidate,
    LinkDecision,
    LinkJob,
    Method,
    Source,
)
from tests.linkage.conftest import THRESHOLDS, World
from tests.linkage.factories import village_of

pytestmark = pytest.mark.django_db


def test_a_job_links_by_exact_nik_by_the_model_and_asks_about_the_rest(linked: World) -> None:
    job = linked.job
    assert job.status == JobStatus.DONE and job.share == 1.0 and job.finished_at is not None
    assert job.exact_nik > 0 and job.by_model > 0 and job.review > 0
    assert job.records == linked.upload.rows and job.people == 300
    current = Link.objects.filter(job=job, undone_at__isnull=True)
    assert current.filter(method=Method.EXACT_NIK).count() == job.exact_nik
    assert current.filter(method=Method.MODEL).count() == job.by_model
    # Every link set the person on its agency record, with how it was made.
    for link in current:
        record = AgencyRecord.objects.get(pk=int(link.record_id))
        assert record.person_id == link.person_id and record.link_method == link.method
    # Pairs to review carry the record as given, the weight of each comparison and the order to ask.
    pairs = linked.pairs()
    assert pairs.count() == job.review
    assert sorted(pairs.values_list("ask_order", flat=True)) == list(range(1, job.review + 1))
    first = pairs.order_by("ask_order").first()
    assert first is not None and first.given["name"] and set(first.weights) == {"nik", "name", "birth_date", "sex",
                                                                                "place"}
    # The report says what the engine estimated.
    assert job.report["precision_model"] is not None and "suggested_upper" in job.report
    done = AuditEntry.objects.get(action="link_job.done", object_id=str(job.pk))
    assert done.details["exact_nik"] == job.exact_nik


def test_one_record_is_linked_to_at_most_one_person(linked: World) -> None:
    linked_records = list(Link.objects.filter(undone_at__isnull=True).values_list("source", "record_id"))
    assert len(linked_records) == len(set(linked_records))
    assert not LinkCandidate.objects.filter(job=linked.job, band="review",
                                            record_id__in=[r for _, r in linked_records]).exists()


def test_exact_nik_does_not_link_a_woman_carrying_her_twin_brothers_nik() -> None:
    brother = "3310011205900001"  # day 12: a man's NIK
    a = pl.DataFrame({"record_id": ["1", "2"], "nik": [brother, "3310015205900002"], "name": ["Joko", "Siti"],
                      "sex": ["L", "P"]})
    b = pl.DataFrame({"record_id": ["x", "y", "z", "w"],
                      "nik": [brother, brother, "3310 0112 0590 0001", brother],
                      "name": ["Siti", "Joko", "Joko S.", "Siti"], "sex": ["P", "L", None, None]})
    found = dict(services.exact_nik(a, b).iter_rows())
    # x: her record says P against his L; w: no sex, and the name shares nothing with his.
    assert found == {"y": "1", "z": "1"}


def test_it_refuses_a_link_job_while_an_import_of_the_same_source_runs(linked: World, english: None) -> None:
    ImportBatch.objects.create(target="kumkm-people", kind="memberships", file_name="anggota.csv",
                               status=ImportBatch.Status.RUNNING)
    before = LinkJob.objects.count()
    with pytest.raises(services.LinkageRefused, match="import"):
        services.start_job(linked.users["klaten"], Source.COOPERATIVE_MEMBERS)
    with pytest.raises(services.LinkageRefused, match="import"):
        services.start_job(linked.users["klaten"], Source.JOB_HOLDERS)
    assert LinkJob.objects.count() == before
    # Enterprise owners come from another import target: that job may start.
    assert services.start_job(linked.users["klaten"], Source.ENTERPRISE_OWNERS, enqueue=False).status == "queued"


def test_it_refuses_a_second_job_of_the_same_source_for_an_overlapping_region(linked: World) -> None:
    first = services.start_job(linked.users["klaten"], Source.ENTERPRISE_OWNERS, enqueue=False)
    with pytest.raises(services.LinkageRefused) as refusal:
        services.start_job(linked.users["nasional"], Source.ENTERPRISE_OWNERS, enqueue=False)
    assert str(first.pk) in refusal.value.message and "Klaten" in refusal.value.message
    # Another regency is another region.
    assert services.start_job(linked.users["kupang"], Source.ENTERPRISE_OWNERS, enqueue=False).scope == "53.01"


def test_roles_that_do_not_link_cannot_start_a_job(linked: World) -> None:
    for username in ("pendamping", "klien"):
        with pytest.raises(services.LinkageRefused):
            services.start_job(linked.users[username], Source.AGENCY_FILE, linked.upload)


def test_an_officer_cannot_link_an_agency_file_of_another_region(linked: World, english: None) -> None:
    with pytest.raises(services.LinkageRefused, match="another region"):
        services.start_job(linked.users["kupang"], Source.AGENCY_FILE, linked.upload)


def test_a_failed_job_says_why_and_writes_no_link(linked: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine out of memory")

    monkeypatch.setattr(services, "link", broken)
    links = Link.objects.count()
    job = services.start_job(linked.users["nasional"], Source.AGENCY_FILE, linked.upload, enqueue=False)
    job = services.run_job(job.pk)
    assert job.status == JobStatus.FAILED and "engine out of memory" in job.error
    assert Link.objects.count() == links
    assert AuditEntry.objects.filter(action="link_job.failed", object_id=str(job.pk)).exists()


def test_a_second_run_keeps_decisions_and_does_not_ask_them_again(linked: World) -> None:
    officer = linked.users["klaten"]
    accepted, rejected, waiting = list(linked.klaten_pairs().order_by("ask_order")[:3])
    services.decide(officer, accepted, Decision.ACCEPTED)
    services.decide(officer, rejected, Decision.REJECTED)
    # A new DTSEN extract arrives: the same file is linked again.
    again = services.start_job(linked.users["nasional"], Source.AGENCY_FILE, linked.upload, thresholds=THRESHOLDS,
                               enqueue=False)
    again = services.run_job(again.pk)
    assert again.status == JobStatus.DONE, again.error
    asked = LinkCandidate.objects.filter(job=again, band="review")
    # The accepted record stays linked and is not asked; the rejected pair is never asked again.
    assert Link.objects.filter(record_id=accepted.record_id, undone_at__isnull=True, method="review").exists()
    assert not asked.filter(record_id=accepted.record_id).exists()
    assert not asked.filter(record_id=rejected.record_id, person=rejected.person_id).exists()
    assert not Link.objects.filter(record_id=rejected.record_id, person=rejected.person_id).exists()
    # Both decisions were labels of the run; the undecided pair moved to the new job.
    assert again.report["labels_available"] == 2
    waiting.refresh_from_db()
    assert waiting.superseded
    assert asked.filter(record_id=waiting.record_id).exists()
    assert LinkDecision.objects.filter(undone_at__isnull=True).count() == 2


def test_a_record_linked_before_the_job_is_counted_as_exact_nik_and_not_asked(linked: World) -> None:
    pair = linked.klaten_pairs().order_by("ask_order").first()
    assert pair is not None
    AgencyRecord.objects.filter(pk=int(pair.record_id)).update(person=pair.person, link_method="exact_nik")
    again = services.run_job(services.start_job(None, Source.AGENCY_FILE, linked.upload, thresholds=THRESHOLDS,
                                                enqueue=False).pk)
    assert again.report["already_linked"] >= 1
    made = Link.objects.get(record_id=pair.record_id, undone_at__isnull=True)
    assert made.method == Method.EXACT_NIK and made.job == again and made.person_id == pair.person_id
    assert not LinkCandidate.objects.filter(job=again, record_id=pair.record_id).exists()


def test_the_job_page_reports_the_counts(linked: World) -> None:
    from tests.conftest import client_for

    page = client_for(linked.users["nasional"]).get(f"/linkage/jobs/{linked.job.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="exact-nik">' + str(linked.job.exact_nik) in body
    assert 'data-testid="report"' in body
    polled = client_for(linked.users["nasional"]).get(f"/linkage/jobs/{linked.job.pk}/", headers={"HX-Request": "1"})
    assert polled.status_code == 200 and b"job-status" in polled.content and b"<html" not in polled.content


def test_a_job_and_a_file_nobody_started_are_shown_as_the_systems(linked: World) -> None:
    """The demo's job and a file whose uploader was deleted have no user (SET_NULL)."""
    from tests.conftest import english_client

    LinkJob.objects.filter(pk=linked.job.pk).update(started_by=None)
    AgencyUpload.objects.filter(pk=linked.upload.pk).update(uploaded_by=None)
    client = english_client(linked.users["nasional"])
    for path in ("/linkage/", f"/linkage/files/{linked.upload.pk}/"):
        page = client.get(path)
        assert page.status_code == 200 and b"the system" in page.content, path


def test_the_linkage_page_starts_a_job_in_the_background(linked: World, django_capture_on_commit_callbacks: object
                                                          ) -> None:
    from tests.conftest import client_for

    client = client_for(linked.users["nasional"])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        answer = client.post("/linkage/", {"source": "agency_file", "upload": linked.upload.pk, "upper": "0.999",
                                           "lower": "0.3"})
    job = LinkJob.objects.order_by("-id").first()
    assert job is not None and answer.status_code == 302 and answer["Location"] == f"/linkage/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE  # the test settings run tasks inline
    assert date.today() >= job.created_at.date()


def test_cooperative_members_get_their_person_and_lose_it_when_the_link_is_undone(linked: World) -> None:
    from entas.enterprises.models import Membership
    from tests.enterprises.factories import cooperative

    officer = linked.users["klaten"]
    coop = cooperative("Koperasi Merah Putih Sengon", "33.10.01.2001")
    klaten = [p for p in linked.people if village_of(p).startswith("33.10.")][:20]
    members = []
    for i, person in enumerate(klaten):
        # Half with their NIK as on the KTP, half with the NIK lost and the name in capitals.
        nik = person.nik if i % 2 == 0 else ""
        members.append(Membership.objects.create(
            cooperative=coop, person=None, joined=date(2025, 1, 6), given_name=person.full_name.upper(),
            given_nik=nik, given_key=nik or person.full_name.upper(),
            given_birth_date=person.birth_date.strftime("%d-%m-%Y") if person.birth_date else "",
            given_sex=person.sex or "", given_village=village_of(person)))
    job = services.run_job(services.start_job(officer, Source.COOPERATIVE_MEMBERS, thresholds=THRESHOLDS,
                                              enqueue=False).pk)
    assert job.status == JobStatus.DONE, job.error
    assert job.scope == "33.10" and job.records == 20 and job.exact_nik == 10
    for membership, person in zip(members, klaten, strict=True):
        membership.refresh_from_db()
        link = Link.objects.filter(source=Source.COOPERATIVE_MEMBERS, record_id=str(membership.pk),
                                   undone_at__isnull=True).first()
        if link is not None:  # linked by NIK or by the model: the membership names the person now
            assert membership.person_id == link.person_id == person.pk
    first = Link.objects.get(source=Source.COOPERATIVE_MEMBERS, record_id=str(members[0].pk))
    assert first.method == Method.EXACT_NIK
    services.undo_link(officer, first)
    members[0].refresh_from_db()
    assert members[0].person_id is None and members[0].given_name == klaten[0].full_name.upper()
    assert AuditEntry.objects.filter(action="link.undone", object_id=str(first.pk), actor=officer).exists()


def test_the_command_runs_a_job_and_prints_its_report(linked: World) -> None:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("link", "agency", "--upload", str(linked.upload.pk), "--upper", "0.999", "--no-progress",
                 stdout=out)
    text = out.getvalue()
    job = LinkJob.objects.order_by("-id").first()
    assert job is not None and job.status == JobStatus.DONE and job.scope is None and job.started_by is None
    assert f"link job {job.pk}" in text and "linked by exact NIK" in text and "source record(s)" in text
    out = io.StringIO()
    call_command("link", "job-holders", "--region", "33.10", "--no-progress", stdout=out)
    assert "link job" in out.getvalue()
    with pytest.raises(CommandError, match="no such agency file"):
        call_command("link", "agency", "--upload", "999999", "--no-progress")
    with pytest.raises(CommandError, match="not a Kemendagri region"):
        call_command("link", "job-holders", "--region", "99.99", "--no-progress")


def test_the_jobs_table_polls_itself_while_a_job_runs(linked: World) -> None:
    from tests.conftest import client_for

    queued = services.start_job(linked.users["nasional"], Source.AGENCY_FILE, linked.upload, enqueue=False)
    client = client_for(linked.users["nasional"])
    page = client.get("/linkage/").content.decode()
    assert 'hx-trigger="every 2s"' in page and f'href="/linkage/jobs/{queued.pk}/"' in page
    part = client.get("/linkage/", headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<section class="card table-card" id="jobs"') and "<html" not in part
    services.run_job(queued.pk)
    assert 'hx-trigger="every 2s"' not in client.get("/linkage/", headers={"HX-Request": "true"}).content.decode()


def test_the_dashboard_says_how_the_links_were_made(linked: World) -> None:
    from tests.conftest import client_for

    job = linked.job
    body = client_for(linked.users["klaten"]).get("/dashboard/33.10/").content.decode()
    inside = Link.objects.filter(job=job, undone_at__isnull=True, record_region__startswith="33.10.")
    exact = inside.filter(method=Method.EXACT_NIK).count()
    assert exact and f'data-testid="links-exact_nik">{exact}<' in body
    assert f'data-testid="links-model">{inside.filter(method=Method.MODEL).count()}<' in body
    assert "Rekaman instansi yang ditautkan dengan orang di registri" in body
