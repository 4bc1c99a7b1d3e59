"""The poverty-line page: the BPS lines per province, area and period, for everyone to read; a
national administrator enters one in the form or uploads a file (through the import pipeline,
target `poverty_lines`) made from the downloadable template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from entas.accounts.roles import Role
from entas.core import numbers
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.graduation import rules
from entas.graduation.models import PovertyLine
from entas.graduation.poverty_import import TARGET, template_workbook
from entas.graduation.rule_forms import PovertyLineForm, PovertyUploadForm, ProvinceFilter
from entas.ingest.models import ImportBatch
from entas.ingest.uploads import queue_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 100


def _enter(request: AuthenticatedHttpRequest, form: PovertyLineForm) -> bool:
    data = form.cleaned_data
    try:
        line = rules.set_poverty_line(request.user, province_code=data["province_code"], area=data["area"],
                                      valid_from=data["valid_from"], amount=data["amount"], source=data["source"])
    except ValidationError as error:
        show_errors(form, error)
        return False
    messages.success(request, _("Poverty line saved: %(line)s Rp%(amount)s.") % {
        "line": f"{line.province_id} {line.get_area_display()} {numbers.day(line.valid_from)}",
        "amount": numbers.count(line.amount)})
    return True


@login_required
def poverty_lines(request: AuthenticatedHttpRequest) -> HttpResponse:
    may_change = request.user.role == Role.NATIONAL_ADMIN
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    form = PovertyLineForm(request.POST if request.POST.get("kind") == "one" else None)
    upload = PovertyUploadForm(request.POST if request.POST.get("kind") == "file" else None,
                               request.FILES or None)
    if request.method == "POST" and form.is_bound and form.is_valid() and _enter(request, form):
        return redirect("graduation:poverty_lines")
    if request.method == "POST" and upload.is_bound and upload.is_valid():
        batch = queue_upload(request.user, target=TARGET, upload=upload.cleaned_data["file"], kind="auto",
                             mode=ImportBatch.Mode.ALL_OR_NOTHING, source="BPS", extract_date=None)
        return redirect("ingest:batch", pk=batch.pk)
    shown = ProvinceFilter(request.GET or None)
    lines = PovertyLine.objects.select_related("province").order_by("province_id", "-valid_from", "area")
    if shown.is_valid() and shown.cleaned_data["province"]:
        lines = lines.filter(province_id=shown.cleaned_data["province"])
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "graduation/poverty_lines.html", {
        "page": page, "filter": shown, "form": form if may_change else None,
        "upload": upload if may_change else None})


@login_required
def poverty_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="poverty-lines-template.xlsx"'
    return response
