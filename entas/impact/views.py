"""The impact pages of a programme: the analyses of the user's region with a form to run one, one
analysis with its explanation, charts and tables, its PDF and its de-identified data."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404
from entas.impact import export, presentation, report
from entas.impact.models import ImpactAnalysis
from entas.impact.outcomes import OUTCOMES
from entas.impact.services import may_run, programme_analyses, request_analysis
from entas.programmes.models import Programme


def _allowed(request: AuthenticatedHttpRequest) -> None:
    if not may_run(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def programme_impact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    programme = get_object_or_404(Programme, pk=pk)
    error, chosen = "", request.POST.get("outcome", "income")
    if request.method == "POST":
        try:
            analysis = request_analysis(request.user, programme, chosen)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            return redirect("impact:analysis", pk=programme.pk, analysis_id=analysis.pk)
    context: dict[str, Any] = {"programme": programme, "outcomes": OUTCOMES, "chosen": chosen, "error": error,
                               "analyses": programme_analyses(request.user, programme),
                               "scope_note": presentation.scope_note(request.user)}
    return render(request, "impact/programme_impact.html", context, status=400 if error else 200)


def _analysis(request: AuthenticatedHttpRequest, pk: int, analysis_id: int) -> ImpactAnalysis:
    _allowed(request)
    return get_visible_or_404(request.user, ImpactAnalysis.objects.select_related("programme", "requested_by")
                              .filter(programme_id=pk), pk=analysis_id)


@login_required
def analysis_detail(request: AuthenticatedHttpRequest, pk: int, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, pk, analysis_id)
    context = presentation.context(analysis)
    if request.headers.get("HX-Request"):
        response = render(request, "impact/_status.html", context)
        if analysis.finished_at is not None:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "impact/analysis.html", context)


@login_required
def analysis_pdf(request: AuthenticatedHttpRequest, pk: int, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, pk, analysis_id)
    if analysis.finished_at is None:
        raise Http404
    audit.record(request.user, audit.Action.IMPACT_EXPORTED, analysis, details={"format": "pdf"})
    response = HttpResponse(report.pdf(analysis), content_type="application/pdf")
    name = f"entas-impact-{analysis.programme_id}-{analysis.outcome}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def analysis_data(request: AuthenticatedHttpRequest, pk: int, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, pk, analysis_id)
    data = export.read_csv(analysis)
    if data is None:
        raise Http404
    audit.record(request.user, audit.Action.IMPACT_EXPORTED, analysis, details={"format": "csv"})
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="entas-impact-{analysis.pk}-deidentified.csv"')
    return response
