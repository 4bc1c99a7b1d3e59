"""The rule-set pages (draft as a formset, preview, activate) and the poverty-line page (read by
everyone, entered or uploaded by a national administrator)."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.graduation import rules
from entas.graduation.interventions import record_visit
from entas.graduation.models import Enrolment, PovertyLine, RuleSet, RuleSetStatus, Status
from entas.ingest.models import ImportBatch
from entas.programmes.models import Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE

pytestmark = pytest.mark.django_db


def rows(*criteria: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"c-TOTAL_FORMS": str(len(criteria) + 1), "c-INITIAL_FORMS": "0",
                            "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "20", "note": "v1"}
    for i, row in enumerate(criteria):
        defaults = {"operator": ">=", "unit": "", "essential": "on", "condition_operator": ">"}
        data.update({f"c-{i}-{k}": v for k, v in (defaults | row).items() if v is not None})
    return data


INCOME = {"field": "per_capita_income", "threshold": "1", "unit": "poverty_line"}
BUSINESS = {"field": "business_months", "threshold": "6", "condition_field": "business_months",
            "condition_value": "0"}


def test_an_administrator_drafts_previews_and_activates_a_version(prog: Programme, national_admin: User) -> None:
    rules.set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 3, 1), amount=500_000)
    for income in (600_000, 400_000):
        enrolment = enrol(prog)
        record_visit(None, enrolment, on=datetime.date(2025, 8, 1), assessment={"per_capita_income": income})
    Enrolment.objects.update(status=Status.ACTIVE)
    client = client_for(national_admin)
    assert b'data-testid="rule-sets"' in client.get(f"/programmes/{prog.pk}/").content
    response = client.post(f"/programmes/{prog.pk}/rules/new/", rows(INCOME, BUSINESS))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = RuleSet.objects.get()
    assert response["Location"] == f"/programmes/{prog.pk}/rules/{draft.version}/?preview=1"
    page = client.get(response["Location"])
    assert page.context["preview"]["essentials_met"] == 1 and page.context["preview"]["enrolments"] == 2
    assert client.post(f"/programmes/{prog.pk}/rules/1/activate/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.ACTIVE and draft.activated_by == national_admin
    listing = client.get(f"/programmes/{prog.pk}/rules/").content.decode()
    assert "v1" in listing
    # A new draft starts as a copy of the active version.
    form = client.get(f"/programmes/{prog.pk}/rules/new/")
    assert form.context["formset"].initial[1]["condition_field"] == "business_months"


def test_a_wrong_threshold_is_shown_on_its_cell_and_nothing_is_written(prog: Programme, national_admin: User) -> None:
    response = client_for(national_admin).post(f"/programmes/{prog.pk}/rules/new/", rows(
        INCOME, {"field": "business_months", "threshold": "1.5"}))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "bilangan bulat bulan, bukan 1.5" in formset.forms[1].errors["threshold"][0]
    assert not RuleSet.objects.exists()


def test_activating_a_version_without_an_essential_criterion_says_why(prog: Programme, national_admin: User) -> None:
    client = client_for(national_admin)
    client.post(f"/programmes/{prog.pk}/rules/new/", rows({**INCOME, "essential": None}))
    response = client.post(f"/programmes/{prog.pk}/rules/1/activate/", follow=True)
    assert RuleSet.objects.get().status == RuleSetStatus.DRAFT
    assert any("kriteria wajib" in str(m) for m in response.context["messages"])


def test_a_regional_officer_may_look_but_not_change(prog: Programme, klaten_officer: User) -> None:
    rules.create_rule_set(None, prog, [INCOME])
    client = client_for(klaten_officer)
    assert client.get(f"/programmes/{prog.pk}/rules/").status_code == 200
    assert client.get(f"/programmes/{prog.pk}/rules/1/?preview=1").status_code == 200
    assert client.get(f"/programmes/{prog.pk}/rules/new/").status_code == 403
    assert client.post(f"/programmes/{prog.pk}/rules/new/", rows(INCOME)).status_code == 403
    assert client.post(f"/programmes/{prog.pk}/rules/1/activate/").status_code == 403
    assert RuleSet.objects.count() == 1


def test_an_officer_preview_counts_only_his_region(prog: Programme, klaten_officer: User) -> None:
    rules.set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 3, 1), amount=500_000)
    rules.set_poverty_line(None, province_code="53", valid_from=datetime.date(2025, 3, 1), amount=500_000)
    for village in (None, KUPANG_VILLAGE):
        enrolment = enrol(prog, village) if village else enrol(prog)
        record_visit(None, enrolment, on=datetime.date(2025, 8, 1), assessment={"per_capita_income": 600_000})
    Enrolment.objects.update(status=Status.ACTIVE)
    rules.create_rule_set(None, prog, [INCOME])
    page = client_for(klaten_officer).get(f"/programmes/{prog.pk}/rules/1/?preview=1")
    assert (page.context["preview"]["enrolments"], page.context["preview"]["essentials_met"]) == (1, 1)


def test_everyone_reads_the_poverty_lines_and_only_an_administrator_enters_one(
        make_user: Callable[..., User], national_admin: User) -> None:
    facilitator = make_user("pendamping", Role.FACILITATOR, "33.10.01")
    client = client_for(facilitator)
    assert client.get("/programmes/poverty-lines/").status_code == 200
    one = {"kind": "one", "province_code": "33", "area": "urban", "valid_from": "2025-03-01", "amount": "598000",
           "source": "BPS"}
    assert client.post("/programmes/poverty-lines/", one).status_code == 403
    assert not PovertyLine.objects.exists()
    admin = client_for(national_admin)
    assert admin.post("/programmes/poverty-lines/", one).status_code == 302
    assert PovertyLine.objects.get().amount == 598_000
    response = admin.post("/programmes/poverty-lines/", {**one, "amount": "-5"})
    assert response.status_code == 200 and response.context["form"].errors["amount"]
    assert PovertyLine.objects.get().amount == 598_000
    assert b"598.000" in client.get("/programmes/poverty-lines/?province=33").content or b"598,000" in (
        client.get("/programmes/poverty-lines/?province=33").content)


def test_the_template_downloads_and_a_filled_one_uploads(national_admin: User,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(national_admin)
    template = client.get("/programmes/poverty-lines/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    upload = SimpleUploadedFile("garis.xlsx", template.content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/programmes/poverty-lines/", {"kind": "file", "file": upload})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE, batch.error_message
    assert sorted(PovertyLine.objects.values_list("area", "amount")) == [("rural", 560_000), ("urban", 598_000)]
