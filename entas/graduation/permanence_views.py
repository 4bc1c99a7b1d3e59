"""Whether graduation lasts: of a programme's graduated families, the share still out of poverty
(income at or above the line in every extract and assessment since graduation, no relapse
recorded) 6, 12 and 24 months on, by cohort, regency or facilitator
(graduation.permanence), counted only among the families the user may see."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import is_confined, visible
from entas.graduation.models import Enrolment
from entas.graduation.permanence import GROUPINGS, MIN_FAMILIES, MONTHS, AtMonth, Curve, permanence
from entas.programmes.models import Programme

DEFAULT_GROUPING = "cohort"


def grouping_labels() -> dict[str, str]:
    return {"cohort": _("Quarter of graduation"), "regency": _("Regency"), "facilitator": _("Facilitator"),
            "all": _("All families together")}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _cell(curve: Curve, at: AtMonth) -> dict[str, Any]:
    """One month of one group as the table shows it: the share with its interval, or why not."""
    if not curve.shown:
        return {"month": at.month, "state": "few"}
    if at.survival is None:
        return {"month": at.month, "state": "early"}
    return {"month": at.month, "state": "shown", "survival": _percent(at.survival), "low": _percent(at.low),
            "high": _percent(at.high), "at_risk": at.at_risk}


def _chart(curves: list[Curve]) -> dict[str, Any]:
    """The step curves of the groups shown, in percent, from graduation (month 0, 100 %) on."""
    series = [{"label": curve.label,
               "points": [[round(step.month, 2), _percent(step.survival)] for step in curve.steps]}
              for curve in curves if curve.shown]
    return {"title": _("Share still out of poverty, by months since graduation"),
            "x_label": _("Months since graduation"), "y_label": _("Still out of poverty"),
            "max_month": max(MONTHS), "series": series}


def scope_note(request: AuthenticatedHttpRequest) -> str:
    """Which families the numbers count, in the words of the page."""
    user = request.user
    if is_confined(user):
        return _("Only the families you accompany are counted.")
    if user.region is not None:
        return _("Only families inside your region are counted: %(region)s (%(code)s).") % {
            "region": user.region.name, "code": user.region_id}
    return _("All families of the programme in the whole country are counted.")


@login_required
def programme_permanence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("lead_agency"), pk=pk)
    by = request.GET.get("by") or DEFAULT_GROUPING
    labels = grouping_labels()
    context: dict[str, Any] = {"programme": programme, "by": by, "groupings": labels, "months": MONTHS,
                               "min_families": MIN_FAMILIES, "scope_note": scope_note(request),
                               "today": timezone.localdate(), "groups": [], "chart": None, "error": ""}
    if by not in GROUPINGS:
        context["error"] = _("Unknown grouping '%(given)s': choose one of %(allowed)s.") % {
            "given": by[:40], "allowed": ", ".join(GROUPINGS)}
        return render(request, "graduation/permanence.html", context, status=400)
    enrolments = visible(request.user, Enrolment.objects.filter(programme=programme))
    curves = permanence(enrolments, by=by, today=context["today"])
    context["groups"] = [{"curve": curve, "cells": [_cell(curve, at) for at in curve.at]} for curve in curves]
    context["chart"] = _chart(curves) if any(curve.shown for curve in curves) else None
    return render(request, "graduation/permanence.html", context)
