"""The demo's agency file: made from the demo registry with realistic noise, linked once, so that
the Klaten officer finds pairs to review; a second `entas demo` links nothing again."""

from pathlib import Path

import pytest
from django.test import override_settings

from entas.demo import linkage as demo_linkage
from entas.linkage import queries
from entas.linkage.models import AgencyRecord, AgencyUpload, JobStatus, Link
from tests.linkage.conftest import users
from tests.linkage.factories import registry

pytestmark = pytest.mark.django_db


def test_the_demo_links_its_agency_file_once(tmp_path: Path) -> None:
    made = users()
    registry(900, seed=2025)
    with override_settings(DATA_DIR=tmp_path):
        job = demo_linkage.load_linkage(records=160, seed=2025)
        assert job is not None and job.status == JobStatus.DONE, job and job.error
        assert demo_linkage.load_linkage(records=160, seed=2025) is None
    upload = AgencyUpload.objects.get(name=demo_linkage.UPLOAD_NAME)
    records = AgencyRecord.objects.filter(upload=upload)
    assert records.count() == upload.rows >= 150
    # Realistic noise: damaged NIKs and names written otherwise, and people the registry does not hold.
    assert records.filter(nik="").exists()
    assert records.exclude(nik="").exclude(nik__regex=r"^[0-9]{16}$").exists()  # "-", Excel's 3.31001E+15
    assert job.exact_nik > 0 and job.by_model > 0
    assert Link.objects.filter(job=job).count() == job.exact_nik + job.by_model
    assert queries.queue(made["klaten"]).exists(), "the Klaten officer finds pairs to review"
