"""Early warning pages: a programme's graduated families at risk of falling back into poverty with the
reasons (graduation.warnings), counted and listed among the families the user may see, filtered by
reason, regency and facilitator, a page at a time, and as an XLSX file (identifiers masked by role,
audit-logged). A facilitator's own families at risk are a section of work_views.my_families."""

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import audit, sheets
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import region_q, visible
from entas.graduation import warnings
from entas.graduation.models import Enrolment
from entas.graduation.permanence_views import scope_note
from entas.programmes.models import Facilitator, Programme
from entas.regions.codes import is_regency
from entas.regions.models import Region
from entas.registry.identifiers import shown

PAGE_SIZE = 50
COLUMNS = ["kk_number", "head_name", "village_code", "village", "facilitator", "status", "graduated_on",
           "reason_code", "reason", "since", "explanation"]
KINDS = [{"graduated_on": "date", "since": "date"}.get(c) for c in COLUMNS]


def _filters(request: AuthenticatedHttpRequest) -> tuple[dict[str, str], str]:
    """The filters asked for, and what is wrong with them (in words naming the field), if anything."""
    asked = {name: (request.GET.get(name) or "").strip() for name in ("reason", "regency", "facilitator")}
    if asked["reason"] and asked["reason"] not in warnings.REASONS:
        return asked, _("reason: '%(given)s' is not a reason; choose one of %(allowed)s.") % {
            "given": asked["reason"][:40], "allowed": ", ".join(warnings.REASONS)}
    if asked["regency"] and not is_regency(asked["regency"]):
        return asked, _("regency: '%(given)s' is not a regency code such as 33.10.") % {"given": asked["regency"][:40]}
    if asked["facilitator"] and not asked["facilitator"].isdigit():
        return asked, _("facilitator: '%(given)s' is not a facilitator number.") % {"given": asked["facilitator"][:40]}
    return asked, ""


def _options(families: QuerySet[Enrolment]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The regencies and facilitators of the families the list considers (for the filters)."""
    candidates = warnings.candidates(families).order_by()
    codes = sorted(set(candidates.annotate(regency=Substr("village_id", 1, 5)).values_list("regency", flat=True)))
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    ids = set(candidates.exclude(facilitator=None).values_list("facilitator_id", flat=True))
    people = sorted((str(f), str(f.pk)) for f in Facilitator.objects.filter(pk__in=ids).select_related("user"))
    return [(code, f"{names.get(code, code)} ({code})") for code in codes], [(pk, name) for name, pk in people]


def _export(request: AuthenticatedHttpRequest, programme: Programme, found: list[warnings.AtRisk],
            asked: dict[str, str]) -> FileResponse:
    audit.record(request.user, audit.Action.REGISTRY_EXPORTED, region_code=request.user.region_id or "",
                 details={"list": "at_risk", "programme": programme.pk, "format": "xlsx", "rows": len(found),
                          "filter": {k: v for k, v in asked.items() if v}})
    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    sheet = book.add_worksheet(_("At risk"))
    sheets.write_row(book, sheet, 0, COLUMNS)
    row = 1
    for family in found:
        for reason in family.reasons:
            sheets.write_row(book, sheet, row, [
                shown(request.user, family.kk_number), family.head_name, family.village_code, family.village_name,
                family.facilitator_name, family.status_label, family.graduated_on, reason.code, reason.words,
                reason.since, reason.explanation], KINDS)
            row += 1
    book.close()
    buffer.seek(0)
    name = f"entas-at-risk-{programme.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name)


@login_required
def programme_at_risk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The programme's graduated families at risk inside the user's scope, most urgent first."""
    programme = get_object_or_404(Programme.objects.select_related("lead_agency"), pk=pk)
    today = timezone.localdate()
    asked, error = _filters(request)
    families = visible(request.user, Enrolment.objects.filter(programme=programme))
    regencies, facilitators = _options(families)
    context: dict[str, Any] = {
        "programme": programme, "today": today, "asked": asked, "error": error, "regencies": regencies,
        "facilitators": facilitators, "reasons": [(code, warnings.label(code)) for code in warnings.REASONS],
        "scope_note": scope_note(request), "missed_after": warnings.MISSED_AFTER_DAYS, "page": None, "counts": [],
        "total": 0}
    if error:
        return render(request, "graduation/at_risk.html", context, status=400)
    if asked["regency"]:
        families = families.filter(region_q(asked["regency"], "village_id"))
    if asked["facilitator"]:
        families = families.filter(facilitator_id=int(asked["facilitator"]))
    found = warnings.at_risk(families, today=today)
    tally = warnings.counts(found)
    if asked["reason"]:
        found = warnings.with_reason(found, asked["reason"])
    if request.GET.get("format") == "xlsx":
        return _export(request, programme, found, asked)
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    context.update({"export_query": query.urlencode(), "total": len(found),
                    "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
                    "counts": [(code, warnings.label(code), n) for code, n in tally.items()],
                    "filtered": any(asked.values())})
    return render(request, "graduation/at_risk.html", context)
