"""Status badges whose colour means something: `<span class="badge {{ code|tone }}">`.

Four tones, the same on every page: neutral (a fact), waiting (amber: someone has to act or time
will tell), ok (green: done, in force) and problem (red: failed, expired, refused). A code that is
not listed is neutral, so a new status never shows as an error by accident.
"""

from django import template

register = template.Library()

TONES: dict[str, str] = {
    # waiting: import batches, agreements close to their end, loans and override requests
    "pending": "waiting", "running": "waiting", "expiring": "waiting", "applied": "waiting", "draft": "waiting",
    "not_yet": "waiting",
    # ok
    "done": "ok", "active": "ok", "approved": "ok", "disbursed": "ok", "repaid": "ok",
    "ready": "ok", "graduated": "ok", "sustained": "ok", "in_force": "ok",
    # problem
    "failed": "problem", "expired": "problem", "rejected": "problem", "defaulted": "problem", "revoked": "problem",
    # neutral facts of the pathway
    "enrolled": "info", "exited": "neutral", "retired": "neutral",
}
# Where one code means something else: a rejected override or move request is a decision taken,
# not a failure.
BY_KIND: dict[str, dict[str, str]] = {"decision": {"rejected": "neutral"}}


@register.filter
def tone(code: object, kind: str = "") -> str:
    """The badge class of a status code (`neutral`, `info`, `waiting`, `ok` or `problem`)."""
    key = str(code)
    return BY_KIND.get(kind, {}).get(key) or TONES.get(key, "neutral")
