"""Target pages: the list inside the user's scope with the form that sets one and the file upload
(through the import pipeline), the template to fill, one target with its typed achievement and
evidence. National administrators set targets anywhere, regional officers inside their region;
everyone else reads them."""

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.core import sheets, sorting
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404, region_q, user_scope, visible
from entas.ingest.models import ImportBatch
from entas.ingest.uploads import queue_upload
from entas.monitoring import dashboard, evidence, services, target_import
from entas.monitoring.forms import AchievementForm, TargetFilterForm, TargetForm, UploadForm
from entas.monitoring.models import Indicator, Target

PAGE_SIZE = 50
SORTS = {"indicator": ["indicator__code"], "region": ["region_id"], "period": ["period__year", "period__quarter"],
         "target": ["value"], "achieved": ["achieved"]}


def _apply(form: Form, problem: ValidationError) -> None:
    for field, errors in problem.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _listed(request: AuthenticatedHttpRequest, filters: TargetFilterForm) -> QuerySet[Target]:
    targets = visible(request.user, Target.objects.select_related("indicator", "region", "period"))
    if filters.is_valid():
        data = filters.cleaned_data
        if data["indicator"]:
            targets = targets.filter(indicator=data["indicator"])
        if data["period"]:
            period = dashboard.parse_period(data["period"].strip())
            targets = targets.filter(period=period) if period else targets.none()
        if data["region"]:
            targets = targets.filter(region_q(data["region"].strip(), "region_id"))
    return targets.order_by("-period__year", "period__quarter", "indicator__code", "region_id")


def _list_page(request: AuthenticatedHttpRequest, form: TargetForm, upload: UploadForm,
               status: int = 200) -> HttpResponse:
    filters = TargetFilterForm(request.GET or None)
    targets, sort_key = sorting.sort(_listed(request, filters), request.GET.get("sort"), SORTS)
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "monitoring/targets.html", {
        "filters": filters, "page": page, "sort": sort_key, "query": query.urlencode(), "form": form, "upload": upload,
        "may_set": services.may_set_targets(request.user), "scope": user_scope(request.user),
    }, status=status)


@login_required
def target_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    scope = user_scope(request.user)
    form = TargetForm(request.POST or None, initial={"region": scope or ""})
    if request.method == "POST":
        if not services.may_set_targets(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                target = services.set_target(request.user, **form.service_arguments())
            except ValidationError as problem:
                _apply(form, problem)
            else:
                messages.success(request, _("Target %(indicator)s %(region)s %(period)s set to %(value)s.") % {
                    "indicator": target.indicator.code, "region": target.region_id or _("national"),
                    "period": target.period, "value": target.value})
                return redirect("monitoring:targets")
        return _list_page(request, form, UploadForm(), status=400)
    return _list_page(request, form, UploadForm())


@login_required
@require_POST
def target_upload(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if not services.may_set_targets(request.user):
        raise PermissionDenied
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _list_page(request, TargetForm(initial={"region": user_scope(request.user) or ""}), upload, status=400)
    batch = queue_upload(request.user, target=target_import.TARGET, upload=upload.cleaned_data["file"],
                         kind="targets", mode=ImportBatch.Mode.ALL_OR_NOTHING, source="form", extract_date=None)
    return redirect("ingest:batch", pk=batch.pk)


@login_required
def target_template(request: AuthenticatedHttpRequest) -> FileResponse:
    """The columns of a target file, and a sheet of the indicators and what each column takes."""
    buffer = io.BytesIO()
    book = sheets.workbook(buffer, in_memory=True)
    sheet = book.add_worksheet(_("Targets"))
    sheets.write_row(book, sheet, 0, list(target_import.COLUMNS))
    # Region codes as text: a spreadsheet would read 33.10 as the number 33.1.
    sheet.set_column(1, 1, 16, book.add_format({"num_format": "@"}))
    sheet.set_column(0, 0, 28)
    sheet.set_column(6, 6, 40)
    indicators = book.add_worksheet(_("Indicators"))
    sheets.write_row(book, indicators, 0, [_("Code"), _("Name"), _("Unit"), _("Achievement")])
    for row, found in enumerate(Indicator.objects.order_by("code"), start=1):
        sheets.write_row(book, indicators, row, [found.code, found.name_id, found.unit,
                                                 _("computed from data") if found.computation else _("typed")])
    help_sheet = book.add_worksheet(_("Help"))
    for row, line in enumerate(_help_lines(request)):
        sheets.write_row(book, help_sheet, row, line)
    book.close()
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="entas-targets-template.xlsx")


def _help_lines(request: AuthenticatedHttpRequest) -> list[list[Any]]:
    scope = user_scope(request.user)
    return [
        ["indicator_code", _("The code of the indicator (sheet Indicators).")],
        ["region_code", _("The Kemendagri code of the region, e.g. 33.10; empty: the national target.")
         + (" " + _("Yours: %(scope)s and the regions inside it.") % {"scope": scope} if scope else "")],
        ["year", _("The year, e.g. 2026; it must be in the calendar.")],
        ["quarter", _("1 to 4; empty: the whole year.")],
        ["target", _("The target value, 0 or more.")],
        ["achieved", _("Optional, only for indicators typed in: what was achieved.")],
        ["note", _("Optional; needed with an achievement: where its evidence is kept.")],
        ["", _("Every row is checked first: one bad row and nothing is written; the rejects file names the row "
               "and the field.")],
    ]


def _target(request: AuthenticatedHttpRequest, pk: int) -> Target:
    return get_visible_or_404(request.user, Target.objects.select_related("indicator", "region", "period"), pk=pk)


@login_required
def target_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    target = _target(request, pk)
    form = AchievementForm(request.POST or None, request.FILES or None,
                           initial={"achieved": target.achieved, "note": target.note})
    status = 200
    if request.method == "POST":
        if not services.may_set_targets(request.user):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_achievement(request.user, target, achieved=data["achieved"],
                                            evidence=data["evidence"], note=data["note"])
            except ValidationError as problem:
                _apply(form, problem)
            else:
                messages.success(request, _("Achievement recorded."))
                return redirect("monitoring:target", pk=target.pk)
        status = 400
    return render(request, "monitoring/target_detail.html", {
        "target": target, "form": form, "typed": not target.indicator.computation,
        "may_set": services.may_set_targets(request.user),
        "percent": dashboard.Line("", target.value, target.achieved).percent,
    }, status=status)


@login_required
def target_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    target = _target(request, pk)
    if not target.evidence:
        raise Http404
    handle = target.evidence.open("rb")
    found = evidence.kind_of(handle)
    if found is None:  # stored before the checks, or altered on disk: never served as anything
        handle.close()
        raise Http404
    content_type, extension = found
    return FileResponse(handle, content_type=content_type, filename=f"target-{target.pk}{extension}")
