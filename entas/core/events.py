"""Domain events: every change of domain state is announced explicitly, in its own transaction.

A service or an import calls `emit(kind, model, ids=…, places=…)` inside the transaction of its
change; the row (core.models.Event) commits or rolls back with the change. After the commit the
events are handed to the subscribers (`subscribe`, from the AppConfig.ready of an app above: core
imports none of them). An event whose delivery failed, or never started because the process died,
stays pending: the next commit, `entas deliver-events` and `entas serve`'s start deliver it.

A subscriber gets the events delivered together (those of one transaction arrive together), so
it can do one piece of work for all of them; it must be idempotent (events may be handed over
again when a process dies between the handler and the mark) and quick: long work goes to the
worker or to an on_commit callback. When a subscriber fails on a group, each event is tried on its
own, so one bad event does not hold back the others.
"""

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from entas.core.models import Event

logger = logging.getLogger(__name__)

Handler = Callable[[Sequence[Event]], None]
_handlers: list[Handler] = []
BATCH = 100
MAX_ATTEMPTS = 10


def subscribe(handler: Handler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def emit(kind: str, model: type[Model] | str, *, ids: Iterable[int] = (), places: Iterable[str] = (),
         details: dict[str, Any] | None = None) -> Event:
    """Write one event in the transaction of the change it announces; deliver it once committed.
    `kind` names what happened, in the words of the audit log (`enrolment.created`); `model` and
    `ids` say to which records; `places` the region codes they were and are placed under."""
    if not connection.in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction of the change it announces")
    label = model if isinstance(model, str) else model._meta.label
    event = Event.objects.create(kind=kind, model=label, ids=sorted(set(ids)),
                                 places=sorted({p for p in places if p}), details=details or {})
    _state.delivered = False
    transaction.on_commit(_deliver_once, robust=True)
    return event


_state = threading.local()


def _deliver_once() -> None:
    """One delivery takes every pending event: of the callbacks a transaction with hundreds of
    events registered (a sync of a phone's outbox), the first delivers and the others find it done,
    until the next event is written."""
    if getattr(_state, "delivered", False):
        return
    _state.delivered = True
    deliver_pending()


def pending() -> QuerySet[Event]:
    return Event.objects.filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS).order_by("id")


def deliver_pending() -> int:
    """Hand every pending event to the subscribers, oldest first; the number delivered."""
    delivered, after = 0, 0
    while True:
        with transaction.atomic():
            events = pending().filter(id__gt=after)
            if connection.features.has_select_for_update_skip_locked:
                events = events.select_for_update(skip_locked=True)  # another process has those
            taken = list(events[:BATCH])
            if taken:
                delivered += _deliver_together(taken) or sum(_deliver([event]) for event in taken)
        if len(taken) < BATCH:
            return delivered
        after = taken[-1].id


def _deliver_together(taken: list[Event]) -> int:
    """All of `taken` at once; 0 when a subscriber failed (nothing of it kept)."""
    try:
        with transaction.atomic():
            for handler in _handlers:
                handler(taken)
    except Exception:
        logger.warning("events %s to %s: delivered one by one after a failure", taken[0].pk, taken[-1].pk)
        return 0
    Event.objects.filter(pk__in=[e.pk for e in taken]).update(delivered_at=timezone.now())
    return len(taken)


def _deliver(taken: list[Event]) -> int:
    event = taken[0]
    try:
        with transaction.atomic():
            for handler in _handlers:
                handler(taken)
    except Exception as error:  # kept pending, tried again later; the others go on
        logger.exception("event %s: delivery failed", event.pk)
        event.attempts += 1
        event.last_error = f"{type(error).__name__}: {error}"[:2000]
        event.save(update_fields=["attempts", "last_error"])
        return 0
    event.delivered_at = timezone.now()
    event.save(update_fields=["delivered_at"])
    return 1
