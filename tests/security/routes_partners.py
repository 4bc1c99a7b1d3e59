"""Scope probes of the routes added for issue 14 (partners). See routes.py for the vocabulary."""

from typing import Any

from tests.security.probes import Post, Route, q
from tests.security.world import NOBODY, World


def partner_change(w: World, role: str) -> list[dict[str, Any]]:
    return [{"name": "Mitra Uji", "kind": "ngo"}]


def agreement_change(w: World, role: str) -> list[dict[str, Any]]:
    return [{"kind": "mou", "number": "002/MOU/2026", "title": "Uji", "parties": [w.any("partner").obj.pk],
             "signed": "2026-01-01", "valid_until": "2027-01-01"}]


ROUTES: list[Route] = [
    Route("partnerships:partners", queries=q({}, {"q": "Bank"}, {"kind": "bumn"}, {"page": "2"})),
    Route("partnerships:partner", kind="partner", public=True),  # national records (partnerships.models)
    # Only national administrators, none among the probing roles (partnerships.services.may_manage).
    Route("partnerships:partner_edit", kind="partner", public=True, users=NOBODY, refused=(404,),
          posts=(Post("change", partner_change, users=NOBODY),)),
    Route("partnerships:agreement_edit", kind="agreement", public=True, users=NOBODY, refused=(404,),
          posts=(Post("change", agreement_change, users=NOBODY),)),
]
