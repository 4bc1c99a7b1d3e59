"""The linkage pages: jobs and their reports, agency files, the review queue, the links.

Only the roles that link (`services.may_link`; uploads: `services.may_upload`) open them, others
get 403. Every object is found through `queries`, which narrows it to the user's region (404 and
`scope.denied` outside). Every change calls one service and shows its refusal as a message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.linkage import queries, services, uploads
from entas.linkage.forms import AgencyFileForm, MappingForm, StartJobForm
from entas.linkage.models import Decision, JobStatus, LinkCandidate, Method, Source
from entas.linkage.services import national_pairs
from entas.registry.identifiers import sees_full_identifiers

PAGE_SIZE = 50
SESSION_KEY = "linkage_uploads"
# The comparisons in the order a reviewer reads them, with the fields of each side they compare.
FIELDS = (
    ("nik", ("nik",)),
    ("name", ("name",)),
    ("birth_date", ("birth_date",)),
    ("sex", ("sex",)),
    ("place", ("village_code", "address", "kk_number")),
)
WEIGHT_STEP = 2.0  # bits per step of the bar's width
WEIGHT_STEPS = 10


def _may_link(request: AuthenticatedHttpRequest) -> None:
    if not services.may_link(request.user):
        raise PermissionDenied


def _may_upload(request: AuthenticatedHttpRequest) -> None:
    if not services.may_upload(request.user):
        raise PermissionDenied


# --- jobs --------------------------------------------------------------------------------------

@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_link(request)
    user = request.user
    form = StartJobForm(queries.uploads(user), request.POST or None,
                        initial={"source": request.GET.get("source"), "upload": request.GET.get("upload")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.start_job(user, data["source"], data["upload"], thresholds=form.thresholds())
        except services.LinkageRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Link job %(job)s started: it runs in the background.") % {"job": job.pk})
            return redirect("linkage:job", pk=job.pk)
    page = Paginator(queries.jobs(user), 20).get_page(request.GET.get("page"))
    running = any(job.status in (JobStatus.QUEUED, JobStatus.RUNNING) for job in page)
    if request.headers.get("HX-Request"):  # the jobs table polls itself while a job runs
        return render(request, "linkage/_jobs.html", {"page": page, "running": running})
    return render(request, "linkage/index.html", {
        "form": form, "page": page, "uploads": queries.uploads(user)[:10], "may_upload": services.may_upload(user),
        "methods": _methods(services.counts_by_method(queries.links(user))),
        "waiting": queries.queue(user).count(), "outside": queries.outside_count(user),
        "national": queries.queue(user, national=True).count() if services.reviews_nationally(user) else None,
        "running": running,
    })


def _methods(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(method, str(Method(method).label), counts.get(method, 0)) for method in Method.values]


@login_required
def job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _may_link(request)
    found = queries.one(request.user, queries.jobs(request.user), pk)
    context: dict[str, Any] = {"job": found, "running": found.running}
    if request.headers.get("HX-Request"):
        return render(request, "linkage/_job_status.html", context)
    links = queries.links(request.user).filter(job=found, undone_at__isnull=True).order_by("-created_at", "-id")
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(bands=queries.band_counts(found), page=page, full_ids=sees_full_identifiers(request.user),
                   methods=_methods(services.counts_by_method(found.links.all())))
    return render(request, "linkage/job.html", context)


# --- agency files ------------------------------------------------------------------------------

@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_upload(request)
    form = AgencyFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        token, digest = uploads.store(file.chunks(), Path(str(file.name)).suffix)
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {"name": str(file.name)[:255], "title": form.cleaned_data["title"], "sha256": digest}
        request.session[SESSION_KEY] = pending
        return redirect("linkage:map", token=token)
    return render(request, "linkage/upload.html", {"form": form})


def _pending(request: AuthenticatedHttpRequest, token: str) -> dict[str, str]:
    """An upload waiting for its mapping: only the session that uploaded it may map it."""
    found = request.session.get(SESSION_KEY, {}).get(token)
    if found is None:
        from django.http import Http404

        raise Http404
    return dict(found)


@login_required
def map_columns(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    _may_upload(request)
    pending = _pending(request, token)
    try:
        frame = uploads.read(uploads.stored(token), pending["name"])
    except uploads.UploadRefused as refusal:
        _forget(request, token)
        messages.error(request, str(refusal))
        return redirect("linkage:upload")
    columns = list(frame.columns)
    initial = {"title": pending["title"], **uploads.guess_mapping(columns)}
    form = MappingForm(columns, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            kept = uploads.keep(request.user, frame=frame, mapping=form.mapping(), name=form.cleaned_data["title"],
                                file_name=pending["name"], sha256=pending["sha256"])
        except uploads.UploadRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            _forget(request, token)
            messages.success(request, _("%(rows)s records of %(file)s kept.") % {"rows": kept.rows,
                                                                                  "file": kept.file_name})
            return redirect("linkage:file", pk=kept.pk)
    sample = frame.head(5).rows()
    return render(request, "linkage/map.html", {"form": form, "file_name": pending["name"], "columns": columns,
                                                "sample": sample, "rows": frame.height, "token": token})


def _forget(request: AuthenticatedHttpRequest, token: str) -> None:
    uploads.discard(token)
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


@login_required
def agency_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _may_link(request)
    found = queries.one(request.user, queries.uploads(request.user), pk)
    return render(request, "linkage/file.html", {
        "upload": found, "warnings": found.warnings, "jobs": queries.jobs(request.user).filter(upload=found)[:20],
        "mapping": [(key, found.mapping[key]) for key in uploads.KEYS if key in found.mapping],
        "start": StartJobForm(queries.uploads(request.user), initial={"source": Source.AGENCY_FILE,
                                                                      "upload": found.pk}),
    })


# --- review ------------------------------------------------------------------------------------

def _bar(weight: float | None) -> dict[str, Any]:
    value = weight or 0.0
    steps = min(WEIGHT_STEPS, round(abs(value) / WEIGHT_STEP + 0.49)) if value else 0
    return {"value": value, "steps": steps, "sign": "pos" if value > 0 else "neg" if value < 0 else "zero"}


def _comparison(pair: LinkCandidate, record: dict[str, Any], full_ids: bool) -> list[dict[str, Any]]:
    person = pair.person
    home = person.household
    mask = (lambda v: v) if full_ids else _masked
    theirs = {
        "nik": mask(person.nik), "name": person.full_name, "birth_date": person.birth_date.isoformat()
        if person.birth_date else "", "sex": person.sex or "",
        "village_code": f"{home.village_id} {home.village.name}" if home else "",
        "address": (home.address or "") if home else "", "kk_number": mask(home.kk_number) if home else "",
    }
    ours = {key: record.get(key, "") for key in theirs}
    ours["nik"], ours["kk_number"] = mask(ours["nik"]), mask(ours["kk_number"])
    rows = []
    for comparison, keys in FIELDS:
        rows.append({"comparison": comparison, "bar": _bar(pair.weights.get(comparison)),
                     "fields": [(key, ours[key], theirs[key]) for key in keys]})
    return rows


def _masked(value: str) -> str:
    from entas.core.identifiers import mask_nik

    return mask_nik(value) if value else ""


def _review(request: AuthenticatedHttpRequest, *, national: bool) -> HttpResponse:
    _may_link(request)
    user = request.user
    if national and not services.reviews_nationally(user):
        raise PermissionDenied
    waiting = queries.queue(user, national=national)
    asked = request.GET.get("pair", "")
    pair = queries.one(user, waiting, int(asked)) if asked.isdigit() and len(asked) <= 18 else waiting.first()
    context: dict[str, Any] = {"national": national, "waiting": waiting.count(),
                               "outside": queries.outside_count(user) if not national else 0,
                               "full_ids": sees_full_identifiers(user)}
    if pair is not None:
        audit.record(user, audit.Action.LINK_CANDIDATE_VIEWED, pair, details={
            "source": pair.source, "record_id": pair.record_id, "person": pair.person_id})
        record = queries.record_of(pair)
        context.update(pair=pair, record=record, comparison=_comparison(pair, record, context["full_ids"]),
                       person=pair.person, home=pair.person.household)
    return render(request, "linkage/review.html", context)


@login_required
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _review(request, national=False)


@login_required
def review_national(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _review(request, national=True)


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    _may_link(request)
    national = request.POST.get("queue") == "national"
    if national and not services.reviews_nationally(request.user):
        raise PermissionDenied
    visible = national_pairs(LinkCandidate.objects.all()) if national else queries.pairs(request.user)
    pair = queries.one(request.user, visible, pk)
    decision = request.POST.get("decision", "")
    try:
        services.decide(request.user, pair, decision)
    except services.LinkageRefused as refusal:
        messages.error(request, refusal.message)
    else:
        done = {Decision.ACCEPTED: _("Linked: the record is now %(name)s."),
                Decision.REJECTED: _("Rejected: %(name)s is not this record."),
                Decision.SKIPPED: _("Skipped: the pair waits at the end of the queue.")}[Decision(decision)]
        messages.success(request, done % {"name": pair.person.full_name})
    return redirect("linkage:review_national" if national else "linkage:review")


# --- links -------------------------------------------------------------------------------------

@login_required
def links(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_link(request)
    rows = queries.links(request.user).filter(undone_at__isnull=True)
    method, source = request.GET.get("method", ""), request.GET.get("source", "")
    if method in Method.values:
        rows = rows.filter(method=method)
    if source in Source.values:
        rows = rows.filter(source=source)
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_list_read(request.user, "linkage.link", request.GET, [link.pk for link in page],
                           people=[link.person_id for link in page])
    return render(request, "linkage/links.html", {
        "page": page, "method": method, "source": source, "methods": Method.choices, "sources": Source.choices,
        "counts": _methods(services.counts_by_method(queries.links(request.user))),
        "full_ids": sees_full_identifiers(request.user),
    })


@login_required
@require_POST
def undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    _may_link(request)
    found = queries.one(request.user, queries.links(request.user), pk)
    try:
        services.undo_link(request.user, found)
    except services.LinkageRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Link undone: the record no longer names %(name)s.")
                         % {"name": found.person.full_name})
    if request.POST.get("back") == "job" and found.job_id:
        return redirect("linkage:job", pk=found.job_id)
    return HttpResponseRedirect(reverse("linkage:links"))
