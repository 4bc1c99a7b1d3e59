"""SQLite outside a transaction stages each file in a file of its own, loaded through the ADBC
driver. The rest of the suite runs inside test transactions, where staging is a TEMP table, so
this runs imports the way the CLI and the worker do: in a process of its own, on a new database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.ingest.samples import CHILD, HEAD, HOUSEHOLD_HEADER, KK1, KK2, PEOPLE_HEADER, WIFE, household, person, write

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite path (runs on its own database)")

# Runs in the child: every chunk it stages goes through SideFile.append.
CHILD_SCRIPT = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.utils import translation
translation.activate("en")  # the assertions read the English messages
from django.core.management import call_command
from entas.ingest import sidefile
from entas.regions.loader import load_regions
from entas.registry.models import Person
from entas.ingest.services import import_file

staged = []
append = sidefile.SideFile.append
sidefile.SideFile.append = lambda self, frame: (staged.append(frame.height), append(self, frame))[1]
call_command("migrate", verbosity=0)
load_regions(progress=lambda _: None)
found = {}
for name, mode in (("households.csv", "all-or-nothing"), ("people.csv", "accept-valid"),
                   ("bad.csv", "all-or-nothing")):
    batch = import_file(None, "registry", Path(sys.argv[1]) / name, kind="auto", mode=mode)
    rejects = Path(batch.rejects_path).read_text(encoding="utf-8-sig") if batch.rejects_path else ""
    found[name] = {"status": batch.status, "inserted": batch.inserted, "rejected": batch.rejected,
                   "rejects": rejects, "staged": sum(staged)}
    staged.clear()
found["people"] = sorted(Person.objects.values_list("nik", "household__kk_number", "member_since"))
found["people"] = [[nik, kk, str(since)] for nik, kk, since in found["people"]]
print(json.dumps(found))
"""


def test_files_staged_through_a_file_of_their_own_import_as_through_a_temp_table(tmp_path: Path) -> None:
    write(tmp_path, "households.csv", [HOUSEHOLD_HEADER, household(KK1), household(KK2)])
    stranger = KK1[:12] + "0099"
    write(tmp_path, "people.csv", [PEOPLE_HEADER, person(HEAD), person(WIFE, sex="P", born="1984-02-03"),
                                   person(CHILD, kk_number=KK2, born="2010-11-30"), person(WIFE, kk_number=KK2,
                                   sex="P", born="1984-02-03"), person(CHILD[:-1] + "9", stranger, born="2010-11-30")])
    write(tmp_path, "bad.csv", [PEOPLE_HEADER, person(HEAD[:15])])
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'own.sqlite3'}", "TMPDIR": str(temporary),
                   "ENTAS_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "entas.settings"}
    done = subprocess.run([sys.executable, "-c", CHILD_SCRIPT, str(tmp_path)], env=environment, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    households, people, bad = found["households.csv"], found["people.csv"], found["bad.csv"]
    assert (households["status"], households["inserted"], households["staged"]) == ("done", 2, 2)
    # The wife twice (two households), the child of an unknown No. KK: checked on the attached file.
    assert (people["status"], people["inserted"], people["rejected"], people["staged"]) == ("done", 2, 3, 5)
    assert "nik: in more than one household in this file (rows 3 and 5)" in people["rejects"]
    assert "kk_number: no household with this No. KK in the registry or this file" in people["rejects"]
    assert [row[:2] for row in found["people"]] == [[HEAD, KK1], [CHILD, KK2]]
    assert "None" not in [since for *_, since in found["people"]]
    assert (bad["status"], bad["inserted"], bad["staged"]) == ("failed", 0, 1)
    assert "nik: 15 digits, expected 16" in bad["rejects"]
    assert not list(temporary.iterdir())  # each staging file went with its import
