"""The facilitator management pages: one facilitator (caseload, history, change capacity, target
or area, deactivate with the handover), making a user a facilitator (or creating her account), the
bulk upload with its XLSX template, and the first sign-in links of the accounts not yet used.
National administrators everywhere, regional officers inside their region; the list is
programme_views.facilitator_report."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import get_visible_or_404, visible
from entas.graduation import handover
from entas.graduation.enrolment import caseload
from entas.graduation.facilitator_forms import ChangeFacilitatorForm, DeactivateForm, FacilitatorForm, UploadForm
from entas.graduation.models import CaseloadAssignment
from entas.programmes import facilitator_import, services, welcome
from entas.programmes.models import Facilitator
from entas.programmes.queries import facilitators_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_ROWS = 100


def may_manage(user: User) -> bool:
    return user.role in services.MANAGES_FACILITATORS


def _manager(request: AuthenticatedHttpRequest) -> None:
    if not may_manage(request.user):
        raise PermissionDenied


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _post_detail(request: AuthenticatedHttpRequest, facilitator: Facilitator,
                 change: ChangeFacilitatorForm, leave: DeactivateForm) -> bool:
    """Apply the change or the deactivation the POST asks for; False (errors on the form) if refused."""
    _manager(request)
    try:
        if request.POST.get("kind") == "deactivate":
            if not leave.is_valid():
                return False
            result = handover.deactivate_facilitator(request.user, facilitator, reason=leave.cleaned_data["reason"],
                                                     to=leave.cleaned_data["to"])
            messages.success(request, _("%(name)s is no longer active; %(n)s families were handed over.") % {
                "name": facilitator, "n": result.moved})
            return True
        if not change.is_valid():
            return False
        data = change.cleaned_data
        handover.change_capacity(request.user, facilitator, capacity=data["capacity"],
                                 yearly_target=data["yearly_target"], region_code=data["region"].strip())
        messages.success(request, _("%(name)s saved.") % {"name": facilitator})
        return True
    except ValidationError as error:
        show_errors(leave if request.POST.get("kind") == "deactivate" else change, error)
        return False


@login_required
def facilitator_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facilitator = get_visible_or_404(request.user, Facilitator.objects.select_related("user", "agency"), pk=pk)
    others = facilitators_for(request.user).filter(active=True).exclude(pk=facilitator.pk).order_by("region_id", "id")
    initial = {"capacity": facilitator.capacity, "yearly_target": facilitator.yearly_target,
               "region": facilitator.region_id}
    posted = request.POST if request.method == "POST" else None
    change = ChangeFacilitatorForm(posted if request.POST.get("kind") != "deactivate" else None, initial=initial)
    leave = DeactivateForm(posted if request.POST.get("kind") == "deactivate" else None, others=others)
    if request.method == "POST" and _post_detail(request, facilitator, change, leave):
        return redirect("graduation:facilitator", pk=facilitator.pk)
    history = visible(request.user, CaseloadAssignment.objects.filter(
        Q(from_facilitator=facilitator) | Q(to_facilitator=facilitator))).select_related(
        "enrolment", "from_facilitator__user", "to_facilitator__user").order_by("-at", "-id")[:HISTORY_ROWS]
    return render(request, "graduation/facilitator_detail.html", {
        "facilitator": facilitator, "caseload": caseload(facilitator), "history": history, "change": change,
        "leave": leave, "may_manage": may_manage(request.user) and facilitator.active,
    }, status=400 if request.method == "POST" else 200)


def _existing_user(request: AuthenticatedHttpRequest, form: FacilitatorForm) -> tuple[bool, User | None]:
    """(found, user): the user named in `existing` among those the actor may see, None when the
    field is empty (a new account); found False (an error on the form) when nobody matches."""
    name = form.cleaned_data["existing"].strip()
    if not name:
        return True, None
    found = visible(request.user, User.objects.filter(username=name)).first()
    if found is None:
        form.add_error("existing", _("No user '%(name)s' inside your region.") % {"name": name})
        return False, None
    return True, found


@login_required
def facilitator_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a user a facilitator; a new account's first sign-in link is shown once, on the answer."""
    _manager(request)
    form = FacilitatorForm(request.POST if request.method == "POST" else None)
    ok, user = _existing_user(request, form) if request.method == "POST" and form.is_valid() else (False, None)
    if ok:
        data = form.cleaned_data
        try:
            made = services.register_facilitator(
                request.user, user=user, username=data["username"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], agency=data["agency"],
                region_code=data["region"].strip(), capacity=data["capacity"], yearly_target=data["yearly_target"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            link = (request.build_absolute_uri(welcome.link_path(made.user))
                    if welcome.waiting(Facilitator.objects.filter(pk=made.pk)).exists() else "")
            return render(request, "graduation/facilitator_created.html", {"facilitator": made, "link": link})
    return render(request, "graduation/facilitator_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def facilitator_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Many facilitators and their accounts from one file, all or nothing."""
    _manager(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            # The reader tells CSV from XLSX by content; the name only appears in its messages.
            path = Path(folder) / ("upload" + (".csv" if upload.name.lower().endswith(".csv") else ".xlsx"))
            with path.open("wb") as handle:
                for piece in upload.chunks():
                    handle.write(piece)
            try:
                result = facilitator_import.register_facilitators(request.user, path)
            except ValidationError as error:
                show_errors(form, error)
    return render(request, "graduation/facilitator_upload.html", {"form": form, "result": result},
                  status=400 if form.errors else 200)


@login_required
def facilitator_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    return _xlsx(facilitator_import.template_workbook(), "facilitators-template.xlsx")


@login_required
def facilitator_links(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Fresh first sign-in links of the facilitators in the actor's region who have not signed in."""
    _manager(request)
    waiting = welcome.waiting(facilitators_for(request.user).filter(user__role=Role.FACILITATOR))
    return _xlsx(welcome.links_workbook(waiting, request.build_absolute_uri), "facilitator-sign-in-links.xlsx")
