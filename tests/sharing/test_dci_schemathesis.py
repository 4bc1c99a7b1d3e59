"""Schemathesis over /dci/openapi.json, in the suite, as a bounded run (the way tests/api/test_schemathesis.py
drives the REST API's description).

Every operation is called with a valid access token, over a registry holding two families:

- the coverage phase: Schemathesis's deterministic boundary values for every body field (too long,
  too small, wrong type, missing, …);
- a short fuzzing phase: a few generated valid requests per operation (derandomized, no example
  database).

Each generated envelope is sent twice: as generated (its signature is a random text, so it is
refused at the signature at the latest) and again re-signed by the client with a fresh header (its
sender, time and message id), so that the message itself reaches the search, the transaction
store and the worker (its callback posts are recorded, not sent).

Checked: no answer is a server error (5xx), and every answer matches what the description says.
"""

import copy
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from entas.sharing import exchanges, protocol, signatures
from tests.registry.factories import household
from tests.sharing.kit import Partner, make_partner, terms

pytestmark = pytest.mark.django_db

EXAMPLES = 5  # fuzzed requests per operation and mode
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
CHECKS = [not_a_server_error, response_schema_conformance]


@dataclass
class Run:
    partner: Partner
    after_commit: Callable[..., Any]
    calls: int = 0
    operations: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: dict[str, set[int]] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.partner.token}"}

    def call(self, case: Any) -> None:
        self._send(case)
        signed = self.signed(case.body)
        if signed is not None:
            case.body = signed
            self._send(case)

    def signed(self, body: Any) -> dict[str, Any] | None:
        """The envelope as the client would sign it: its own sender id, now, a new message id."""
        if not isinstance(body, dict) or not isinstance(body.get("header"), dict) \
                or not isinstance(body.get("message"), dict):
            return None
        body = copy.deepcopy(body)
        header = body["header"]
        header.update(sender_id=self.partner.client.client_id, message_ts=protocol.now_iso(),
                      message_id=str(uuid.uuid4()))
        if "sender_uri" in header:
            header["sender_uri"] = self.partner.client.callback_uris[0] + "/registry/on-search"
        body["signature"] = signatures.sign(header, body["message"], key=self.partner.key,
                                            sender_id=self.partner.client.client_id, key_id=self.partner.kid)
        return body

    def _send(self, case: Any) -> None:
        with self.after_commit(execute=True):
            response = case.call(headers=self.headers)
        self.calls += 1
        self.statuses.setdefault(case.operation.label, set()).add(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except (Failure, FailureGroup) as failed:
            for failure in failed.exceptions if isinstance(failed, FailureGroup) else [failed]:
                message = " ".join(failure.message.split())[:300]
                self.failures.append(f"{case.operation.label}: {response.status_code} {failure.title} {message}")


@pytest.fixture
def in_process() -> Iterator[None]:
    # Django closes a connection left in a transaction at the end of a request; the test's own
    # transaction must survive the calls (Django's test Client disconnects the same receivers).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callbacks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []

    def recorded(url: str, body: dict[str, Any]) -> tuple[bool, str]:
        sent.append(url)
        return True, ""

    monkeypatch.setattr(exchanges, "post", recorded)
    return sent


def cover(schema: Any, operation: Any, run: Run) -> None:
    generation = schema.config.generation_for(operation=operation, phase="coverage")
    for case in schema.iter_coverage_cases(operation, generation_modes=MODES, generation_config=generation):
        run.call(case)


def fuzz(operation: Any, mode: schemathesis.GenerationMode, run: Run) -> None:
    @hypothesis.settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        run.call(case)

    call()


def test_no_dci_operation_answers_a_server_error_or_breaks_its_description(
        in_process: None, callbacks: list[str], django_capture_on_commit_callbacks: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    household("3310010101250001", "33.10.01.2001", decile=1, head_nik="3310014105850001")
    household("3310010101250002", "33.10.01.2001", decile=3, head_nik="3310014105850002")
    partner = make_partner(terms(), requests_per_minute=100_000, records_per_day=50_000_000)
    schema = schemathesis.openapi.from_wsgi("/dci/openapi.json", WSGIHandler())
    run, started = Run(partner, django_capture_on_commit_callbacks), time.monotonic()
    found = list(schema.get_all_operations())
    assert [result for result in found if not isinstance(result, Ok)] == []
    operations = [result.ok() for result in found if isinstance(result, Ok)]
    for operation in operations:
        run.operations += 1
        cover(schema, operation, run)
        fuzz(operation, schemathesis.GenerationMode.POSITIVE, run)
    took = time.monotonic() - started
    with capsys.disabled():
        print(f"\nschemathesis /dci/: {run.operations} operations, {run.calls} calls, {len(run.failures)} failures, "
              f"{took:.1f} s, {len(callbacks)} callbacks; statuses "
              f"{ {label: sorted(codes) for label, codes in run.statuses.items()} }")
    assert not run.failures, "\n".join(sorted(set(run.failures)))
    assert run.operations == 8
    # The signed envelopes got past the signature: every registry route answered 200 at least once.
    answered = {label for label, codes in run.statuses.items() if 200 in codes}
    assert {operation.label for operation in operations if "/registry/" in operation.path} - answered == set()
