"""Scope probes of the routes added for issue 14 (monitoring). See routes.py for the vocabulary."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security.probes import Post, Query, Route, q
from tests.security.world import OFFICER, World

SETS_TARGETS = frozenset({OFFICER})  # monitoring.services.SETS_TARGETS among the probing roles


def kupang_target(w: World, role: str) -> list[dict[str, Any]]:
    return [{"indicator": w.any("indicator").obj.code, "region": "53.01", "year": "2026", "quarter": "",
             "value": "5"}]


def target_file(w: World, role: str) -> list[dict[str, Any]]:
    content = b"indicator_code,region_code,year,quarter,target\nkk-ekstrem,53.01,2026,,5\n"
    return [{"file": SimpleUploadedFile("targets.csv", content)}]


def achievement(w: World, role: str) -> list[dict[str, Any]]:
    return [{"achieved": "3", "note": "Uji"}]


ROUTES: list[Route] = [
    Route("monitoring:targets", queries=q({}, {"region": "53.01"}, {"period": "2026", "indicator": "kk-ekstrem"},
                                          {"page": "2"}),
          posts=(Post("kupang-region", kupang_target, users=SETS_TARGETS),)),
    Route("monitoring:targets_template"),
    # POST only; an officer's file naming a region outside hers is refused row by row by the import
    # (tests/monitoring/test_target_import.py): here the roles that only read are refused.
    Route("monitoring:targets_upload", get=False, users=SETS_TARGETS,
          posts=(Post("file", target_file, target="refused", users=SETS_TARGETS),)),
    Route("monitoring:target", kind="target",
          posts=(Post("outside", achievement, "outside", SETS_TARGETS),)),
    # The world's targets hold no evidence file: inside the scope the answer is 404 without a denial.
    Route("monitoring:target_evidence", kind="target", queries=q(Query({}, ok=(200, 404)))),
]
