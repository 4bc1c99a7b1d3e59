"""Scope probes of the routes added for issue 14 (cooperative). See routes.py for the vocabulary."""

from typing import Any

from tests.security.probes import Post, Query, Route, q
from tests.security.world import FACILITATOR, MANAGER, OFFICER, World

D = "2026-03-10"
PRAMBANAN = "33.10.01"
MANAGERS = frozenset({MANAGER})  # "My cooperative" is a cooperative manager's own page
ENROLMENTS = frozenset({OFFICER, FACILITATOR})  # graduation.queries.CHANGES_ENROLMENTS among the probing roles


def _hidden_people(w: World, role: str) -> list[Any]:
    return [t.obj for t in w.outside("person", role)]


def join_hidden(w: World, role: str) -> list[dict[str, Any]]:
    # The exact NIK on a KTP is looked up in his region (core.scoping.region_only), as on the
    # cooperative's join page: only people beyond it must be refused.
    people = [p for p in _hidden_people(w, role) if not p.household.village_id.startswith(PRAMBANAN + ".")]
    return [{"nik": p.nik, "joined": D, "share_principal": 0, "share_mandatory": 0} for p in people]


def join_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"nik": w.named["member"].nik, "joined": D, "share_principal": 0, "share_mandatory": 0}]


def add_hidden(w: World, role: str) -> list[dict[str, Any]]:
    """Nobody of the world agreed to be contacted: every person he may not see is refused by key."""
    return [{"person": p.pk} for p in _hidden_people(w, role)]


def add_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"person": w.named["member"].pk}]


# Parts of the names of people hidden from him (RAHASIA-TETANGGA-IBU, DAMPINGAN-IBU, RAHASIA-KUPANG-…):
# the page echoes what was typed, so only these fragments are exempt from the leak check, never a
# whole name or number. Finding by the whole NIK of a hidden person is tests/graduation's.
SEARCHED = ("RAHASIA", "DAMPINGAN", "TETANGGA", "KUPANG", "IBU", "ANAK")


def consent_body(**data: Any) -> Any:
    return lambda w, role: [data]


ROUTES: list[Route] = [
    # A manager with one cooperative is sent straight to it.
    Route("my_cooperative:mine", users=MANAGERS, queries=q(Query({}, ok=(302,)))),
    Route("my_cooperative:cooperative", kind="cooperative", users=MANAGERS,
          queries=q({}, *({"q": value} for value in SEARCHED)), typed=lambda w: list(SEARCHED)),
    Route("my_cooperative:join", kind="cooperative", users=MANAGERS, get=False, posts=(
        Post("hidden-person", join_hidden), Post("outside", join_own, "outside"))),
    Route("my_cooperative:add", kind="cooperative", users=MANAGERS, get=False, posts=(
        Post("hidden-person", add_hidden), Post("outside", add_own, "outside"))),
    Route("graduation:enrolment_consent", kind="enrolment", users=ENROLMENTS, posts=(
        Post("bad-phone", consent_body(consent="on", phone="12345", on=D), users=ENROLMENTS),
        Post("outside", consent_body(consent="on", phone="081234567890", on=D), "outside", ENROLMENTS))),
]
