"""One linked world per test module: the engine trains for seconds even on a few hundred records, so
the registry, the agency file and its national link job are made once per module, inside a
transaction rolled back at the end; each test runs in a savepoint inside it (pytest-django), so
what a test decides or undoes is gone after it.

The world: 300 registry people in Klaten (Prambanan, Jogonalan) and Kupang (Semau); an agency file
uploaded by the national administrator holding half the Klaten people with the demo's noise, a few
outsiders and namesakes, and Kupang people whose records name a Klaten village (they work there:
their pairs cross a regency border); one national job with an upper threshold of 0.999, so that a
good number of pairs wait for review.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from entas.accounts import services as accounts
from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.demo.linkage import HEADER, agency_rows, write_csv
from entas.linkage import services, uploads
from entas.linkage.model import Thresholds
from entas.linkage.models import AgencyUpload, JobStatus, LinkCandidate, LinkJob, Source
from entas.registry.models import Person
from tests.conftest import PASSWORD
from tests.linkage.factories import KLATEN, SEMAU, registry, someone, village_of

THRESHOLDS = Thresholds(upper=0.999, lower=0.3)


@dataclass
class World:
    users: dict[str, User]
    people: list[Person]
    upload: AgencyUpload
    job: LinkJob
    folder: Path
    named: dict[str, Any] = field(default_factory=dict)

    def pairs(self) -> Any:
        return LinkCandidate.objects.filter(job=self.job, band="review")

    def klaten_pairs(self) -> Any:
        return self.pairs().filter(record_region__startswith="33.10.", person_region__startswith="33.10.")

    def crossing_pairs(self) -> Any:
        return self.pairs().filter(record_region__startswith="33.10.", person_region__startswith="53.01.")


def users() -> dict[str, User]:
    agency = Agency.objects.create(code="kemenkop-linkage", name="Kementerian Koperasi", kind="ministry")
    made = {}
    for username, role, region in (("klaten", Role.REGIONAL_OFFICER, "33.10"),
                                   ("klaten-dua", Role.REGIONAL_OFFICER, "33.10"),
                                   ("kupang", Role.REGIONAL_OFFICER, "53.01"),
                                   ("nasional", Role.NATIONAL_ADMIN, None), ("analis", Role.ANALYST, None),
                                   ("pendamping", Role.FACILITATOR, "33.10.01"),
                                   ("klien", Role.API_CLIENT, "33")):
        made[username] = accounts.create_user(None, username=username, password=PASSWORD, role=role, agency=agency,
                                              region_code=region, first_name=username.capitalize(), last_name="Uji")
    return made


def movers(people: list[Person]) -> list[dict[str, str]]:
    """Kupang people as a Klaten agency knows them: working at the Prambanan market, the NIK's serial
    mistyped. Their best candidate lives in Kupang: the pair crosses a regency border."""
    rows = []
    for i, person in enumerate([p for p in people if village_of(p) in SEMAU][:12], start=1):
        serial = f"{(int(person.nik[12:]) + 5) % 10000:04d}"
        rows.append({"id": f"PINDAH-{i:02d}", "nama": person.full_name.upper(), "nik": person.nik[:12] + serial,
                     "tgl_lahir": person.birth_date.strftime("%d-%m-%Y") if person.birth_date else "",
                     "jenis_kelamin": person.sex or "", "alamat": "Pasar Prambanan", "kode_desa": "33.10.01.2002"})
    return rows


def build(folder: Path) -> World:
    made = users()
    people = registry(300, seed=11)
    klaten = [p for p in people if village_of(p) in KLATEN]
    rows = agency_rows([someone(p) for p in klaten[::2]], seed=5, outsiders=8, namesakes=6)
    rows += movers(people)
    path = write_csv(rows, folder / "mitra.csv")
    upload = uploads.keep_file(made["nasional"], path, mapping=uploads.guess_mapping(list(HEADER)),
                               name="Berkas mitra uji", file_name="mitra.csv")
    job = services.start_job(made["nasional"], Source.AGENCY_FILE, upload, thresholds=THRESHOLDS, enqueue=False)
    job = services.run_job(job.pk)
    assert job.status == JobStatus.DONE, job.error
    return World(made, people, upload, job, folder)


@pytest.fixture(scope="module")
def linked(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build(tmp_path_factory.mktemp("linkage"))
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


DAY = datetime.date(2026, 3, 2)
