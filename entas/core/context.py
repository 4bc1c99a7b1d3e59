"""Where the current action comes from (web, API or CLI, and the client address).

Service functions write audit records without being handed the request: the middleware and the
CLI set the origin once, the audit helper reads it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    channel: str  # "web", "api", "cli", "task"
    address: str = ""


SYSTEM = Origin("system")
_current: ContextVar[Origin | None] = ContextVar("entas_origin", default=None)


def current_origin() -> Origin:
    return _current.get() or SYSTEM


@contextmanager
def origin(channel: str, address: str = "") -> Iterator[Origin]:
    token = _current.set(Origin(channel, address))
    try:
        yield current_origin()
    finally:
        _current.reset(token)
