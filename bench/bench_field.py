"""The field app's sync at scale (issue 18), against the running server on PostgreSQL:

  (a) batched     --facilitators phones start together (a pool of --clients threads, one HTTP
                  connection per phone, kept alive for its calls): each GETs its caseload
                  (/field/api/caseload: latency and bytes), then POSTs one /field/api/sync with
                  --visits new visit commands (uuid4 ids, different families of its own, the version
                  its caseload gave, dates in the last week, an assessment on every other one).
                  Run once per --settings (gunicorn workers x threads, a fresh server each); the
                  fastest is kept for the rest. Then checked in the database: exactly N x --visits
                  new Visit rows and as many Command rows applied. Then the same sync bodies sent again
                  (replay): every result `duplicate`, no new Visit.
  (b) one by one  the same session with one command per call (caseload, then --visits POSTs):
                  the same number of new visits, on other families of each caseload
  (c) in-process  the same number of visits through entas.field.services.receive, one call of
                  --visits commands per phone, in this process (no HTTP, one at a time): the reference.
                  Here the time spent delivering domain events after each commit is measured too
                  (core.events.deliver_pending and each subscriber it calls).

During each HTTP phase pg_stat_activity of the bench database is sampled (what the server's sessions
are waiting on, and the statements waiting on a lock); after each phase the domain events its changes
wrote are counted with their failed deliveries (the server logs those and leaves them pending). When
(a) misses 60 s (or with --profile), receive() is run under cProfile for --profile-commands commands.

  .venv/bin/python bench/bench_field.py --facilitators 50            # a quick check
  .venv/bin/python bench/bench_field.py                              # the issue's size: 1,000 x 30 x 5
  .venv/bin/python bench/bench_field.py --reuse                      # the data as the last setup left it
  .venv/bin/python bench/bench_field.py --reuse --settings 4x4 --profile   # + cProfile of receive()

Targets (issue): 1,000 facilitators syncing at once, 30 families and 5 new visits each, all done in
under 60 s with no error; one facilitator's caseload under 200 KB. Printed as met/MISSED beside the
figures, never asserted (the machines are shared and noisy: compare within a run).

Setup (not timed, its duration printed; skipped with --reuse when the database holds the data the
device file names): the PostgreSQL database `entas_bench_field` on TEST_POSTGRES_URL's server is
dropped, created, migrated and the regions loaded (harness.BenchDatabase); an agency, a programme, a
total poverty line per province used and an active rule set (income above the line, no food
shortage) through the services; then, with bulk_create (bench setup only: no audit entries, no
domain events, the programme tally rebuilt at the end): 30 households per facilitator in real
villages of five regencies (Klaten, Kupang, Bandung, Makassar, Bangkalan), a head, a spouse and
2-3 children each (names from Faker's id_ID lists, 16-digit NIKs with a woman's day + 40, sex, birth
dates, an address); 1,000 facilitator accounts sharing ONE precomputed password hash (hashing 1,000
passwords takes minutes) with their Facilitator rows, one per district in turn; the enrolments
(active, version 1, enrolled 200-500 days ago) with a CaseloadAssignment row each; for a third of
them a visit with an assessment and its evaluation; one Device per facilitator whose token
`bench-<n>-<secret>` is stored as its SHA-256 digest (field.devices.digest). The tokens go to
bench/out/field-devices.json for the load phases. The server is `entas serve --no-task-worker` with
DATABASE_URL on that database and ENTAS_DATA_DIR bench/out/field-data; its log is
bench/out/field-server.log. Results are also written to bench/out/field-<N>.json.
"""

import argparse
import cProfile
import datetime
import gzip
import http.client
import io
import json
import os
import pstats
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import OUT, PG_SERVER, ROOT, BenchDatabase, timed

BENCH = BenchDatabase("entas_bench_field", "bench-field.sqlite3")
DEVICES_FILE = OUT / "field-devices.json"
SERVER_LOG = OUT / "field-server.log"
REGENCIES = ("33.10", "53.01", "32.04", "73.71", "35.26")  # Klaten, Kupang, Bandung, Makassar, Bangkalan
LINES = {"33": 550_000, "53": 585_000, "32": 560_000, "73": 505_000, "35": 555_000}  # Rp per person per month
PASSWORD = "bench-field-password"
TARGET_SECONDS = 60.0
TARGET_CASELOAD_KB = 200.0
NOTES = ("Warung buka setiap hari", "Usaha keripik berjalan; modal ditambah", "Anak sudah kembali sekolah",
         "Ikut pertemuan kelompok", "Panen jagung; sebagian dijual", "Tabungan mulai di koperasi")


def environment() -> dict[str, str]:
    return {**BENCH.environment("postgres"), "ENTAS_DATA_DIR": str(OUT / "field-data"), "DEBUG": "0",
            "LOG_LEVEL": "WARNING"}


# --- setup ---------------------------------------------------------------------------------------


def reusable(facilitators: int, families: int) -> str:
    """Empty when the database and the device file hold the data asked for; else why not."""
    import psycopg

    if not DEVICES_FILE.exists():
        return f"no {DEVICES_FILE.relative_to(ROOT)}"
    saved = json.loads(DEVICES_FILE.read_text())
    if (saved.get("database"), saved.get("facilitators"), saved.get("families")) != (
            BENCH.pg_name, facilitators, families):
        return (f"the device file is for {saved.get('facilitators')} facilitators x {saved.get('families')} "
                f"families in {saved.get('database')}")
    try:
        with psycopg.connect(BENCH.url("postgres").replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute("SELECT COUNT(*) FROM field_device WHERE revoked_at IS NULL").fetchone()
    except psycopg.Error as error:
        return f"database {BENCH.pg_name}: {str(error).strip().splitlines()[0]}"
    if row is None or row[0] != facilitators:
        return f"the database holds {row[0] if row else 0} devices"
    return ""


@dataclass
class Place:
    district: str
    villages: list[str]


def places() -> list[Place]:
    from entas.core.scoping import region_q
    from entas.regions.models import Region

    found: dict[str, list[str]] = {}
    for regency in REGENCIES:
        for code in Region.objects.filter(region_q(regency, "code"), level=4).order_by("code").values_list(
                "code", flat=True):
            found.setdefault(code[:8], []).append(code)
    return [Place(district, villages) for district, villages in sorted(found.items())]


class People:
    """Names, NIKs and birth dates as a civil registry would have them (deterministic per seed)."""

    def __init__(self, rng: random.Random) -> None:
        from entas.registry.synth import name_lists, street_names

        self.rng = rng
        self.names = name_lists()
        self.streets = street_names()
        self.serials: Counter[str] = Counter()

    def name(self, female: bool) -> str:
        first = self.rng.choice(self.names["first_female" if female else "first_male"])
        if self.rng.random() < 0.3:
            return first
        return f"{first} {self.rng.choice(self.names['last_female' if female else 'last_male'])}"

    def nik(self, district: str, born: datetime.date, female: bool) -> str:
        prefix = f"{district.replace('.', '')}{born.day + (40 if female else 0):02d}{born:%m%y}"
        self.serials[prefix] += 1
        return f"{prefix}{self.serials[prefix]:04d}"

    def born(self, today: datetime.date, age_from: int, age_to: int) -> datetime.date:
        return today - datetime.timedelta(days=self.rng.randint(age_from * 365, age_to * 365 + 364))

    def address(self) -> str:
        return (f"{self.rng.choice(self.streets)} No. {self.rng.randint(1, 120)}, RT {self.rng.randint(1, 12):03d}/"
                f"RW {self.rng.randint(1, 8):03d}")


def make_data(facilitators: int, families: int) -> dict[str, Any]:
    """Everything the phones need (see the docstring); the device file's content."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from entas.accounts.models import Agency, User
    from entas.accounts.roles import Role
    from entas.field.devices import digest
    from entas.field.models import Device
    from entas.graduation import services, tally
    from entas.graduation.enrolment import cohort_of
    from entas.graduation.models import Assessment, CaseloadAssignment, Enrolment, Evaluation, Status, Visit
    from entas.programmes.models import Facilitator
    from entas.programmes.services import create_programme
    from entas.registry.models import Household, Person, Relationship, Sex

    rng = random.Random(18)
    today = timezone.localdate()
    now = timezone.now()
    batch = 5000
    agency = Agency.objects.create(code="kemensos", name="Kementerian Sosial", kind="ministry")
    programme = create_programme(None, name="Graduasi KPM (bench lapangan)", lead_agency=agency,
                                 start=today - datetime.timedelta(days=900), end=today + datetime.timedelta(days=900),
                                 priority_locations_only=False)
    for province, amount in LINES.items():
        services.set_poverty_line(None, province_code=province, valid_from=datetime.date(2024, 3, 1),
                                  amount=amount - 25_000, source="BPS Maret 2024")
        services.set_poverty_line(None, province_code=province, valid_from=datetime.date(2025, 3, 1), amount=amount,
                                  source="BPS Maret 2025")
    rule_set = services.create_rule_set(None, programme, [{"code": "income_above_line"},
                                                          {"code": "no_food_shortage"}])
    where = places()
    people = People(rng)
    print(f"  {len(where)} districts, {sum(len(p.villages) for p in where):,} villages in {', '.join(REGENCIES)}")

    with transaction.atomic():
        password = make_password(PASSWORD)  # one hash for all: hashing each would take minutes
        users = User.objects.bulk_create([
            User(username=f"pendamping{n:04d}", password=password, role=Role.FACILITATOR, agency=agency,
                 region_id=where[n % len(where)].district, first_name=people.name(n % 3 != 0).split()[0],
                 last_name=rng.choice(people.names["last_female"]))
            for n in range(facilitators)], batch_size=batch)
        staff = Facilitator.objects.bulk_create([
            Facilitator(user=u, agency=agency, region_id=where[n % len(where)].district, capacity=families)
            for n, u in enumerate(users)], batch_size=batch)

        homes: list[Household] = []
        members: list[list[Person]] = []
        for n in range(facilitators):
            place = where[n % len(where)]
            for _ in range(families):
                village = rng.choice(place.villages)
                serial = len(homes)
                homes.append(Household(
                    kk_number=f"{place.district.replace('.', '')}{serial // 10_000 + 1:02d}01{serial % 10_000:06d}",
                    village_id=village, address=people.address(), decile=1, decile_source="DTSEN",
                    extreme_poor=rng.random() < 0.6, per_capita_income=rng.randint(250, 520) * 1000))
                head_female = rng.random() < 0.15
                head_born = people.born(today, 28, 58)
                spouse_born = head_born + datetime.timedelta(days=rng.randint(-5 * 365, 5 * 365))
                family = [(Relationship.HEAD, head_female, head_born), (Relationship.SPOUSE, not head_female,
                                                                         spouse_born)]
                for _child in range(rng.choice((2, 2, 3))):
                    family.append((Relationship.CHILD, rng.random() < 0.5, people.born(
                        today, 0, min(17, max(0, (today - max(head_born, spouse_born)).days // 365 - 20)))))
                members.append([Person(nik=people.nik(place.district, born, female), full_name=people.name(female),
                                       sex=Sex.FEMALE if female else Sex.MALE, birth_date=born, relationship=role)
                                for role, female, born in family])
        Household.objects.bulk_create(homes, batch_size=batch)
        for home, group in zip(homes, members, strict=True):
            for person in group:
                person.household = home
        Person.objects.bulk_create([p for group in members for p in group], batch_size=batch)
        print(f"  {len(homes):,} households, {sum(len(g) for g in members):,} people")

        enrolled = [today - datetime.timedelta(days=rng.randint(200, 500)) for _ in homes]
        enrolments = Enrolment.objects.bulk_create([
            Enrolment(programme=programme, household=home, village_id=home.village_id,
                      facilitator=staff[i // families], status=Status.ACTIVE, enrolled_on=enrolled[i],
                      cohort=cohort_of(enrolled[i]), version=1)
            for i, home in enumerate(homes)], batch_size=batch)
        CaseloadAssignment.objects.bulk_create([
            CaseloadAssignment(enrolment=e, to_facilitator=staff[i // families], reason="enrolment",
                               at=timezone.make_aware(datetime.datetime.combine(e.enrolled_on, datetime.time(9))))
            for i, e in enumerate(enrolments)], batch_size=batch)
        history = enrolments[::3]
        visits = Visit.objects.bulk_create([
            Visit(enrolment=e, facilitator_id=e.facilitator_id, notes=rng.choice(NOTES),
                  date=min(e.enrolled_on + datetime.timedelta(days=rng.randint(20, 150)),
                           today - datetime.timedelta(days=14)))
            for e in history], batch_size=batch)
        assessments = Assessment.objects.bulk_create([
            Assessment(enrolment=v.enrolment, visit=v, date=v.date, per_capita_income=rng.randint(300, 800) * 1000,
                       income_sources=rng.randint(1, 3), business_months=rng.randint(0, 18),
                       savings=rng.randint(0, 6) * 50_000, cooperative_member=False,
                       school_age_children=2, children_in_school=rng.choice((1, 2)),
                       food_shortage=rng.random() < 0.3) for v in visits], batch_size=batch)
        Evaluation.objects.bulk_create([
            Evaluation(enrolment=a.enrolment, rule_set=rule_set, assessment=a, results=[],
                       at=timezone.make_aware(datetime.datetime.combine(a.date, datetime.time(15))),
                       essentials_met=bool(a.per_capita_income and a.per_capita_income >= LINES[
                           a.enrolment.village_id[:2]] and not a.food_shortage))
            for a in assessments], batch_size=batch)
        print(f"  {len(enrolments):,} enrolments (active, version 1) with their assignment; {len(visits):,} "
              "visits with an assessment and its evaluation")

        secret = secrets.token_urlsafe(12)
        tokens = [f"bench-{n}-{secret}" for n in range(facilitators)]
        devices = Device.objects.bulk_create([
            Device(facilitator=f, label=f"HP {f.user.first_name} (bench)", token_digest=digest(tokens[n]),
                   registered_at=now) for n, f in enumerate(staff)], batch_size=batch)
        tally.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"database": BENCH.pg_name, "facilitators": facilitators, "families": families,
            "made_at": now.isoformat(), "phones": [{"n": n, "device": d.pk, "token": tokens[n]}
                                                   for n, d in enumerate(devices)]}


# --- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, threads: int) -> "subprocess.Popen[bytes]":
    entas = Path(sys.executable).with_name("entas")
    command = [str(entas)] if entas.exists() else [sys.executable, "-m", "entas.cli"]
    with SERVER_LOG.open("ab") as log:
        log.write(f"\n=== {datetime.datetime.now():%Y-%m-%d %H:%M:%S} {workers}x{threads} on {port}\n".encode())
        log.flush()
        server = subprocess.Popen([*command, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                   "--threads", str(threads), "--no-task-worker"],
                                  env=environment(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}): see {SERVER_LOG}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/field/api/caseload")
            if connection.getresponse().status == 401:  # up: no device named
                connection.close()
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("the server did not answer within 90 s")


def stop_server(server: "subprocess.Popen[bytes]") -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


# --- phones -----------------------------------------------------------------------------------------


@dataclass
class Phone:
    n: int
    device: int
    token: str
    families: list[tuple[int, int]] = field(default_factory=list)  # (enrolment, version), from a caseload
    today: str = ""


@dataclass
class Outcome:
    """What one phone saw in one phase."""

    caseload_ms: list[float] = field(default_factory=list)
    caseload_bytes: list[int] = field(default_factory=list)
    sync_ms: list[float] = field(default_factory=list)
    http: Counter[str] = field(default_factory=Counter)
    results: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    largest: bytes = b""


def visit_commands(phone: Phone, offset: int, visits: int, rng: random.Random) -> list[dict[str, Any]]:
    """`visits` new visits to different families of the phone's caseload, from family `offset` on."""
    today = datetime.date.fromisoformat(phone.today)
    commands = []
    for i in range(visits):
        enrolment, version = phone.families[(offset + i) % len(phone.families)]
        day = today - datetime.timedelta(days=rng.randint(0, 6))
        assessment = ({"per_capita_income": rng.randint(400, 800) * 1000, "income_sources": rng.randint(1, 3),
                       "savings": rng.randint(0, 8) * 50_000, "food_shortage": rng.random() < 0.2}
                      if i % 2 == 0 else None)
        commands.append({"id": str(uuid.uuid4()), "kind": "visit", "enrolment": enrolment, "version": version,
                         "recorded_at": f"{day.isoformat()}T{rng.randint(8, 16):02d}:{rng.randint(0, 59):02d}:00+07:00",
                         "data": {"date": day.isoformat(), "notes": rng.choice(NOTES), "assessment": assessment}})
    return commands


class Connection:
    """One phone's connection: HTTP/1.1 kept alive for its calls, closed at the end."""

    def __init__(self, port: int, phone: Phone, outcome: Outcome) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.headers = {"Authorization": f"Device {phone.token}", "Accept-Language": "id"}
        self.outcome = outcome

    def call(self, kind: str, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, float]:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            self.http.request(method, path, body=body, headers=headers)
            response = self.http.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            self.http.close()
            status, data = 0, repr(error).encode()
        ms = (time.perf_counter() - start) * 1000
        self.outcome.http[f"{kind} {status}"] += 1
        if status != 200:
            self.outcome.errors.append(f"{kind}: HTTP {status} {data[:300]!r}")
        return status, data, ms

    def caseload(self, phone: Phone) -> bool:
        status, data, ms = self.call("caseload", "GET", "/field/api/caseload")
        self.outcome.caseload_ms.append(ms)
        if status != 200:
            return False
        self.outcome.caseload_bytes.append(len(data))
        if len(data) > len(self.outcome.largest):
            self.outcome.largest = data
        found = json.loads(data)
        phone.today = found["today"]
        phone.families = sorted((f["enrolment"], f["version"]) for f in found["families"])
        return bool(phone.families)

    def sync(self, body: bytes) -> None:
        status, data, ms = self.call("sync", "POST", "/field/api/sync", body)
        self.outcome.sync_ms.append(ms)
        self.outcome.bodies.append(body)
        if status != 200:
            return
        for result in json.loads(data)["results"]:
            self.outcome.results[result["status"]] += 1
            self.outcome.ids.append(result["id"])
            if result["status"] not in ("applied", "duplicate"):
                self.outcome.errors.append(f"command {result['status']}: {result.get('field')}: {result['message']}")

    def close(self) -> None:
        self.http.close()


def session(port: int, offset: int, visits: int, per_call: int) -> Callable[[Phone], Outcome]:
    """A phone's sync: its caseload, then its new visits in calls of `per_call` commands."""

    def run(phone: Phone) -> Outcome:
        outcome = Outcome()
        connection = Connection(port, phone, outcome)
        try:
            if not connection.caseload(phone):
                outcome.errors.append("caseload: no families")
                return outcome
            commands = visit_commands(phone, offset, visits, random.Random(phone.n * 7919 + offset))
            for start in range(0, len(commands), per_call):
                connection.sync(json.dumps({"commands": commands[start:start + per_call]}).encode())
        finally:
            connection.close()
        return outcome

    return run


def replay(port: int, bodies: dict[int, list[bytes]]) -> Callable[[Phone], Outcome]:
    """The phone sends the same sync bodies again (its outbox replayed after a lost answer)."""

    def run(phone: Phone) -> Outcome:
        outcome = Outcome()
        connection = Connection(port, phone, outcome)
        try:
            for body in bodies[phone.n]:
                connection.sync(body)
        finally:
            connection.close()
        return outcome

    return run


# --- phases and their report --------------------------------------------------------------------------


@dataclass
class Phase:
    label: str
    seconds: float
    outcomes: list[Outcome]
    expected: str  # the result every command should have
    checked: list[str] = field(default_factory=list)  # the database checks, as printed
    ok_in_db: bool = True
    server_errors: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def merged(self, name: str) -> list[Any]:
        return [x for o in self.outcomes for x in getattr(o, name)]

    @property
    def calls(self) -> int:
        return sum(sum(o.http.values()) for o in self.outcomes) + self.extra.get("calls", 0)

    @property
    def commands(self) -> int:
        return sum(sum(o.results.values()) for o in self.outcomes)

    @property
    def errors(self) -> list[str]:
        found: list[str] = self.merged("errors")
        for o in self.outcomes:
            for status in ("applied", "duplicate"):
                if status != self.expected:
                    found += [f"command {status} (expected {self.expected})"] * o.results[status]
        return found

    def summary(self) -> dict[str, Any]:
        caseload_kb = [b / 1024 for b in self.merged("caseload_bytes")]
        return {"label": self.label, "seconds": self.seconds, "calls": self.calls, "commands": self.commands,
                "requests_per_s": self.calls / self.seconds if self.seconds else 0.0,
                "commands_per_s": self.commands / self.seconds if self.seconds else 0.0,
                "caseload_ms": spread(self.merged("caseload_ms")), "sync_ms": spread(self.merged("sync_ms")),
                "caseload_kb": {"p50": statistics.median(caseload_kb) if caseload_kb else 0.0,
                                "max": max(caseload_kb, default=0.0)},
                "results": dict(sum((o.results for o in self.outcomes), Counter())),
                "http": dict(sum((o.http for o in self.outcomes), Counter())),
                "errors": len(self.errors), "db_ok": self.ok_in_db, "db_checks": self.checked,
                "server_errors": self.server_errors, **self.extra}


def spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "max": 0.0}
    ordered = sorted(values)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)], "max": ordered[-1]}


class Waits:
    """What the server's database sessions are doing during a phase: pg_stat_activity of the bench
    database sampled every 0.2 s from a thread of this process (its own connection)."""

    def __init__(self) -> None:
        import threading

        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.samples = 0
        self.states: Counter[str] = Counter()
        self.waiting: Counter[str] = Counter()

    def sample(self) -> None:
        import psycopg

        with psycopg.connect(BENCH.url("postgres").replace("postgres://", "postgresql://", 1),
                             autocommit=True) as conn:
            while not self.stop.wait(0.2):
                rows = conn.execute(
                    "SELECT state, coalesce(wait_event_type || ':' || wait_event, 'cpu'), left(query, 90) "
                    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state <> 'idle'").fetchall()
                self.samples += 1
                for state, wait, query in rows:
                    self.states[f"{state} / {wait}"] += 1
                    if wait.startswith("Lock:"):
                        self.waiting[f"{wait}: {' '.join(query.split())}"] += 1

    def __enter__(self) -> "Waits":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)

    def report(self) -> None:
        if not self.samples:
            return
        busy = sum(self.states.values()) / self.samples
        print(f"    database sessions not idle, on average {busy:.1f} ({self.samples} samples); per state / wait:")
        for what, n in self.states.most_common(8):
            print(f"      {n / self.samples:5.2f}  {what}")
        for what, n in self.waiting.most_common(5):
            print(f"      waiting on a lock {n / self.samples:5.2f}: {what}")


def run_phase(label: str, phones: list[Phone], work: Callable[[Phone], Outcome], clients: int,
              expected: str) -> Phase:
    with Waits() as waits, ThreadPoolExecutor(max_workers=min(clients, len(phones))) as pool:
        start = time.perf_counter()
        outcomes = list(pool.map(work, phones))
        seconds = time.perf_counter() - start
    phase = Phase(label, seconds, outcomes, expected)
    show(phase)
    waits.report()
    return phase


def show(phase: Phase) -> None:
    s = phase.summary()
    print(f"  {phase.label}: {s['seconds']:.2f} s wall, {s['calls']:,} calls ({s['requests_per_s']:.1f}/s), "
          f"{s['commands']:,} commands ({s['commands_per_s']:.1f}/s), errors {s['errors']}", flush=True)
    for name in ("caseload_ms", "sync_ms"):
        if s[name]["n"]:
            d = s[name]
            print(f"    {name.split('_')[0]:<9} calls {d['n']:>6,}  p50 {d['p50']:8.1f} ms  p95 {d['p95']:8.1f} ms  "
                  f"max {d['max']:8.1f} ms")
    if s["caseload_kb"]["max"]:
        print(f"    caseload size p50 {s['caseload_kb']['p50']:.1f} KB, max {s['caseload_kb']['max']:.1f} KB")
    print(f"    HTTP {dict(sorted(s['http'].items()))}; results {dict(sorted(s['results'].items()))}")
    errors = Counter(phase.errors)
    for message, n in errors.most_common(8):
        print(f"    ERROR x{n}: {message[:300]}")
    if len(errors) > 8:
        print(f"    ... {len(errors) - 8} more kinds of error")


@dataclass(frozen=True)
class Before:
    """Where the database and the server log stood when a phase began."""

    visits: int
    event: int
    log: int


def before() -> Before:
    from django.db import connection
    from django.db.models import Max

    from entas.core.models import Event
    from entas.graduation.models import Visit

    found = Before(Visit.objects.count(), Event.objects.aggregate(m=Max("id"))["m"] or 0,
                   SERVER_LOG.stat().st_size if SERVER_LOG.exists() else 0)
    connection.close()
    return found


def check_db(phase: Phase, start: Before, new_visits: int, outcome: str, ids: Iterable[str]) -> None:
    """The database after a phase: `new_visits` more Visit rows, a Command row with `outcome` for
    every id the phase sent; the domain events its changes wrote, and whether they were delivered
    (a failed delivery is logged by the server and left pending for the next commit to retry)."""
    from django.db import connection
    from django.db.models import Count, Q

    from entas.core.models import Event
    from entas.field.models import Command
    from entas.graduation.models import Visit

    wanted = sorted(set(ids))
    found = dict(Command.objects.filter(pk__in=wanted).values_list("outcome").annotate(n=Count("pk")))
    added = Visit.objects.count() - start.visits
    events = Event.objects.filter(id__gt=start.event).aggregate(
        n=Count("id"), pending=Count("id", filter=Q(delivered_at__isnull=True)),
        failed=Count("id", filter=Q(attempts__gt=0)))
    first_error = (Event.objects.filter(id__gt=start.event, attempts__gt=0).exclude(last_error="")
                   .values_list("last_error", flat=True).first() or "")
    connection.close()
    log = SERVER_LOG.read_bytes()[start.log:].decode(errors="replace") if SERVER_LOG.exists() else ""
    failures = log.count("delivery failed") + log.count("delivered one by one after a failure")
    ok_visits = added == new_visits
    ok_commands = found.get(outcome, 0) == len(wanted) == sum(found.values())
    phase.ok_in_db = ok_visits and ok_commands
    phase.server_errors = events["failed"] + (failures if phase.label[:3] != "(c)" else 0)
    phase.checked = [f"new Visit rows {added:,} (expected {new_visits:,}): {'ok' if ok_visits else 'WRONG'}",
                     f"Command rows of the {len(wanted):,} ids sent: {found} (expected {len(wanted):,} {outcome}): "
                     f"{'ok' if ok_commands else 'WRONG'}",
                     f"domain events written {events['n']:,}, still pending {events['pending']:,}, with a failed "
                     f"delivery {events['failed']:,}" + (f" (first: {first_error.splitlines()[0][:160]})"
                                                          if first_error else ""),
                     f"server log: {failures:,} event deliveries failed or fell back to one by one"]
    for line in phase.checked:
        print(f"    db: {line}")


def phone_ids(phase: Phase) -> list[str]:
    return [command["id"] for o in phase.outcomes for body in o.bodies for command in json.loads(body)["commands"]]


# --- in process ---------------------------------------------------------------------------------------


class DeliveryTimer:
    """Time spent in core.events.deliver_pending (run after each commit), in each subscriber it hands
    the events to (the programme tally, the monitoring rollups, DCI notifications) and in the rollups
    recomputed inline: the module functions and the subscriber list are wrapped in this process only,
    while timing, and put back after."""

    def __init__(self) -> None:
        from entas.core import events
        from entas.monitoring import rollups

        self.events = events
        self.modules = {"deliver_pending": events, "process": rollups}
        self.originals: dict[str, Any] = {}
        self.handlers: list[Any] = []
        self.seconds: dict[str, float] = {}
        self.calls: Counter[str] = Counter()

    def wrap(self, name: str, original: Any) -> Any:
        self.seconds.setdefault(name, 0.0)

        def timed_call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1

        return timed_call

    def __enter__(self) -> "DeliveryTimer":
        for name, module in self.modules.items():
            self.originals[name] = getattr(module, name)
            setattr(module, name, self.wrap(name, self.originals[name]))
        self.handlers = list(self.events._handlers)
        self.events._handlers[:] = [self.wrap(f"{h.__module__}.{h.__name__}", h) for h in self.handlers]
        return self

    def __exit__(self, *exc: object) -> None:
        for name, module in self.modules.items():
            setattr(module, name, self.originals[name])
        self.events._handlers[:] = self.handlers

    def report(self, calls: int) -> str:
        parts = [f"{name.removeprefix('entas.')} {self.seconds[name]:.2f} s ({self.calls[name]:,} calls, "
                 f"{1000 * self.seconds[name] / max(1, calls):.1f} ms per sync call)" for name in self.seconds]
        return "; ".join(parts)


def in_process(phones: list[Phone], offset: int, visits: int) -> Phase:
    """(c): receive() called here, one call of `visits` commands per phone, one phone at a time."""
    from django.db import connection

    from entas.core.context import origin
    from entas.field import services

    outcomes = []
    delivery = DeliveryTimer()
    with delivery, origin("api", "127.0.0.1"):
        start = time.perf_counter()
        for phone in phones:
            outcome = Outcome()
            commands = visit_commands(phone, offset, visits, random.Random(phone.n * 7919 + offset))
            began = time.perf_counter()
            device = services.authenticated(f"Device {phone.token}")
            results = services.receive(device, commands)
            outcome.sync_ms.append((time.perf_counter() - began) * 1000)
            outcome.bodies.append(json.dumps({"commands": commands}).encode())
            for result in results:
                outcome.results[str(result["status"])] += 1
                if result["status"] != "applied":
                    outcome.errors.append(f"command {result['status']}: {result.get('field')}: {result['message']}")
            outcomes.append(outcome)
        seconds = time.perf_counter() - start
    connection.close()
    phase = Phase("(c) in-process receive()", seconds, outcomes, "applied", extra={
        "calls": len(phones), "delivery": {name: {"seconds": delivery.seconds[name], "calls": delivery.calls[name]}
                                           for name in delivery.seconds}})
    show(phase)
    print(f"    time inside, after each commit: {delivery.report(len(phones))}")
    return phase


def profile_receive(phones: list[Phone], offset: int, visits: int, commands: int) -> None:
    """cProfile of receive() for about `commands` commands, in calls of `visits`: where the time goes."""
    from django.db import connection

    from entas.core.context import origin
    from entas.field import services

    calls = max(1, commands // max(1, visits))
    chosen = phones[:calls]
    profiler = cProfile.Profile()
    with origin("api", "127.0.0.1"):
        start = time.perf_counter()
        profiler.enable()
        for phone in chosen:
            device = services.authenticated(f"Device {phone.token}")
            services.receive(device, visit_commands(phone, offset, visits, random.Random(phone.n + offset)))
        profiler.disable()
        seconds = time.perf_counter() - start
    connection.close()
    print(f"\ncProfile of receive(): {len(chosen)} calls x {visits} commands in {seconds:.2f} s "
          f"({1000 * seconds / (len(chosen) * visits):.1f} ms per command, under the profiler)")
    for sort in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(sort)
        stats.print_stats(28)
        lines = [line for line in text.getvalue().splitlines() if line.strip()]
        start_at = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print(f"  sorted by {sort}:")
        for line in lines[start_at:]:
            print(f"    {line[:150]}")


# --- main -------------------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facilitators", type=int, default=1000)
    parser.add_argument("--families", type=int, default=30, help="families per facilitator")
    parser.add_argument("--visits", type=int, default=5, help="new visits per phone")
    parser.add_argument("--reuse", action="store_true", help="skip the setup when the database holds the data")
    parser.add_argument("--settings", default="4x4,3x6",
                        help="gunicorn workers x threads to try for (a), comma-separated; the fastest is kept")
    parser.add_argument("--clients", type=int, default=200, help="client threads (phones in flight at once)")
    parser.add_argument("--profile", action="store_true", help="cProfile receive() in-process (also done when "
                                                               "the 60 s target is missed)")
    parser.add_argument("--profile-commands", type=int, default=200)
    args = parser.parse_args()
    settings = [tuple(int(x) for x in s.lower().split("x")) for s in args.settings.split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update(environment())
    print(f"Field sync benchmark: {args.facilitators:,} facilitators x {args.families} families, {args.visits} new "
          f"visits each; database {BENCH.pg_name} on {PG_SERVER.rsplit('@', 1)[-1]}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)

    why = reusable(args.facilitators, args.families) if args.reuse else "no --reuse"
    if why:
        print(f"setup ({why}):")
        started = time.perf_counter()
        timed("fresh database: create, migrate, load regions", lambda: BENCH.fresh("postgres"))
        import django

        django.setup()
        _, made = timed("data (services for the programme and rules, bulk_create for the rest)",
                        lambda: make_data(args.facilitators, args.families))
        DEVICES_FILE.write_text(json.dumps(made))
        print(f"  setup took {time.perf_counter() - started:.1f} s; tokens in {DEVICES_FILE.relative_to(ROOT)}")
    else:
        import django

        django.setup()
        print(f"setup skipped (--reuse): the database holds the {args.facilitators:,} devices of "
              f"{DEVICES_FILE.relative_to(ROOT)}")
    from django.db import connection

    saved = json.loads(DEVICES_FILE.read_text())
    phones = [Phone(p["n"], p["device"], p["token"]) for p in saved["phones"]]
    n, v = len(phones), args.visits
    connection.close()

    results: dict[str, Any] = {"facilitators": n, "families": args.families, "visits": v, "clients": args.clients}
    tried: list[tuple[tuple[int, ...], Phase]] = []
    port = free_port()
    print(f"\n(a) batched: {n:,} phones, caseload then one sync of {v} commands; {args.clients} client threads; "
          f"server settings tried: {', '.join(f'{w}x{t}' for w, t in settings)}", flush=True)
    for k, (workers, threads) in enumerate(settings):
        server = start_server(port, workers, threads)
        try:
            warm = Phone(phones[-1].n, phones[-1].device, phones[-1].token)
            for _ in range(3):  # the workers' first requests (imports, connections): not counted
                session(port, 0, 0, 1)(warm)
            start = before()
            phase = run_phase(f"(a) {workers} workers x {threads} threads", phones,
                              session(port, k * v, v, v), args.clients, "applied")
            check_db(phase, start, n * v, "applied", phone_ids(phase))
            phase.extra.update(workers=workers, threads=threads)
            tried.append(((workers, threads), phase))
        finally:
            stop_server(server)
    (workers, threads), batched = min(tried, key=lambda t: t[1].seconds)
    print(f"  kept: {workers} workers x {threads} threads ({batched.seconds:.2f} s)"
          + ("" if len(tried) == 1 else "; the others: " + ", ".join(
              f"{w}x{t} {p.seconds:.2f} s" for (w, t), p in tried if p is not batched)), flush=True)
    results["settings_tried"] = [p.summary() for _, p in tried]

    server = start_server(port, workers, threads)
    try:
        by_phone = {p.n: o.bodies for p, o in zip(phones, batched.outcomes, strict=True)}
        start = before()
        print(f"\nreplay: the same {sum(len(b) for b in by_phone.values()):,} sync calls again, "
              f"{workers}x{threads}", flush=True)
        replayed = run_phase("replay", phones, replay(port, by_phone), args.clients, "duplicate")
        check_db(replayed, start, 0, "applied", phone_ids(batched))
        duplicates = replayed.summary()["results"].get("duplicate", 0)
        print(f"    replay: {duplicates:,} of {n * v:,} results duplicate: "
              f"{'ok' if duplicates == n * v else 'WRONG'}")

        print(f"\n(b) one command per call: {n:,} phones, caseload then {v} syncs of 1 command, {workers}x{threads}",
              flush=True)
        start = before()
        single = run_phase("(b) one per call", phones, session(port, len(settings) * v, v, 1), args.clients,
                           "applied")
        check_db(single, start, n * v, "applied", phone_ids(single))
    finally:
        stop_server(server)

    print(f"\n(c) in-process: receive() for {n:,} phones x {v} commands, one at a time (server stopped)", flush=True)
    start = before()
    reference = in_process(phones, (len(settings) + 1) * v, v)
    check_db(reference, start, n * v, "applied", phone_ids(reference))

    a, b, c = batched.summary(), single.summary(), reference.summary()
    results.update(batched=a, replay=replayed.summary(), single=b, in_process=c)
    print("\nSide by side (the kept server setting for (a) and (b)):")
    print(f"  {'way':<34} {'wall s':>7} {'calls':>6} {'req/s':>7} {'cmds/s':>7} {'caseload p50/p95/max ms':>25} "
          f"{'sync p50/p95/max ms':>24} {'KB p50/max':>12} {'errors':>6}")
    for s in (a, replayed.summary(), b, c):
        cl, sy = s["caseload_ms"], s["sync_ms"]
        cl_text = f"{cl['p50']:.0f}/{cl['p95']:.0f}/{cl['max']:.0f}" if cl["n"] else "-"
        sy_text = f"{sy['p50']:.0f}/{sy['p95']:.0f}/{sy['max']:.0f}" if sy["n"] else "-"
        kb = f"{s['caseload_kb']['p50']:.1f}/{s['caseload_kb']['max']:.1f}" if s["caseload_kb"]["max"] else "-"
        print(f"  {s['label']:<34} {s['seconds']:>7.2f} {s['calls']:>6,} {s['requests_per_s']:>7.1f} "
              f"{s['commands_per_s']:>7.1f} {cl_text:>25} {sy_text:>24} {kb:>12} {s['errors']:>6}")
    print(f"  b/a (one per call / batched), wall time: {b['seconds'] / a['seconds']:.2f}x; "
          f"sync calls {b['calls'] - n:,} vs {a['calls'] - n:,}")
    print(f"  a/c (batched over HTTP, with caseload downloads / in-process receive() alone), wall time: "
          f"{a['seconds'] / c['seconds']:.2f}x")
    print(f"  in-process receive(): {1000 * c['seconds'] / c['commands']:.1f} ms per command, of which event "
          f"delivery after commit {1000 * c['delivery']['deliver_pending']['seconds'] / c['commands']:.1f} ms")

    largest = max((o.largest for o in batched.outcomes), key=len)
    errors_a = a["errors"] + (0 if batched.ok_in_db else 1)
    all_ok = all(p.ok_in_db for p in (batched, replayed, single, reference))
    print("\nTargets (issue 18):")
    print(f"  {n:,} facilitators syncing at once, all done < {TARGET_SECONDS:.0f} s: "
          f"{mark(a['seconds'] < TARGET_SECONDS)} ({a['seconds']:.1f} s, {workers}x{threads}; "
          f"errors {a['errors']}, database {'ok' if batched.ok_in_db else 'WRONG'})")
    print(f"  with no error seen by the phones: {mark(errors_a == 0)} (all phases' database checks: "
          f"{'ok' if all_ok else 'WRONG'})")
    print(f"  with no error on the server (event deliveries after commit, (a)): {mark(batched.server_errors == 0)} "
          f"({batched.server_errors:,}; all phases: {sum(p.server_errors for p in (batched, replayed, single)):,})")
    print(f"  one facilitator's caseload < {TARGET_CASELOAD_KB:.0f} KB: "
          f"{mark(a['caseload_kb']['max'] < TARGET_CASELOAD_KB)} (max {a['caseload_kb']['max']:.1f} KB, "
          f"{len(gzip.compress(largest)) / 1024:.1f} KB gzipped; p50 {a['caseload_kb']['p50']:.1f} KB)")
    if n < 1000 or args.families != 30 or v != 5:
        print(f"  (this run: {n:,} x {args.families} x {v}, not the issue's 1,000 x 30 x 5)")
    results["targets"] = {"seconds": a["seconds"], "seconds_ok": a["seconds"] < TARGET_SECONDS,
                          "errors": errors_a, "server_errors": batched.server_errors,
                          "caseload_kb_max": a["caseload_kb"]["max"],
                          "caseload_ok": a["caseload_kb"]["max"] < TARGET_CASELOAD_KB}
    if args.profile or a["seconds"] >= TARGET_SECONDS:
        profile_receive(phones, (len(settings) + 2) * v, v, args.profile_commands)
    out = OUT / f"field-{n}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"(also in {out.relative_to(ROOT)}; server log {SERVER_LOG.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
