"""Scope probes of the routes added for issue 14 (family). See routes.py for the vocabulary."""

from typing import Any

from django.urls import reverse

from entas.graduation import overrides
from entas.graduation.models import OverrideDecision, ReadinessOverride
from tests.security.probes import Post, Route
from tests.security.world import OFFICER, Thing, World

DECIDERS = frozenset({OFFICER})  # graduation.overrides.DECIDES_OVERRIDES among the probing roles


def decide_url(thing: Thing | None) -> str:
    """The decision address of the world family's waiting override, asked by its own facilitator
    the first time it is needed (the world has no override; every world family is active and
    unassessed, so its criteria are not met and it may ask)."""
    assert thing is not None
    enrolment = thing.obj
    waiting = ReadinessOverride.objects.filter(enrolment=enrolment, decision=OverrideDecision.PENDING).first()
    if waiting is None:
        waiting = overrides.request_override(enrolment.facilitator.user, enrolment, reason="Uji pengecualian")
    return reverse("graduation:override_decide", kwargs={"pk": waiting.pk})


def reject_without_note(w: World, role: str) -> list[dict[str, Any]]:
    return [{f"o{o.pk}-decision": "reject", f"o{o.pk}-note": ""} for o in ReadinessOverride.objects.all()] or [{}]


ROUTES: list[Route] = [
    Route("graduation:overrides"),
    # Deciding: a supervisor's, inside her region (404 and logged beyond it); a refusal writes nothing.
    Route("graduation:override_decide", kind="enrolment", url=decide_url, users=DECIDERS, get=False, posts=(
        Post("reject-without-note", reject_without_note, users=DECIDERS),
        Post("outside", reject_without_note, "outside", DECIDERS))),
]
