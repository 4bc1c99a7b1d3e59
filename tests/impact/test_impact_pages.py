"""Impact analyses for people: the pages under /programmes/<pk>/impact/, the PDF, the de-identified
data and the API, each scoped to the user's region."""

import io
from typing import Any

import pytest
from django.test import TestCase
from pypdf import PdfReader

from entas.accounts.models import Agency
from entas.accounts.roles import Role
from entas.impact.models import ImpactAnalysis, Status
from tests.conftest import client_for, english_client
from tests.impact.data import Loaded, load

pytestmark = pytest.mark.django_db

KLATEN, KUPANG = "33.10", "53.01"


@pytest.fixture
def data(agency: Agency) -> Loaded:
    return load(agency, regencies={KLATEN: 12, KUPANG: 4})


def post(client: Any, url: str, data: dict[str, Any], **options: Any) -> Any:
    # The worker's part runs when the request's transaction commits (the immediate task backend);
    # the test's own transaction never does, so its on-commit callbacks are run here.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, **options)


def run(client: Any, loaded: Loaded, outcome: str = "income") -> ImpactAnalysis:
    response = post(client, f"/programmes/{loaded.programme.pk}/impact/", {"outcome": outcome})
    assert response.status_code == 302, response.content[:500]
    return ImpactAnalysis.objects.latest("id")


def test_an_officer_runs_an_analysis_and_reads_the_effect_in_indonesian(data: Loaded, make_user: Any) -> None:
    officer = make_user("klaten", Role.REGIONAL_OFFICER, KLATEN)
    client = client_for(officer)
    analysis = run(client, data)
    assert analysis.status == Status.DONE, analysis.error
    assert analysis.region_id == KLATEN
    result = analysis.result
    assert result["counts"]["enrolled_in_scope"] == data.enrolled[KLATEN]
    assert result["estimate"]["shown_low"] < 8 < result["estimate"]["shown_high"]
    page = client.get(f"/programmes/{data.programme.pk}/impact/{analysis.pk}/").content.decode()
    assert "Yang kami temukan" in page or "Dibandingkan" in page
    assert 'data-testid="event-chart"' in page and 'data-testid="balance"' in page


def test_an_analysis_reads_only_the_officers_regencies(data: Loaded, make_user: Any) -> None:
    analysis = run(client_for(make_user("klaten", Role.REGIONAL_OFFICER, KLATEN)), data)
    assert analysis.snapshot["regencies"] == [KLATEN]
    national = run(client_for(make_user("analis", Role.ANALYST)), data)
    assert national.snapshot["regencies"] == [KLATEN, KUPANG]
    assert national.result["counts"]["enrolled_in_scope"] == sum(data.enrolled.values())


def test_another_regions_officer_reaches_no_analysis_by_any_route(data: Loaded, make_user: Any) -> None:
    analysis = run(client_for(make_user("klaten", Role.REGIONAL_OFFICER, KLATEN)), data)
    kupang = client_for(make_user("kupang", Role.REGIONAL_OFFICER, KUPANG))
    base = f"/programmes/{data.programme.pk}/impact/{analysis.pk}/"
    for url in (base, base + "report.pdf", base + "data.csv", f"/api/impact-analyses/{analysis.pk}/"):
        assert kupang.get(url).status_code == 404, url
    listed = kupang.get(f"/api/programmes/{data.programme.pk}/impact/").json()
    assert listed == []
    assert f"/impact/{analysis.pk}/" not in kupang.get(f"/programmes/{data.programme.pk}/impact/").content.decode()


def test_facilitators_and_cooperative_managers_are_refused(data: Loaded, make_user: Any) -> None:
    for role in (Role.FACILITATOR, Role.COOPERATIVE_MANAGER):
        client = client_for(make_user(f"user-{role}", role, KLATEN))
        assert client.get(f"/programmes/{data.programme.pk}/impact/").status_code == 403
        assert client.post(f"/api/programmes/{data.programme.pk}/impact/", {"outcome": "income"}).status_code == 403


def test_the_pdf_states_the_finding_and_the_method(data: Loaded, make_user: Any) -> None:
    client = client_for(make_user("analis", Role.ANALYST))
    analysis = run(client, data)
    response = client.get(f"/programmes/{data.programme.pk}/impact/{analysis.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Dibandingkan" in text and "pyfixest" in text and str(analysis.seed) in text


def test_the_data_export_is_de_identified(data: Loaded, make_user: Any) -> None:
    client = client_for(make_user("analis", Role.ANALYST))
    analysis = run(client, data)
    response = client.get(f"/programmes/{data.programme.pk}/impact/{analysis.pk}/data.csv")
    lines = response.content.decode().splitlines()
    header = lines[0].split(",")
    assert header[:7] == ["family", "cluster", "regency", "enrolled", "cohort", "weight", "score"]
    assert header[-1] == f"log_income_{data.dates[-1].isoformat()}"
    assert not {"id", "village", "kk_number", "nik", "enrolled_on"} & set(header)
    assert len(lines) - 1 == analysis.result["counts"]["analysed_enrolled"] + analysis.result["counts"][
        "analysed_comparison"]
    assert "33.10." not in response.content.decode()  # no village code
    again = client.get(f"/programmes/{data.programme.pk}/impact/{analysis.pk}/data.csv")
    assert again.content == response.content


def test_the_snapshot_keeps_the_extracts_seed_and_library_versions(data: Loaded, make_user: Any) -> None:
    client = client_for(make_user("analis", Role.ANALYST))
    response = post(client, f"/api/programmes/{data.programme.pk}/impact/", {"outcome": "income", "seed": 42},
                           content_type="application/json")
    assert response.status_code == 202
    assert response.json()["seed"] == 42
    body = client.get(f"/api/impact-analyses/{response.json()['id']}/").json()
    assert body["status"] == "done" and body["seed"] == 42
    assert body["snapshot"]["extract_dates"] == [d.isoformat() for d in data.dates]
    assert {"pyfixest", "statsmodels", "numpy"} <= set(body["snapshot"]["libraries"])
    assert body["summary"]


def test_the_api_names_an_unknown_outcome(data: Loaded, make_user: Any) -> None:
    client = english_client(make_user("analis", Role.ANALYST))
    response = client.post(f"/api/programmes/{data.programme.pk}/impact/", {"outcome": "happiness"},
                           content_type="application/json")
    assert response.status_code == 400
    assert "outcome" in response.json()
    page = client.post(f"/programmes/{data.programme.pk}/impact/", {"outcome": "happiness"})
    assert page.status_code == 400 and "happiness" in page.content.decode()


def test_a_programme_with_fewer_than_30_families_gets_a_statement_not_a_number(agency: Agency,
                                                                               make_user: Any) -> None:
    small = load(agency, regencies={KLATEN: 2}, per_village=10, name="Program kecil")
    assert sum(small.enrolled.values()) < 30
    client = english_client(make_user("analis", Role.ANALYST))
    analysis = run(client, small)
    assert "estimate" not in analysis.result
    page = client.get(f"/programmes/{small.programme.pk}/impact/{analysis.pk}/").content.decode()
    assert "at least 30 are needed" in page
    assert 'data-testid="milestones"' not in page
