"""The graduation pathway as one table: which action may move an enrolment from which status,
and to where. `graduation.services._transition()` is the only code that applies it.

enrolled → active → ready → graduated → (follow-ups at 6, 12, 24 months) → sustained
a relapse sends a ready or graduated family back to active (counted); an exit ends any open one.
"""

from django.utils.translation import gettext_lazy as _

from entas.graduation.models import Status

S = Status
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "activate": (frozenset({S.ENROLLED}), S.ACTIVE),
    "mark_ready": (frozenset({S.ACTIVE}), S.READY),
    "graduate": (frozenset({S.READY}), S.GRADUATED),
    "sustain": (frozenset({S.GRADUATED}), S.SUSTAINED),
    "relapse": (frozenset({S.READY, S.GRADUATED}), S.ACTIVE),
    "exit": (frozenset({S.ENROLLED, S.ACTIVE, S.READY, S.GRADUATED}), S.EXITED),
}
ACTION_LABELS = {
    "activate": _("Activate"), "mark_ready": _("Mark ready"), "graduate": _("Graduate"),
    "sustain": _("Sustained"), "relapse": _("Relapse"), "exit": _("Exit"),
}


def refusal(action: str, status: str) -> str | None:
    """Why `action` cannot be applied to an enrolment in `status` (None when it can)."""
    if action not in TRANSITIONS:
        return f"'{action}' is not a pathway action; use one of {', '.join(TRANSITIONS)}"
    sources, _target = TRANSITIONS[action]
    if status in sources:
        return None
    allowed = [name for name, (froms, _to) in TRANSITIONS.items() if status in froms]
    return (f"cannot {action} an enrolment that is {status}; from {status} the pathway allows "
            f"{', '.join(allowed) or 'nothing (final)'}")
