"""Schemathesis over the whole OpenAPI description, in the suite, as a bounded run.

Every operation of `/api/schema/` is called, authenticated as a national administrator, over a
database holding one record of every kind:

- the coverage phase: Schemathesis's deterministic boundary values for every parameter and body
  field (too large, too small, wrong type, missing, …), valid ones sent to the stored records;
- a short fuzzing phase: a few generated valid requests per operation, on the stored records
  (derandomized, no example database).

Checked: no answer is a server error (5xx), and every answer the schema documents matches it.
"""

import time
from collections.abc import Iterator
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

from entas.accounts.models import User
from entas.accounts.tokens import issue_token
from tests.api.conftest import World

pytestmark = pytest.mark.django_db

EXAMPLES = 5  # fuzzed requests per operation
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
CHECKS = [not_a_server_error, response_schema_conformance]


@dataclass
class Run:
    headers: dict[str, str]
    operations: int = 0
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)  # operations that answered 2xx at least once

    def call(self, case: Any) -> None:
        response = case.call(headers=self.headers)
        self.calls += 1
        if response.status_code < 300:
            self.answered.add(case.operation.label)
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except (Failure, FailureGroup) as failed:
            for failure in failed.exceptions if isinstance(failed, FailureGroup) else [failed]:
                message = " ".join(failure.message.split())[:300]
                self.failures.append(f"{case.operation.label}: {response.status_code} {failure.title} "
                                     f"{case.method} {case.formatted_path} {case.query or ''} {message}")


@pytest.fixture
def in_process() -> Iterator[None]:
    # Django closes a connection left in a transaction at the end of a request; the test's own
    # transaction must survive the calls (Django's test Client disconnects the same receivers).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def auth_headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(None, user, name='schemathesis')[1]}"}


def stored_ids(world: World, path: str) -> dict[str, Any]:
    """The path parameters of `path` that name a stored record."""
    by_collection: dict[str, Any] = {
        "regions": "33.10", "agencies": "kemenkop", "users": world.admin.pk, "audit": 1,
        "households": world.household.pk, "people": world.person.pk, "enterprises": world.enterprise.pk,
        "cooperatives": world.cooperative.pk, "cooperative-memberships": world.membership.pk, "jobs": world.job.pk,
        "groups": world.group.pk, "programmes": world.programme.pk, "enrolments": world.enrolment.pk,
        "training-sessions": world.session.pk, "priority-lists": world.priority_list.pk,
        "partners": world.partner.pk, "agreements": world.agreement.pk, "indicators": 1, "targets": 1,
        "rollups": 1, "link-jobs": world.link_job.pk, "link-candidates": world.link_pair.pk, "links": world.link.pk,
        "impact-analyses": world.impact.pk,
    }
    by_collection["loans"] = world.loan.pk  # /api/enrolments/{enrolment_pk}/loans/{id}/status/
    parts = path.split("/")
    found: dict[str, Any] = {}
    for name in ("id", "code"):
        if "{" + name + "}" in parts:  # the id of the collection it follows
            found[name] = by_collection[parts[parts.index("{" + name + "}") - 1]]
    if "{enrolment_pk}" in parts:
        found["enrolment_pk"] = world.enrolment.pk
    return found


def cover(schema: Any, operation: Any, ids: dict[str, Any], run: Run) -> None:
    generation = schema.config.generation_for(operation=operation, phase="coverage")
    for case in schema.iter_coverage_cases(operation, generation_modes=MODES, generation_config=generation):
        if ids and case.meta is not None and case.meta.generation.mode == schemathesis.GenerationMode.POSITIVE:
            case.path_parameters = {**(case.path_parameters or {}), **ids}
        run.call(case)


def fuzz(operation: Any, mode: schemathesis.GenerationMode, run: Run, **fixed: Any) -> None:
    @hypothesis.settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def call(case: Any) -> None:
        run.call(case)

    call()


def test_no_operation_answers_a_server_error_or_breaks_its_schema(
        world: World, in_process: None, capsys: pytest.CaptureFixture[str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    run, started = Run(headers=auth_headers(world.admin)), time.monotonic()
    found = list(schema.get_all_operations())
    assert [result for result in found if not isinstance(result, Ok)] == []
    operations = [result.ok() for result in found if isinstance(result, Ok)]
    for operation in operations:
        run.operations += 1
        ids = stored_ids(world, operation.path)
        cover(schema, operation, ids, run)
        # Valid requests only, on the stored records: the coverage phase has sent the invalid ones
        # (generating invalid requests at random is slow: Hypothesis discards most drafts).
        fuzz(operation, schemathesis.GenerationMode.POSITIVE, run, **({"path_parameters": ids} if ids else {}))
    took = time.monotonic() - started
    with capsys.disabled():
        print(f"\nschemathesis: {run.operations} operations, {run.calls} calls, {len(run.failures)} failures, "
              f"{took:.1f} s")
    assert not run.failures, "\n".join(sorted(set(run.failures)))
    # The run reached the data: every read answered (authenticated, with a record to show) at least once.
    assert run.operations >= 56
    reads = {operation.label for operation in operations if operation.method.upper() == "GET"}
    assert reads - run.answered == set()
