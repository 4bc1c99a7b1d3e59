"""Impact analyses (issue 19, entas/impact): a Klaten analysis (the regency officer's, inside the
province's API client's region too) and a Kupang one hidden from every probing role. Facilitators
and cooperative managers are refused everything (impact.services.RUNS_IMPACT)."""

import datetime
from typing import Any

import pandas as pd
from django.utils import timezone

from entas.impact import export
from entas.impact.models import ImpactAnalysis, Status
from tests.security.probes import Post, Route
from tests.security.world import API, NOBODY, OFFICER, World

ANALYSTS = frozenset({OFFICER, API})
RESULT = {"statements": [{"code": "too_few_enrolled", "enrolled": 2, "needed": 30}],
          "counts": {"enrolled_in_scope": 2}, "dates": []}


def _analysis(w: World, region: str, user: Any, seen_by: frozenset[str], secret: str) -> ImpactAnalysis:
    analysis = ImpactAnalysis.objects.create(programme=w.named["programme"], outcome="income", region_id=region,
                                             status=Status.DONE, seed=7, finished_at=timezone.now(),
                                             requested_by=user, result=RESULT,
                                             snapshot={"extract_dates": [], "libraries": {}, "estimator": secret})
    frame = pd.DataFrame({"id": [1], "village": [secret], "regency": [region], "treated": [True], "cohort": [1],
                          "weight": [1.0], "score": [0.5], "t0": [13.0]})
    export.write(analysis, frame, [datetime.date(2025, 7, 31)])
    w.add("impact_analysis", analysis, seen_by, *(() if seen_by else (secret,)))
    return analysis


def build(w: World) -> None:
    _analysis(w, "33.10", w.named["officer"], ANALYSTS, "KLATEN-METODE")
    _analysis(w, "53.01", w.named["kupang_officer"], NOBODY, "RAHASIA-KUPANG-METODE")


def _url(suffix: str) -> Any:
    return lambda thing: f"/programmes/{thing.obj.programme_id}/impact/{thing.obj.pk}/{suffix}"


def _run_hidden(w: World, role: str) -> list[dict[str, Any]]:
    return [{"outcome": "happiness"}]


ROUTES = [
    Route("impact:programme", kind="programme", public=True, users=ANALYSTS, absent=("53.01",),
          posts=(Post("unknown-outcome", _run_hidden, users=ANALYSTS),)),
    Route("impact:analysis", kind="impact_analysis", users=ANALYSTS, url=_url(""), absent=("RAHASIA-KUPANG",)),
    Route("impact:pdf", kind="impact_analysis", users=ANALYSTS, url=_url("report.pdf")),
    Route("impact:data", kind="impact_analysis", users=ANALYSTS, url=_url("data.csv")),
    Route("programme-impact", kind="programme", kwarg="id", public=True, api=True, users=ANALYSTS,
          listing="impact_analysis", absent=("53.01",)),
    Route("impact-analysis", kind="impact_analysis", kwarg="id", api=True, users=ANALYSTS),
]
