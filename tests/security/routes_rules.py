"""Scope probes of the routes added for issue 14 (rules). See routes.py for the vocabulary."""

from typing import Any

from tests.security.probes import Post, Route, q
from tests.security.world import EVERYONE, NOBODY, OFFICER, World

# rule_views.VIEWERS among the probing roles (national administrators change rule sets and are not probed).
VIEWERS = frozenset({OFFICER})
V1 = {"version": 1}  # the world's programme has one active rule set


def criteria_rows(w: World, role: str) -> list[dict[str, Any]]:
    return [{"c-TOTAL_FORMS": "1", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "20",
             "c-0-field": "savings", "c-0-operator": ">=", "c-0-threshold": "1", "c-0-essential": "on"}]


def poverty_line(w: World, role: str) -> list[dict[str, Any]]:
    return [{"kind": "one", "province_code": "53", "area": "rural", "valid_from": "2026-03-01", "amount": "600000"}]


ROUTES: list[Route] = [
    # Rule sets are national decisions: regional officers may read them (their preview counts their
    # region's families only), only national administrators change them.
    Route("graduation:rule_sets", kind="programme", public=True, users=VIEWERS),
    Route("graduation:rule_set", kind="programme", public=True, users=VIEWERS, extra=V1,
          queries=q({}, {"preview": "1"})),
    Route("graduation:rule_set_draft", kind="programme", public=True, users=NOBODY,
          posts=(Post("draft", criteria_rows),)),
    Route("graduation:rule_set_edit", kind="programme", public=True, users=NOBODY, extra=V1,
          posts=(Post("edit", criteria_rows, extra=V1),)),
    Route("graduation:rule_set_activate", kind="programme", public=True, users=NOBODY, extra=V1,
          posts=(Post("activate", lambda w, role: [{}], extra=V1),)),
    # Poverty lines are published figures: everyone reads them, a national administrator enters them.
    Route("graduation:poverty_lines", users=EVERYONE, queries=q({}, {"province": "33"}),
          posts=(Post("enter", poverty_line, target="refused", users=NOBODY),)),
    Route("graduation:poverty_template", users=EVERYONE),
]
