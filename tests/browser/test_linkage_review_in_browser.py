"""A reviewer works through the review queue with the keyboard: she presses the accept shortcut and
the next pair appears; the record is linked to the person she accepted."""

import pytest
from playwright.sync_api import Page, expect

from entas.accounts.models import User
from entas.linkage.models import AgencyRecord, AgencyUpload, Link, LinkCandidate, LinkJob
from tests.browser.test_overview_in_browser import log_in
from tests.linkage.factories import registry, village_of

pytestmark = pytest.mark.browser
WEIGHTS = {"nik": 0.0, "name": 7.9, "birth_date": 4.4, "sex": 0.8, "place": 1.2}


def two_pairs(officer: User) -> list[LinkCandidate]:
    """Two pairs waiting in Klaten, as a link job leaves them (made directly: the engine has its own tests)."""
    people = [p for p in registry(12, seed=3) if village_of(p).startswith("33.10.")][:2]
    upload = AgencyUpload.objects.create(name="Berkas mitra", file_name="mitra.csv", rows=2, region="33.10",
                                         uploaded_by=officer)
    job = LinkJob.objects.create(source="agency_file", upload=upload, scope="33.10", status="done", upper=0.95,
                                 lower=0.3, margin=2.0, started_by=officer, review=2)
    pairs = []
    for order, person in enumerate(people, start=1):
        record = AgencyRecord.objects.create(upload=upload, row=order + 1, record_key=f"M{order}",
                                             name=person.full_name.upper(), region=village_of(person))
        pairs.append(LinkCandidate.objects.create(
            job=job, source="agency_file", record_id=str(record.pk), person=person, probability=0.9,
            match_weight=3.2, weights=WEIGHTS, given={"name": record.name, "village_code": village_of(person)},
            band="review", ask_order=order, record_region=village_of(person), person_region=village_of(person)))
    return pairs


def test_the_reviewer_presses_the_accept_shortcut_and_the_next_pair_appears(page: Page,
                                                                          klaten_officer: User) -> None:
    first, second = two_pairs(klaten_officer)
    log_in(page, "klaten")
    page.goto("/linkage/review/")
    pair = page.get_by_test_id("pair")
    expect(pair).to_have_attribute("data-pair", str(first.pk))
    expect(page.get_by_text("A atau Y menerima")).to_be_visible()
    page.keyboard.press("a")
    expect(page.get_by_test_id("pair")).to_have_attribute("data-pair", str(second.pk))
    link = Link.objects.get(candidate=first)
    assert link.method == "review" and link.person_id == first.person_id
    assert AgencyRecord.objects.get(pk=int(first.record_id)).person_id == first.person_id
    # "n" rejects the second: the queue is empty.
    page.keyboard.press("n")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()


def test_the_linkage_pages_speak_indonesian_and_pass_axe(page: Page, klaten_officer: User) -> None:
    from tests.browser.test_no_english_in_indonesian_pages import english_lines, serious_violations

    first, _second = two_pairs(klaten_officer)
    log_in(page, "klaten")
    found = {}
    for url in ("/linkage/", "/linkage/review/", "/linkage/links/", "/linkage/upload/",
                f"/linkage/jobs/{first.job_id}/", f"/linkage/files/{first.job.upload_id}/"):
        page.goto(url)
        problems = english_lines(page.locator("main").inner_text()) + serious_violations(page)
        if problems:
            found[url] = problems
    assert not found, found
