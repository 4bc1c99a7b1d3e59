"""The demo's agency file and its link job: about 300 members of a partner agency's programme, taken
from the demo registry and written the way field collections write them (a damaged NIK, a title
or an old spelling in the name, a swapped birth date, a district code for the village), plus some
people the registry does not hold. Linked once, nationally, so that the Klaten officer finds pairs
to review in her regency and the national analyst the pairs that cross a regency border.

`agency_rows` is also what the linkage tests use to make their files.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from entas.core.scoping import region_q
from entas.linkage import services, uploads
from entas.linkage.model import Thresholds
from entas.linkage.models import AgencyUpload, JobStatus, LinkJob, Source
from entas.registry.models import Person
from entas.registry.synth import name_lists

FILE_NAME = "peserta-program-mitra-2025.csv"
UPLOAD_NAME = "Peserta program mitra 2025 (demo)"
# The demo accepts only near-certain pairs, so that its reviewers find pairs to decide.
THRESHOLDS = Thresholds(upper=0.999, lower=0.3)
HEADER = ("id", "nama", "nik", "tgl_lahir", "jenis_kelamin", "alamat", "kode_desa")
TITLES_MALE = ("H.", "Drs.", "Bpk.", "Pak")
TITLES_FEMALE = ("Hj.", "Ibu", "Bu", "Dra.")
DEGREES = ("S.Pd.", "S.E.", "A.Md.", "S.Pd.I")
OLD_SPELLING = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("kh", "ch"))


@dataclass(frozen=True)
class Someone:
    """A registry person as the generator needs her."""

    nik: str
    name: str
    sex: str
    birth_date: date | None
    address: str
    village: str


def _nik_noise(rnd: random.Random, nik: str, sex: str, kk: str) -> str:
    if len(nik) != 16:
        return nik
    kind = rnd.choice(("blank", "dash", "excel", "zeroed", "digit", "swap", "no40", "kk"))
    if kind == "blank":
        return ""
    if kind == "dash":
        return "-"
    if kind == "excel":
        return f"{nik[0]}.{nik[1:6]}E+15"
    if kind == "zeroed":
        return nik[:15] + "0"
    if kind == "digit":
        at = rnd.randrange(6, 16)
        return nik[:at] + str((int(nik[at]) + rnd.randint(1, 9)) % 10) + nik[at + 1:]
    if kind == "swap":
        at = rnd.randrange(6, 15)
        return nik[:at] + nik[at + 1] + nik[at] + nik[at + 2:]
    if kind == "no40" and sex == "P" and int(nik[6:8]) > 40:
        return nik[:6] + f"{int(nik[6:8]) - 40:02d}" + nik[8:]
    return kk or nik


def _name_noise(rnd: random.Random, name: str, sex: str) -> str:
    words = name.split()
    kind = rnd.choice(("title", "degree", "spelling", "typo", "order", "case", "muhammad"))
    if kind == "title":
        return f"{rnd.choice(TITLES_FEMALE if sex == 'P' else TITLES_MALE)} {name}"
    if kind == "degree":
        return f"{name}, {rnd.choice(DEGREES)}"
    if kind == "spelling":
        for new, old in rnd.sample(OLD_SPELLING, len(OLD_SPELLING)):
            if new in name.lower():
                return name.replace(new, old).replace(new.upper(), old.capitalize())
        return name
    if kind == "typo" and len(name) > 4:
        at = rnd.randrange(1, len(name) - 1)
        return name[:at] + name[at + 1] + name[at] + name[at + 2:]
    if kind == "order" and len(words) > 1:
        return " ".join(words[1:] + words[:1])
    if kind == "muhammad" and sex == "L":
        return f"{rnd.choice(('M.', 'Moh.', 'Muhamad'))} {name}"
    return name.upper()


def _date_noise(rnd: random.Random, day: date | None) -> str:
    if day is None:
        return ""
    kind = rnd.random()
    if kind < 0.35 and day.day <= 12 and day.day != day.month:
        return f"{day.month:02d}-{day.day:02d}-{day.year}"  # day and month swapped
    if kind < 0.55:
        return str(day.year)
    return day.strftime("%d/%m/%Y")


def _village_noise(rnd: random.Random, village: str) -> str:
    return village[:8] if rnd.random() < 0.5 else village.replace(".", "")


def agency_rows(people: list[tuple[Someone, str]], *, seed: int, outsiders: int, namesakes: int = 0,
                prefix: str = "MTR") -> list[dict[str, str]]:
    """One record per (person, kk_number) with realistic noise, `outsiders` records of people the
    registry does not hold and `namesakes` of people who share a registry person's name and
    district but not her birth date; shuffled, with ids `prefix-0001`…"""
    rnd = random.Random(seed)
    rows: list[dict[str, str]] = []
    for person, _kk in rnd.sample(people, min(namesakes, len(people))):
        known = person.birth_date or date(1980, 1, 1)
        other = date(known.year + rnd.choice((-9, -5, 4, 7)), rnd.randint(1, 12), rnd.randint(1, 28))
        rows.append({"nama": person.name, "nik": "", "tgl_lahir": other.strftime("%d-%m-%Y"),
                     "jenis_kelamin": person.sex, "alamat": f"Dusun Baru RT 00{rnd.randint(1, 9)}",
                     "kode_desa": person.village[:8]})
    for person, kk in people:
        nik, name, born, village = person.nik, person.name, person.birth_date, person.village
        sex = person.sex
        noisy = rnd.random()
        written = _date_noise(rnd, born) if rnd.random() < 0.25 else (born.strftime("%d-%m-%Y") if born else "")
        code = _village_noise(rnd, village) if rnd.random() < 0.3 else village
        if noisy < 0.3:  # a damaged NIK, the rest as the registry has it
            nik = _nik_noise(rnd, nik, sex, kk)
        elif noisy < 0.55:  # the name written otherwise
            name = _name_noise(rnd, name, sex)
        elif noisy < 0.7:  # NIK damaged and name varied
            nik, name = _nik_noise(rnd, nik, sex, kk), _name_noise(rnd, name, sex)
        elif noisy < 0.85:  # the hard ones: no NIK, the name varied, the year alone, the district only
            nik, name = "", _name_noise(rnd, name, sex)
            written, code = (str(born.year) if born else ""), village[:8]
        rows.append({"nama": name, "nik": nik, "tgl_lahir": written, "jenis_kelamin": _sex_written(rnd, sex),
                     "alamat": person.address, "kode_desa": code})
    names = name_lists()
    villages = [p.village for p, _ in people] or ["33.10.01.2001"]
    rows += [_outsider(rnd, names, rnd.choice(villages)) for _ in range(outsiders)]
    rnd.shuffle(rows)
    return [{"id": f"{prefix}-{i:04d}", **row} for i, row in enumerate(rows, start=1)]


def _sex_written(rnd: random.Random, sex: str) -> str:
    if sex not in ("L", "P"):
        return ""
    return rnd.choice((sex, "LAKI-LAKI" if sex == "L" else "PEREMPUAN"))


def _outsider(rnd: random.Random, names: dict[str, tuple[str, ...]], village: str) -> dict[str, str]:
    """Someone the registry does not hold, living in `village`."""
    female = rnd.random() < 0.5
    first = rnd.choice(names["first_female" if female else "first_male"])
    last = rnd.choice(names["last_female" if female else "last_male"])
    born = date(rnd.randint(1955, 2000), rnd.randint(1, 12), rnd.randint(1, 28))
    day = born.day + (40 if female else 0)
    nik = f"{village.replace('.', '')[:6]}{day:02d}{born.month:02d}{born.year % 100:02d}{rnd.randint(5000, 9999):04d}"
    hamlet = rnd.choice(("Krajan", "Ngemplak", "Sidomulyo", "Oeleta"))
    return {"nama": f"{first} {last}", "nik": nik if rnd.random() < 0.7 else "", "tgl_lahir": born.strftime("%d-%m-%Y"),
            "jenis_kelamin": "P" if female else "L", "alamat": f"Dusun {hamlet} RT 00{rnd.randint(1, 9)}",
            "kode_desa": village}


def write_csv(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _someone(person: Any) -> tuple[Someone, str]:
    home = person.household
    return Someone(person.nik, person.full_name, person.sex or "", person.birth_date, home.address or "",
                   home.village_id), home.kk_number


def demo_people(count: int, *, seed: int) -> list[tuple[Someone, str]]:
    """About `count` adults of the demo registry: most in Klaten (the officer's regency), a few in
    Kupang whose record in the file names a Klaten village (they work there), so that some pairs
    cross a regency border."""
    rnd = random.Random(seed)
    adults = Person.objects.select_related("household").filter(birth_date__year__lte=2005).order_by("id")
    klaten = list(adults.filter(region_q("33.10", "household__village_id"))[:4000])
    kupang = list(adults.filter(region_q("53.01", "household__village_id"))[:1000])
    chosen = [_someone(p) for p in rnd.sample(klaten, min(len(klaten), count - count // 10))]
    klaten_villages = [p.village for p, _ in chosen] or ["33.10.01.2001"]
    for person in rnd.sample(kupang, min(len(kupang), count // 10)):
        someone, kk = _someone(person)
        moved = Someone(someone.nik, someone.name, someone.sex, someone.birth_date, someone.address,
                        rnd.choice(klaten_villages))
        chosen.append((moved, kk))
    return chosen


def loaded() -> bool:
    return AgencyUpload.objects.filter(name=UPLOAD_NAME).exists()


def load_linkage(*, records: int = 300, seed: int = 2025) -> LinkJob | None:
    """The demo's agency file, uploaded by the system and linked once by a national job."""
    if loaded():
        return None
    people = demo_people(records - records // 8, seed=seed)
    if not people:
        return None
    folder = Path(settings.DATA_DIR) / "demo-linkage"
    folder.mkdir(parents=True, exist_ok=True)
    rows = agency_rows(people, seed=seed, outsiders=records // 16, namesakes=records // 16)
    path = write_csv(rows, folder / FILE_NAME)
    mapping = uploads.guess_mapping(list(HEADER))
    upload = uploads.keep_file(None, path, mapping=mapping, name=UPLOAD_NAME, file_name=FILE_NAME)
    job = services.start_job(None, Source.AGENCY_FILE, upload, thresholds=THRESHOLDS, enqueue=False)
    job = services.run_job(job.pk)
    if job.status != JobStatus.DONE:
        raise RuntimeError(f"the demo link job failed: {job.error}")
    return job
