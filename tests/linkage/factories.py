"""A small registry and agency files made from it, for the linkage tests.

`registry(n)` writes n people in households of a few villages of Klaten (Prambanan, Jogonalan) and
Kupang (Semau), with NIKs and No. KK that follow the rules (district, birth date +40 for women,
serial). `agency_file` turns people into an agency file with the demo's noise
(`entas.demo.linkage.agency_rows`) and keeps it through the upload service.
"""

import datetime
import random
from pathlib import Path

from entas.accounts.models import User
from entas.demo.linkage import HEADER, Someone, agency_rows, write_csv
from entas.linkage import uploads
from entas.linkage.models import AgencyRecord, AgencyUpload, Link, LinkCandidate, LinkJob
from entas.registry.models import Household, Person
from entas.registry.synth import name_lists

PRAMBANAN = ("33.10.01.2001", "33.10.01.2002", "33.10.01.2003")
JOGONALAN = ("33.10.02.2001", "33.10.02.2002")
SEMAU = ("53.01.04.2003", "53.01.04.2004")
KLATEN = PRAMBANAN + JOGONALAN


def _nik(village: str, born: datetime.date, female: bool, serial: int) -> str:
    day = born.day + (40 if female else 0)
    return f"{village.replace('.', '')[:6]}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def registry(count: int, *, seed: int = 7, villages: tuple[str, ...] = KLATEN + SEMAU) -> list[Person]:
    """`count` people in households of three to five, spread over `villages`."""
    rnd = random.Random(seed)
    names = name_lists()
    homes: list[Household] = []
    plans: list[tuple[int, str, list[tuple[str, bool, datetime.date]]]] = []
    serial = 1
    made = 0
    while made < count:
        village = villages[len(homes) % len(villages)]
        size = min(rnd.randint(3, 5), count - made)
        family = rnd.choice(names["last_male"])
        members = []
        for i in range(size):
            female = (i == 1) or rnd.random() < 0.5
            first = rnd.choice(names["first_female" if female else "first_male"])
            born = datetime.date(rnd.randint(1950, 2004) if i < 2 else rnd.randint(1985, 2010), rnd.randint(1, 12),
                                 rnd.randint(1, 28))
            members.append((f"{first} {family}" if rnd.random() < 0.7 else first, female, born))
        kk = f"{village.replace('.', '')[:6]}0101{20 + len(homes) % 5:02d}{len(homes) + 1:04d}"
        homes.append(Household(kk_number=kk, village_id=village, decile=rnd.randint(1, 4),
                               address=f"Dusun {rnd.choice(('Krajan', 'Ngemplak', 'Sidomulyo', 'Oeleta'))} "
                                       f"RT 00{rnd.randint(1, 9)} RW 00{rnd.randint(1, 5)}"))
        plans.append((len(homes) - 1, village, members))
        made += size
    Household.objects.bulk_create(homes)
    people = []
    for index, village, members in plans:
        for i, (name, female, born) in enumerate(members):
            people.append(Person(nik=_nik(village, born, female, serial), household=homes[index], full_name=name,
                                 sex="P" if female else "L", birth_date=born,
                                 relationship="head" if i == 0 else "child"))
            serial += 1
    return Person.objects.bulk_create(people)


def village_of(person: Person) -> str:
    assert person.household is not None
    return person.household.village_id


def someone(person: Person) -> tuple[Someone, str]:
    home = person.household
    assert home is not None
    return Someone(person.nik, person.full_name, person.sex or "", person.birth_date, home.address or "",
                   home.village_id), home.kk_number


def agency_file(actor: User | None, people: list[Person], folder: Path, *, seed: int = 3, outsiders: int = 10,
                namesakes: int = 10, name: str = "Berkas mitra uji") -> AgencyUpload:
    rows = agency_rows([someone(p) for p in people], seed=seed, outsiders=outsiders, namesakes=namesakes)
    path = write_csv(rows, folder / f"mitra-{seed}.csv")
    return uploads.keep_file(actor, path, mapping=uploads.guess_mapping(list(HEADER)), name=name,
                             file_name=path.name)


def waiting_pair(actor: User | None, person: Person, *, name: str = "SITI AMINAH") -> tuple[LinkJob, LinkCandidate,
                                                                                          Link]:
    """A finished job of an agency file in the person's village with one pair waiting for review and
    one link made by the model (rows made directly: the engine has its own tests)."""
    village = village_of(person)
    upload = AgencyUpload.objects.create(name="Berkas mitra", file_name="mitra.csv", rows=2, region=village[:5],
                                         uploaded_by=actor)
    job = LinkJob.objects.create(source="agency_file", upload=upload, scope=village[:5], status="done", upper=0.95,
                                 lower=0.3, margin=2.0, started_by=actor, review=1, by_model=1)
    waiting = AgencyRecord.objects.create(upload=upload, row=2, record_key="M1", name=name, region=village)
    pair = LinkCandidate.objects.create(
        job=job, source="agency_file", record_id=str(waiting.pk), person=person, probability=0.8, match_weight=2.0,
        weights={"nik": 0.0, "name": 7.9, "birth_date": 4.4, "sex": 0.8, "place": 1.2},
        given={"name": name, "village_code": village}, band="review", ask_order=1, record_region=village,
        person_region=village)
    linked = AgencyRecord.objects.create(upload=upload, row=3, record_key="M2", name=name, region=village,
                                         person=person, link_method="model")
    link = Link.objects.create(source="agency_file", record_id=str(linked.pk), person=person, method="model",
                               probability=0.99, job=job, given={"name": name}, record_region=village,
                               person_region=village, created_by=actor)
    return job, pair, link
