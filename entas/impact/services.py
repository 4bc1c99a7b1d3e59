"""Requesting and running impact analyses: the one writer of ImpactAnalysis rows."""

import logging
import secrets
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit
from entas.core.scoping import user_scope, visible
from entas.impact import export
from entas.impact.analysis import analyse
from entas.impact.models import ImpactAnalysis, Status
from entas.impact.outcomes import OUTCOMES
from entas.impact.panel import programme_enrolments, read_panel
from entas.programmes.models import Programme
from entas.regions.models import Region

log = logging.getLogger(__name__)

# Roles that read programme-wide results of their region. Facilitators and cooperative managers do
# not: the comparison group is drawn from registry families they may not list.
RUNS_IMPACT = {Role.NATIONAL_ADMIN, Role.ANALYST, Role.REGIONAL_OFFICER, Role.API_CLIENT}
LIBRARIES = ("pyfixest", "statsmodels", "numpy", "pandas", "scipy", "polars", "Django", "entas")


def may_run(user: User) -> bool:
    return user.is_active and user.role in RUNS_IMPACT


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "?"
    return versions


def request_analysis(actor: User, programme: Programme, outcome: str, *, seed: int | None = None,
                     queue: bool = True) -> ImpactAnalysis:
    """Queue an analysis of `programme` on `outcome` over the actor's region; the worker runs it
    (with `queue=False` the caller runs it: run_analysis)."""
    from entas.impact.tasks import run_impact_analysis

    if not may_run(actor):
        raise PermissionDenied(_("Your role does not run impact analyses."))
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Unknown outcome “%(outcome)s”: choose one of %(choices)s.")
                               % {"outcome": outcome, "choices": ", ".join(OUTCOMES)}})
    with transaction.atomic():
        analysis = ImpactAnalysis.objects.create(
            programme=programme, outcome=outcome, region_id=user_scope(actor), requested_by=actor,
            seed=seed if seed is not None else secrets.randbelow(2**31))
        audit.record(actor, audit.Action.IMPACT_REQUESTED, analysis,
                     details={"programme": programme.pk, "outcome": outcome, "seed": analysis.seed})
        if queue:
            transaction.on_commit(lambda: run_impact_analysis.enqueue(analysis.pk))
    return analysis


def run_analysis(analysis_id: int) -> ImpactAnalysis:
    """Run a queued analysis and keep its snapshot, result and the de-identified data; a failure is
    kept as the analysis's error (never half a result)."""
    analysis = ImpactAnalysis.objects.select_related("programme", "requested_by").get(pk=analysis_id)
    ImpactAnalysis.objects.filter(pk=analysis.pk).update(status=Status.RUNNING)
    started = time.monotonic()
    outcome = OUTCOMES[analysis.outcome]
    try:
        panel = read_panel(analysis.programme, outcome, analysis.region_id)
        names = dict(Region.objects.filter(code__in=panel.regencies).values_list("code", "name"))
        analysed: dict[str, Any] = {}
        enrolled = programme_enrolments(analysis.programme_id, analysis.region_id).count()
        result = analyse(panel, outcome, enrolled_in_scope=enrolled, regency_names=names, keep=analysed)
        if "frame" in analysed:
            export.write(analysis, analysed["frame"], analysed["dates"])
    except Exception as error:  # kept on the row and in the log: the worker must go on
        log.exception("impact analysis %s failed", analysis.pk)
        analysis.status, analysis.error = Status.FAILED, f"{type(error).__name__}: {error}"
        analysis.finished_at, analysis.seconds = timezone.now(), time.monotonic() - started
        analysis.save(update_fields=["status", "error", "finished_at", "seconds"])
        audit.record(analysis.requested_by, audit.Action.IMPACT_FAILED, analysis, details={"error": analysis.error})
        return analysis
    analysis.snapshot = {
        "taken_at": timezone.now().isoformat(),
        "extract_dates": [d.isoformat() for d in panel.dates],
        "households_read": len(panel.households),
        "regencies": panel.regencies,
        "libraries": library_versions(),
        "estimator": "Sun & Abraham (2021) interaction-weighted event study (pyfixest feols), "
                     "propensity-score strata within regency (statsmodels Logit), SE clustered by village",
    }
    analysis.result, analysis.status = result, Status.DONE
    analysis.finished_at, analysis.seconds = timezone.now(), time.monotonic() - started
    analysis.save(update_fields=["snapshot", "result", "status", "finished_at", "seconds"])
    said = [item["code"] for item in result["statements"]]
    audit.record(analysis.requested_by, audit.Action.IMPACT_FINISHED, analysis,
                 details={"seconds": round(analysis.seconds, 1), "statements": said})
    return analysis


def programme_analyses(actor: User, programme: Programme) -> list[ImpactAnalysis]:
    return list(visible(actor, ImpactAnalysis.objects.filter(programme=programme)).select_related("requested_by")[:50])

