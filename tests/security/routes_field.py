"""Scope probes of the field app's routes (issue 18). See routes.py for the vocabulary.

The app's shell, service worker and manifest hold no data: every role reads them. The app's calls
(/field/api/) answer a device token, never a session: a signed-in role gets 401 (JSON) from a call
that needs a token and 405 from a method the call does not take, before anything is read; tests/field
probes them with real devices. Registering a phone takes a facilitator's own password: a wrong one
is refused (400) with the same words whoever the username names.

The pages (devices, conflicts) are for facilitators and supervisors: of the probing roles, the
Klaten officer (her region's) and the Prambanan facilitator (her own); the manager and the API
client get 404. Their things are not part of world.py's world: `field_things` makes them, through
the services, inside the probe's own savepoint (rolled back after it) from a query or a URL of
these routes. Each of the three facilitators of the world has a phone and a conflict: the
facilitator's own family exited after her phone's visit (seen by the officer and her), her
colleague's family likewise (the officer's only), the Kupang family likewise (nobody's). The
strings that betray the hidden ones (the colleague's and the Kupang facilitator's usernames, their
families' names and No. KK) are already the world's secrets. A hidden conflict's or device's own
page is probed by changes sent to it (404, nothing written); tests/field/test_pages.py opens them
and checks the `scope.denied` entry.
"""

import uuid
from typing import Any

from django.utils import timezone

from entas.field import services as field
from entas.field.models import Conflict, Device
from entas.graduation import services as graduation
from entas.graduation.models import Enrolment
from tests.security.probes import Post, Query, Route, q
from tests.security.world import FACILITATOR, OFFICER, PASSWORD, World

PAGES = frozenset({OFFICER, FACILITATOR})
SUPERVISORS = frozenset({OFFICER})
PHONES = {"facilitator": ("case_enrolment", "HP Pendamping"), "colleague": ("neighbour_enrolment", "HP Rekan"),
          "kupang_facilitator": ("kupang_enrolment", "HP Kupang")}
HIDDEN = {OFFICER: "kupang_facilitator", FACILITATOR: "colleague"}  # whose phone each page user may not see


def _visit(family: Enrolment) -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    return {"id": str(uuid.uuid4()), "kind": "visit", "enrolment": family.pk, "version": family.version,
            "recorded_at": f"{today}T09:00:00+07:00", "data": {"date": today, "notes": "Uji", "assessment": None}}


def field_things(w: World) -> dict[str, Any]:
    """Each facilitator's phone and a conflict of it (made once per probe); returns no query parameter."""
    if Device.objects.filter(label=PHONES["kupang_facilitator"][1]).exists():
        return {}
    for name, (family_name, label) in PHONES.items():
        device, _token = field.register_device(None, username=w.named[name].user.username, password=PASSWORD,
                                               label=label)
        family = Enrolment.objects.get(pk=w.named[family_name].pk)  # a copy: the world's object stays as built
        stale = _visit(family)
        graduation.exit_enrolment(None, family, reason="moved", on=timezone.localdate())
        [result] = field.receive(device, [stale])
        assert result["status"] == "conflict", result
    return {}


def device_of(name: str) -> Any:
    def pk(w: World, role: str) -> dict[str, Any]:
        field_things(w)
        return {"pk": Device.objects.get(label=PHONES[name][1]).pk}
    return pk


def conflict_of(name: str) -> Any:
    def pk(w: World, role: str) -> dict[str, Any]:
        field_things(w)
        return {"pk": Conflict.objects.get(command__device__label=PHONES[name][1]).pk}
    return pk


def hidden_device(w: World, role: str) -> dict[str, Any]:
    return device_of(HIDDEN.get(role, "kupang_facilitator"))(w, role)


def hidden_conflict(w: World, role: str) -> dict[str, Any]:
    return conflict_of(HIDDEN.get(role, "kupang_facilitator"))(w, role)


def own_or_hidden(w: World, role: str) -> dict[str, Any]:
    """The facilitator's own conflict for her (she may not decide it); a hidden one for the others."""
    return conflict_of("facilitator")(w, role) if role == FACILITATOR else hidden_conflict(w, role)


def body(**data: Any) -> Any:
    return lambda w, role: [data]


def wrong_password(w: World, role: str) -> list[dict[str, Any]]:
    return [{"username": w.named["kupang_facilitator"].user.username, "password": "bukan-sandinya", "label": "HP"},
            {"username": "tidak-ada-siapapun", "password": "bukan-sandinya", "label": "HP"}]


def device_call(name: str, get: int, post: int) -> Route:
    """An API call of the app as a signed-in role makes it: refused before anything is read."""
    return Route(f"field:{name}", api=True, queries=q(Query({}, ok=(get,))),
                 posts=(Post("session", body(commands=[]), ok=(post,)),))


ROUTES: list[Route] = [
    Route("field:app"),
    Route("field:sw"),
    Route("field:manifest"),
    Route("field:api_register", api=True, queries=q(Query({}, ok=(405,))),
          posts=(Post("wrong-password", wrong_password, ok=(400,)),)),
    device_call("api_caseload", get=401, post=405),
    device_call("api_sync", get=405, post=401),
    device_call("api_logout", get=405, post=401),
    Route("field:devices", users=PAGES, refused=(404,), queries=q(Query(field_things))),
    # Revoking a phone outside the scope (the Kupang facilitator's; for the facilitator, her colleague's): 404.
    Route("field:revoke", users=PAGES, refused=(404,), get=False, posts=(
        Post("hidden", body(reason="uji"), ok=(404,), extra=hidden_device),)),
    Route("field:conflicts", users=PAGES, refused=(404,), queries=q(
        Query(field_things), Query(lambda w: {**field_things(w), "status": "open"}),
        Query(lambda w: {**field_things(w), "status": "decided"}), Query(lambda w: {**field_things(w), "page": 9}),
        Query(lambda w: {**field_things(w), "status": "bukan"}))),
    # A decision on a conflict outside the scope: 404, nothing written. A facilitator reads her own
    # conflicts but never decides one (404); the officer's decision that the form or the service
    # refuses (no valid choice; applying a visit to a family that exited) is answered 400.
    Route("field:conflict", users=PAGES, refused=(404,), extra={"pk": 999_999}, queries=q(Query({}, ok=(404,))),
          posts=(Post("hidden", body(decision="apply"), ok=(404,), extra=hidden_conflict),
                 Post("own-or-hidden", body(decision="discard", note="uji"), ok=(404,), extra=own_or_hidden),
                 Post("no-decision", body(decision="hapus"), users=SUPERVISORS, extra=conflict_of("facilitator")),
                 Post("refused-apply", body(decision="apply"), users=SUPERVISORS, extra=conflict_of("colleague")))),
]
