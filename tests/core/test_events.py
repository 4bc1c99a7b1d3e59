"""Domain events: written in the transaction of the change, delivered after its commit, never lost."""

import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections, transaction

from entas.core import events
from entas.core.models import Event

pytestmark = pytest.mark.django_db
Commit = Callable[..., Any]  # pytest-django's django_capture_on_commit_callbacks


@pytest.fixture
def seen() -> Iterator[list[Event]]:
    received: list[Event] = []
    events.subscribe(received.extend)
    yield received
    events._handlers.remove(received.extend)


def test_an_event_is_delivered_once_its_transaction_commits(seen: list[Event],
                                                             django_capture_on_commit_callbacks: Commit) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.emit("enrolment.created", "graduation.Enrolment", ids=[3, 1, 3], places=["33.10.01.2001", ""])
        assert seen == []  # not before the commit
    assert [(e.kind, e.ids, e.places) for e in seen] == [("enrolment.created", [1, 3], ["33.10.01.2001"])]
    assert Event.objects.get().delivered_at is not None


def test_a_rolled_back_change_announces_nothing(seen: list[Event]) -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        events.emit("enrolment.created", "graduation.Enrolment", ids=[1])
        1 / 0  # noqa: B018
    assert not Event.objects.exists() and seen == []


def test_an_event_outside_a_transaction_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)  # the test itself runs in one
    with pytest.raises(RuntimeError):
        events.emit("enrolment.created", "graduation.Enrolment", ids=[1])


def test_a_failed_delivery_stays_pending_and_is_retried(django_capture_on_commit_callbacks: Commit) -> None:
    calls: list[int] = []

    def flaky(delivered: Sequence[Event]) -> None:
        calls.extend(event.pk for event in delivered)
        if len(calls) <= 2:  # delivered with the others, then on its own
            raise RuntimeError("rollups unavailable")

    events.subscribe(flaky)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            events.emit("loan.status_changed", "graduation.Loan", ids=[7])
        event = Event.objects.get()
        assert (event.delivered_at, event.attempts) == (None, 1)
        assert "rollups unavailable" in event.last_error
        out = io.StringIO()
        call_command("deliver_events", stdout=out)  # what `entas serve` and an operator run
        assert "1 event(s) delivered, 0 still pending" in out.getvalue()
        assert len(calls) == 3 and Event.objects.get().delivered_at is not None
    finally:
        events._handlers.remove(flaky)
