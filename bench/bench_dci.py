"""The DCI Social Registry API (entas/sharing) at national scale, against the running server:

  latency     one client, one request at a time: p50/p95 of a signed sync search by NIK
              (idtype-value) and of an expression search returning a page of 100 Member records
              (collection Member, location = a regency, desil <= 3 or poverty_score >= 8); the REST
              API's /api/people/?q=<NIK> beside them
  throughput  --clients concurrent clients (threads, persistent HTTP/1.1 connections) for
              --duration seconds each: signed sync searches by NIK against /dci/registry/sync/search
              vs the plain REST endpoint /api/people/?q=<NIK> serving the same people with the same
              client's bearer token (an OAuth2 access token from POST /dci/oauth2/client/token), the
              two alternated --rounds times; requests per second, errors and the DCI/REST ratio

  .venv/bin/python bench/bench_dci.py --people 200000            # a quick run
  .venv/bin/python bench/bench_dci.py --people 10000000          # the issue's size
  .venv/bin/python bench/bench_dci.py --people 10000000 --reuse  # the database as the last run left it

Targets (issue): at 10 M people, NIK search p95 < 50 ms and the 100-record expression page p95 <
200 ms; >= 150 signed sync searches per second with 16 concurrent clients and no errors, and >= 0.7 x
the REST endpoint's rate. The script prints the figures and ratios beside the targets; it asserts
nothing.

Setup (skipped with --reuse): the PostgreSQL database `entas_bench` on TEST_POSTGRES_URL's server is
dropped and created, migrated, the regions loaded; `entas synth` writes N people in households over
every province (bench/out/dci-synth-N, reused when present) and the registry import
(ingest.services.import_file: staging with COPY, full validation, merge, indexes rebuilt after a large
load) loads households then people; then ANALYZE. Every run, --reuse or not: one data-sharing
agreement (national, every field, targeting and verification; made once) and a new client with a
fresh Ed25519 key and limits high enough for the bench; then the server is started as `entas serve`
starts it (gunicorn entas.wsgi, gthread, --workers x --threads; DEBUG off, no access log, no task
worker) on a free port, and stopped at the end.

Signing is client work and is done before the clock starts: each phase signs its envelopes (a fresh
message_id and message_ts per request, so no replay and nothing stale) just before it runs, and the
timings are the HTTP round trips only (request sent, whole answer read). The server verifies every
signature, checks freshness and replay, counts the rate limit, answers, writes the audit entry and
one Disclosure per record, and signs its answer: all of that is inside the timings.
"""

import argparse
import base64
import datetime
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import OUT, ROOT, BenchDatabase, timed

BENCH = BenchDatabase("entas_bench", "bench.sqlite3")
AGREEMENT = "PKS-BENCH/DCI/2026"
NIK_SAMPLE = 20_000
TARGETS = {"nik_p95_ms": 50, "expression_p95_ms": 200, "dci_rps": 150, "dci_vs_rest": 0.7}


def environment() -> dict[str, str]:
    return {**BENCH.environment("postgres"), "DEBUG": "0", "LOG_LEVEL": "WARNING"}


# --- setup ---------------------------------------------------------------------------------------


def load(people: int) -> None:
    from django.db import connection

    from entas.ingest.models import ImportBatch
    from entas.ingest.services import import_file

    timed("fresh database: create, migrate, load regions", lambda: BENCH.fresh("postgres"))
    connection.close()
    folder = OUT / f"dci-synth-{people}"
    if not (folder / "people.csv").exists():
        with connection.cursor() as cursor:
            cursor.execute("SELECT string_agg(code, ',' ORDER BY code) FROM regions_region WHERE level = 1")
            provinces = cursor.fetchone()[0]
        timed(f"entas synth --people {people:,} over all 38 provinces", lambda: BENCH.manage(
            "postgres", "synth", "--people", str(people), "--regions", provinces, "--poor-regions", "none",
            "--out", str(folder)))
    for name, kind in (("households.csv", "households"), ("people.csv", "people")):
        _, batch = timed(f"registry import of {name} (import_file)", partial(
            import_file, None, "registry", folder / name, kind=kind))
        if batch.status != ImportBatch.Status.DONE:
            raise SystemExit(f"import of {name} failed: {batch.error_message}")
    with connection.cursor() as cursor:
        timed("VACUUM ANALYZE", lambda: cursor.execute("VACUUM ANALYZE"))


def make_client() -> tuple[Any, str, Any, str]:
    """The agreement (made once) and a new client with its own key: (client, secret, key, kid)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from entas.partnerships import services as partnerships
    from entas.partnerships import sharing_terms
    from entas.partnerships.models import Agreement, DataSharing, Purpose, SharedField
    from entas.sharing import clients, keys

    terms = DataSharing.objects.filter(agreement__number=AGREEMENT).first()
    if terms is None:
        party = partnerships.create_partner(None, name="Bappenas (bench)", kind="ministry")
        pks = Agreement.objects.filter(number=AGREEMENT).first() or partnerships.create_agreement(
            None, kind="pks", number=AGREEMENT, title="Bench DCI", parties=[party],
            signed=datetime.date(2025, 1, 1), valid_until=datetime.date(2035, 1, 1))
        terms = sharing_terms.set_data_sharing(
            None, pks, purposes=[Purpose.TARGETING, Purpose.VERIFICATION], fields=list(SharedField.values),
            region=None, valid_from=datetime.date(2025, 1, 1), valid_until=datetime.date(2034, 12, 31),
            daily_records=sharing_terms.MAX_DAILY_RECORDS)
    key, kid = Ed25519PrivateKey.generate(), "bench-key-1"
    client, secret = clients.register_client(
        None, client_id=f"bench-{uuid.uuid4().hex[:12]}", name="Bench client", data_sharing=terms,
        jwks={"keys": [keys.public_jwk(key.public_key(), kid)]},
        requests_per_minute=clients.MAX_REQUESTS_PER_MINUTE, records_per_day=clients.MAX_RECORDS_PER_DAY)
    return client, secret, key, kid


def sample_niks(count: int) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_person'")
        rows = max(1.0, float(cursor.fetchone()[0]))
        share = min(100.0, 100.0 * 3 * count / rows)
        cursor.execute(f"SELECT nik FROM registry_person TABLESAMPLE SYSTEM ({share:.6f}) LIMIT {count}")
        niks = [row[0] for row in cursor.fetchall()]
    random.Random(7).shuffle(niks)
    return niks


def regencies_for_pages(limit: int) -> list[tuple[str, int]]:
    """Regencies where `desil <= 3` finds a full page (>= 100 people) and no more than the server's
    DCI_MAX_MATCHES (a larger answer is refused: 'narrow the query'): (code, matches), largest first."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT left(h.village_id, 5) AS regency, COUNT(*) FROM registry_person p
            JOIN registry_household h ON h.id = p.household_id WHERE h.decile <= 3
            GROUP BY 1 HAVING COUNT(*) BETWEEN 100 AND %s ORDER BY 2 DESC""", [settings.DCI_MAX_MATCHES])
        found = [(code, int(n)) for code, n in cursor.fetchall()]
    return found[:limit]


# --- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    log = open(OUT / "dci-server.log", "wb")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "entas.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "300"],
        env=environment(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/dci/.well-known/jwks.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {OUT / 'dci-server.log'}")
    raise SystemExit("the server did not answer within 60 s")


def access_token(port: int, client_id: str, secret: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    connection.request("POST", "/dci/oauth2/client/token", body="grant_type=client_credentials",
                       headers={"Authorization": f"Basic {basic}",
                                "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        raise SystemExit(f"token refused: {body}")
    return str(body["access_token"])


# --- requests ---------------------------------------------------------------------------------------


class Signer:
    """The partner's side: envelopes signed with its key, a fresh message_id and message_ts each."""

    def __init__(self, client_id: str, key: Any, kid: str) -> None:
        self.client_id, self.key, self.kid = client_id, key, kid

    def body(self, criteria: dict[str, Any]) -> bytes:
        from entas.sharing import protocol, signatures

        now = protocol.now_iso()
        criteria = {**criteria, "authorize": {"@type": "Authorize", "ts": now, "purpose": {"code": "targeting"}}}
        message = {"transaction_id": str(uuid.uuid4()), "search_request": [
            {"reference_id": "ref-1", "timestamp": now, "locale": "ind", "search_criteria": criteria}]}
        header = {"version": "1.0.0", "message_id": str(uuid.uuid4()), "message_ts": now, "action": "search",
                  "sender_id": self.client_id, "receiver_id": "entas", "total_count": 1, "is_msg_encrypted": False}
        signature = signatures.sign(header, message, key=self.key, sender_id=self.client_id, key_id=self.kid)
        return json.dumps({"signature": signature, "header": header, "message": message}).encode()


def nik_criteria(nik: str) -> dict[str, Any]:
    return {"query_type": "idtype-value", "query": {"type": "NIK", "value": nik}}


def expression_criteria(regency: str, form: int) -> dict[str, Any]:
    poverty = {"desil": {"$le": 3}} if form == 0 else {"poverty_score": {"$ge": 8}}
    return {"query_type": "expression", "query": {"type": "ns:dci:query:expression", "value": {"expression": {
        "collection": "Member", "query": {"$and": [{"location": {"$eq": regency}}, poverty]}}}},
        "pagination": {"page_size": 100, "page_number": 1}}


class Http:
    """One persistent HTTP/1.1 connection (a client's), reopened when the server closes it."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.connection: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        else:  # the REST API asks an API client for the purpose of each read of personal data
            headers["X-Purpose"] = "targeting"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def dci_ok(status: int, data: bytes, records: int | None = None) -> bool:
    if status != 200:
        return False
    if records is None:
        return b'"status": "succ"' in data or b'"status":"succ"' in data
    item = json.loads(data)["message"]["search_response"][0]
    return item["status"] == "succ" and len(item["data"]["reg_records"]) == records


def rest_ok(status: int, data: bytes) -> bool:
    return status == 200 and (b'"count": 1' in data or b'"count":1' in data)


def latency(label: str, send: Any, bodies: list[Any], check: Any) -> dict[str, Any]:
    """One request at a time: p50/p95 of the round trips, after a few warm-up requests."""
    for body in bodies[:5]:
        send(body)
    times, errors = [], 0
    for body in bodies[5:]:
        start = time.perf_counter()
        status, data = send(body)
        times.append((time.perf_counter() - start) * 1000)
        if not check(status, data):
            errors += 1
            if errors == 1:
                print(f"    first error: {status} {data[:400]!r}")
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    result = {"label": label, "requests": len(times), "p50": statistics.median(times), "p95": p95,
              "max": times[-1], "errors": errors}
    print(f"  {label:<58} p50 {result['p50']:7.1f} ms  p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms  "
          f"errors {errors}", flush=True)
    return result


def load_test(label: str, port: int, token: str, clients: int, seconds: float, make: Any,
              check: Any) -> dict[str, Any]:
    """`clients` threads, each with its own connection, sending as fast as answers come for
    `seconds`; `make(i)` gives request i (method, path, body), prepared before the clock starts."""
    counter, lock, stop = [0], threading.Lock(), threading.Event()
    done, errors = [0] * clients, [0] * clients
    times: list[list[float]] = [[] for _ in range(clients)]
    first_error: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def work(n: int) -> None:
        http_ = Http(port, token)
        barrier.wait()
        while not stop.is_set():
            with lock:
                i = counter[0]
                counter[0] += 1
            method, path, body = make(i)
            start = time.perf_counter()
            try:
                status, data = http_.send(method, path, body)
            except OSError as error:
                status, data = 0, repr(error).encode()
            if stop.is_set():
                break  # answered after the end: not counted
            times[n].append(time.perf_counter() - start)
            if check(status, data):
                done[n] += 1
            else:
                errors[n] += 1
                if not first_error:
                    first_error.append(f"{status} {data[:300]!r}")

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join(timeout=130)
    all_times = sorted(t * 1000 for ts in times for t in ts)
    p95 = all_times[min(len(all_times) - 1, round(0.95 * len(all_times)) - 1)] if all_times else 0.0
    result = {"label": label, "ok": sum(done), "errors": sum(errors), "seconds": elapsed,
              "rps": sum(done) / elapsed, "p50": statistics.median(all_times) if all_times else 0.0, "p95": p95}
    print(f"  {label:<40} {result['ok']:>7,} ok {result['errors']:>5} errors in {elapsed:5.1f} s  "
          f"{result['rps']:7.1f} req/s   p50 {result['p50']:6.1f} ms  p95 {p95:6.1f} ms", flush=True)
    if first_error:
        print(f"    first error: {first_error[0]}")
    return result


# --- profile helpers ---------------------------------------------------------------------------------


def explain(client: Any, criteria: dict[str, Any]) -> None:
    """EXPLAIN ANALYZE of the registry queries answer_search makes for `criteria`, as it makes them
    (captured from a run in this process; nothing is written)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from entas.sharing import protocol, services

    message = {"transaction_id": "explain", "search_request": [{"reference_id": "ref-1", "timestamp":
               protocol.now_iso(), "search_criteria": {**criteria, "authorize": {"purpose": {"code": "targeting"}}}}]}
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        answer = services.answer_search(client, message)
        took = (time.perf_counter() - started) * 1000
    print(f"    answer_search in process: {took:.1f} ms, {len(captured.captured_queries)} queries, "
          f"{answer.record_count} records")
    for query in captured.captured_queries:
        sql = query["sql"]
        if "registry_" not in sql or not sql.startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n      ".join(row[0] for row in cursor.fetchall())
        print(f"    {sql[:400]}\n      {plan}")


# --- main -----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database as it is (no setup)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2: 2 cores)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8: 16 in all)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of each throughput phase")
    parser.add_argument("--rounds", type=int, default=2, help="DCI/REST throughput phases, alternated")
    parser.add_argument("--requests", type=int, default=300, help="requests per latency measurement")
    parser.add_argument("--database", default="entas_bench", help="PostgreSQL database (dropped and created)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of both searches")
    args = parser.parse_args()
    global BENCH
    BENCH = BenchDatabase(args.database, "bench.sqlite3")
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update(environment())
    import django

    django.setup()
    from django.db import connection

    load_before = os.getloadavg()[0]
    print(f"DCI benchmark: {args.people:,} people wanted, database {BENCH.pg_name}, {os.cpu_count()} CPUs",
          flush=True)
    if not args.reuse:
        load(args.people)
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT COUNT(*) FROM registry_person), (SELECT COUNT(*) FROM registry_household)")
        people, households = cursor.fetchone()
    client, secret, key, kid = make_client()
    niks = sample_niks(NIK_SAMPLE)
    regencies = regencies_for_pages(50)
    if not regencies:
        raise SystemExit("no regency has between 100 and DCI_MAX_MATCHES people in desil 1-3")
    print(f"  {people:,} people in {households:,} households; client {client.client_id}; {len(niks):,} NIKs "
          f"sampled; {len(regencies)} regencies with 100..{max(n for _, n in regencies):,} matches "
          f"(median {statistics.median(n for _, n in regencies):,.0f}) for the expression search", flush=True)
    if args.explain:
        explain(client, {**nik_criteria(niks[0])})
        explain(client, expression_criteria(regencies[0][0], 0))
    connection.close()

    port = free_port()
    signer = Signer(client.client_id, key, kid)
    server = start_server(port, args.workers, args.threads)
    results: dict[str, Any] = {"people": people, "households": households, "workers": args.workers,
                               "threads": args.threads, "clients": args.clients}
    try:
        token = access_token(port, client.client_id, secret)
        one = Http(port, token)
        # The server signs its answers: check one against its published key.
        from entas.sharing import keys, signatures

        status, data = one.send("POST", "/dci/registry/sync/search", signer.body(nik_criteria(niks[0])))
        answer = json.loads(data)
        parsed = signatures.parse(answer["signature"])
        _, jwks_body = one.send("GET", "/dci/.well-known/jwks.json")
        entas_key = keys.public_key(json.loads(jwks_body), parsed.key_id)
        assert entas_key is not None, "Entas's answer names a key its JWKS does not publish"
        signatures.verify(parsed, entas_key, answer["header"], answer["message"])
        body = signer.body(nik_criteria(niks[1]))
        first, again = one.send("POST", "/dci/registry/sync/search", body)[0], one.send(
            "POST", "/dci/registry/sync/search", body)[0]
        if status != 200 or first != 200 or again != 409:
            raise SystemExit(f"the server answered {status}, {first}, then {again} for a replay: {data[:300]!r}")
        print(f"  server on 127.0.0.1:{port}: gunicorn gthread {args.workers} workers x {args.threads} threads; "
              "its answer's signature verified, a replayed message_id refused (409)\n", flush=True)

        print(f"Latency, one client, {args.requests} requests each (signed before the clock starts):")
        n = args.requests + 5
        nik_bodies = [signer.body(nik_criteria(nik)) for nik in niks[:n]]
        results["nik"] = latency("DCI sync search, idtype-value NIK", lambda b: one.send(
            "POST", "/dci/registry/sync/search", b), nik_bodies, lambda s, d: dci_ok(s, d, 1))
        expression_bodies = [signer.body(expression_criteria(regencies[i % len(regencies)][0], i % 2))
                             for i in range(n)]
        results["expression"] = latency("DCI sync search, expression: 100 Member records", lambda b: one.send(
            "POST", "/dci/registry/sync/search", b), expression_bodies, lambda s, d: dci_ok(s, d, 100))
        results["rest_latency"] = latency("REST /api/people/?q=<NIK>", lambda nik: one.send(
            "GET", "/api/people/?" + urllib.parse.urlencode({"q": nik})), niks[n:2 * n], rest_ok)

        print(f"\nThroughput, {args.clients} concurrent clients, {args.duration:.0f} s per phase, "
              f"search by NIK (DCI bodies signed before each phase):")
        dci_runs, rest_runs = [], []
        pool = niks[2 * n:] or niks
        for round_ in range(args.rounds):
            count = int(args.duration * 800)  # more than the server can answer in the phase
            bodies = [signer.body(nik_criteria(pool[i % len(pool)])) for i in range(count)]

            def dci(i: int, bodies: list[bytes] = bodies) -> tuple[str, str, bytes]:
                if i < len(bodies):
                    return "POST", "/dci/registry/sync/search", bodies[i]
                return "POST", "/dci/registry/sync/search", signer.body(nik_criteria(pool[i % len(pool)]))

            def rest(i: int) -> tuple[str, str, None]:
                return "GET", "/api/people/?" + urllib.parse.urlencode({"q": pool[i % len(pool)]}), None

            dci_runs.append(load_test(f"DCI sync search (round {round_ + 1})", port, token, args.clients,
                                      args.duration, dci, lambda s, d: dci_ok(s, d)))
            rest_runs.append(load_test(f"REST /api/people/?q= (round {round_ + 1})", port, token, args.clients,
                                       args.duration, rest, rest_ok))
        results["dci_runs"], results["rest_runs"] = dci_runs, rest_runs
    finally:
        server.terminate()
        server.wait(timeout=30)

    dci_rps = sum(r["ok"] for r in dci_runs) / sum(r["seconds"] for r in dci_runs)
    rest_rps = sum(r["ok"] for r in rest_runs) / sum(r["seconds"] for r in rest_runs)
    errors = sum(r["errors"] for r in dci_runs + rest_runs)
    ratio = dci_rps / rest_rps if rest_rps else 0.0
    results.update(dci_rps=dci_rps, rest_rps=rest_rps, ratio=ratio)

    def mark(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print(f"\nSummary: {people:,} people, {households:,} households; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    print(f"  {'measure':<46} {'measured':>12} {'target':>12}  ratio to target")
    rows = [
        ("NIK search p95", results["nik"]["p95"], TARGETS["nik_p95_ms"], "ms", True),
        ("expression page of 100 p95", results["expression"]["p95"], TARGETS["expression_p95_ms"], "ms", True),
        (f"DCI signed sync searches/s, {args.clients} clients", dci_rps, TARGETS["dci_rps"], "/s", False),
        ("DCI / REST throughput", ratio, TARGETS["dci_vs_rest"], "x", False),
    ]
    for label, value, target, unit, lower in rows:
        ok = value < target if lower else value >= target
        shown = f"{value:.2f} {unit}" if unit == "x" else f"{value:.1f} {unit}"
        wanted = f"{'<' if lower else '>='} {target} {unit}"
        print(f"  {label:<46} {shown:>12} {wanted:>12}  {value / target:5.2f}  {mark(ok)}")
    print(f"  DCI {dci_rps:.1f} req/s vs REST {rest_rps:.1f} req/s in the same run; errors in throughput phases: "
          f"{errors} ({mark(errors == 0)})")
    out = OUT / f"dci-{people}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"(also in {out.relative_to(ROOT)})")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
