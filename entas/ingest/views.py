from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from entas.accounts.roles import IMPORTS_DATA
from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.ingest import targets
from entas.ingest.forms import UploadForm
from entas.ingest.models import ImportBatch
from entas.ingest.progress import PHASES
from entas.ingest.uploads import queue_upload, visible_batches


def _may_import(request: AuthenticatedHttpRequest) -> None:
    if request.user.role not in IMPORTS_DATA:
        raise PermissionDenied


@login_required
def upload(request: AuthenticatedHttpRequest, target: str) -> HttpResponse:
    _may_import(request)
    try:
        spec = targets.get(target)
    except LookupError:
        raise Http404 from None
    form = UploadForm(spec, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = queue_upload(request.user, target=target, upload=data["file"], kind=data["kind"], mode=data["mode"],
                             source=data["source"], extract_date=data["extract_date"])
        return redirect("ingest:batch", pk=batch.pk)
    return render(request, "ingest/upload.html", {"form": form, "target": spec,
                                                  "batches": visible_batches(request.user)[:20]})


def _batch_or_404(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    """Someone else's batch (and its rejects file) answers 404 and is logged, like every route."""
    found = visible_batches(request.user).filter(pk=pk).first()
    if found is None:
        if ImportBatch.objects.filter(pk=pk).exists():
            audit.record(request.user, audit.Action.SCOPE_DENIED,
                         details={"model": ImportBatch._meta.label_lower, "lookup": {"pk": str(pk)}})
        raise Http404
    return found


@login_required
def batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = _batch_or_404(request, pk)
    template = "ingest/_batch_status.html" if request.headers.get("HX-Request") else "ingest/batch.html"
    return render(request, template, {"batch": found, "running": found.status in _RUNNING,
                                      "phase": PHASES.get(found.phase, found.phase)})


@login_required
def rejects(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    found = _batch_or_404(request, pk)
    path = Path(found.rejects_path) if found.rejects_path else None
    if path is None or not path.exists():
        raise Http404
    audit.record(request.user, audit.Action.IMPORT_REJECTS_DOWNLOADED, found)
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"rejects-{found.pk}.csv")


_RUNNING = {ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING}
