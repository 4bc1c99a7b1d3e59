"""Files Entas writes are not readable by other accounts on the machine (issue 12, item 19): the
rejects file of an import, an uploaded file, an agreement's PDF, the data folder itself, and every
process (CLI, web, worker) runs with umask 077."""

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from entas.accounts.models import User
from entas.ingest.models import ImportBatch
from tests.conftest import client_for
from tests.partnerships.factories import agreement, partner, pdf

HEADER = ("kk_number,village_code,address,decile,decile_source,decile_date,per_capita_income,floor_material,"
          "wall_material,roof_material,drinking_water,sanitation,electricity_watt,cooking_fuel,assets,extreme_poor\n")
WELFARE = "1,DTSEN,2025-07-31,350000,earth,bamboo,zinc,river,none,450,wood,,1\n"
ROWS = "3310010101250001,33.10.01.2001,Dusun Krajan," + WELFARE + "3310010101250002,99.99.99.9999,Dusun X," + WELFARE


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


@pytest.mark.django_db
def test_an_uploaded_file_and_its_rejects_file_are_private(national_admin: User, settings: Any,
                                                           tmp_path: Path) -> None:
    # A data folder of its own: batch numbers restart with each test database, and a rejects file
    # left by an earlier run under the same name would keep the mode it was made with.
    settings.DATA_DIR = tmp_path
    settings.UPLOAD_RETENTION_DAYS = 30  # keep the upload after its import, to look at it
    data = {"file": SimpleUploadedFile("households.csv", (HEADER + ROWS).encode()), "kind": "auto",
            "mode": "accept-valid", "source": "DTSEN", "extract_date": "2025-07-31"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(national_admin).post("/imports/registry/", data)
    batch = ImportBatch.objects.get()
    assert batch.rejected == 1
    rejects = Path(batch.rejects_path)
    assert rejects.exists() and private(rejects)
    assert private(rejects.parent)
    stored = Path(batch.file_path) if getattr(batch, "file_path", "") else None
    if stored is not None and stored.exists():
        assert private(stored)


@pytest.mark.django_db
def test_an_agreement_pdf_is_private(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    made = agreement([partner()], document=pdf())
    path = Path(made.document.path)
    assert private(path) and private(path.parent)


def test_the_cli_runs_with_umask_077_and_closes_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    env = {**os.environ, "ENTAS_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}"}
    entas = Path(sys.executable).with_name("entas")
    shown = subprocess.run(
        [str(entas), "manage", "shell", "-c",
         "import os, pathlib; m = os.umask(0o022); print(oct(m)); pathlib.Path(os.environ['ENTAS_DATA_DIR'], 'x')"
         ".write_text('x')"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    assert shown.stdout.strip().splitlines()[-1] == "0o77"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert private(data / "secret_key")


def test_the_web_entry_point_sets_umask_077() -> None:
    code = ("import os; os.umask(0o022); os.environ['DJANGO_SETTINGS_MODULE'] = 'x.missing'\n"
            "try:\n    import entas.wsgi\nexcept Exception:\n    pass\n"
            "print(oct(os.umask(0o022)))")
    env = {**os.environ, "ENTAS_DATA_DIR": str(settings.DATA_DIR)}
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                           check=True)
    assert shown.stdout.strip() == "0o77"
