"""Scope probes of the routes added for issue 14 (programmes). See routes.py for the vocabulary."""

from typing import Any

from tests.security.probes import Post, Query, Route, q
from tests.security.world import NOBODY, OFFICER, World

# programmes.services.MANAGES_FACILITATORS among the probing roles (national administrators are not probed).
MANAGERS = frozenset({OFFICER})


def hidden(w: World, kind: str, role: str) -> list[Any]:
    return [t.obj for t in w.outside(kind, role)]


def new_programme(w: World, role: str) -> list[dict[str, Any]]:
    return [{"name": "Program Uji", "lead_agency": w.named["agency"].pk, "start": "2026-01-01", "end": "2027-01-01",
             "budget": 0, "decile_min": 1, "decile_max": 2, "yearly_target": 10}]


def facilitator_hidden(w: World, role: str) -> list[dict[str, Any]]:
    base = {"agency": w.named["agency"].pk, "capacity": 5, "yearly_target": 10}
    return ([{**base, "username": "uji-baru", "region": code} for code in hidden(w, "region", role)]
            + [{**base, "existing": u.username, "region": "33.10.01"} for u in hidden(w, "user", role)])


def deactivate_to_hidden(w: World, role: str) -> list[dict[str, Any]]:
    return [{"kind": "deactivate", "reason": "Uji", "to": f.pk} for f in hidden(w, "facilitator", role)]


def change_own(w: World, role: str) -> list[dict[str, Any]]:
    return [{"kind": "change", "capacity": 1, "yearly_target": 1, "region": "33.10.01"}]


ROUTES: list[Route] = [
    # National decisions: no probing role may open or send them.
    Route("programmes:programme_create", users=NOBODY, posts=(Post("create", new_programme),)),
    Route("programmes:programme_edit", kind="programme", public=True, users=NOBODY,
          posts=(Post("edit", new_programme),)),
    # The first sign-in page answers everyone the same for a link that does not check out.
    Route("programmes:welcome", extra={"uidb64": "MQ", "token": "bukan-token"}),
    Route("graduation:facilitator_create", users=MANAGERS, posts=(Post("hidden", facilitator_hidden),)),
    Route("graduation:facilitator_upload", users=MANAGERS, posts=(Post("no-file", lambda w, role: [{}]),)),
    Route("graduation:facilitator_template", users=MANAGERS),
    Route("graduation:facilitator_links", users=MANAGERS),
    Route("graduation:facilitator", kind="facilitator", posts=(
        Post("hidden-to", deactivate_to_hidden, users=MANAGERS),
        Post("outside", change_own, "outside", MANAGERS))),
    # Whether graduation lasts (issue 19): programmes are national, the families counted are the
    # role's own (a Kupang family never shows for Klaten); an unknown grouping answers 400.
    Route("graduation:permanence", kind="programme", public=True,
          queries=q({}, {"by": "regency"}, {"by": "facilitator"}, {"by": "all"}, Query({"by": "x"}, ok=(400,))),
          absent=("53.01",)),
    Route("programme-permanence", kind="programme", kwarg="id", public=True, api=True,
          queries=q({}, {"by": "regency"}, {"by": "facilitator"}, {"by": "all"}, Query({"by": "x"}, ok=(400,))),
          absent=("53.01",)),
    # Families at risk of falling back into poverty (issue 19 part 2): the same; filters by reason,
    # regency and facilitator, the XLSX export; a bad filter answers 400.
    Route("graduation:at_risk", kind="programme", public=True,
          queries=q({}, {"reason": "loan_defaulted"}, {"regency": "53.01"}, {"format": "xlsx"},
                    Query({"reason": "x"}, ok=(400,)), Query({"regency": "x"}, ok=(400,))),
          absent=("53.01.",)),
    Route("programme-at-risk", kind="programme", kwarg="id", public=True, api=True,
          queries=q({}, {"reason": "follow_up_missed"}, {"regency": "53.01"}, Query({"reason": "x"}, ok=(400,))),
          absent=("53.01.",)),
]
