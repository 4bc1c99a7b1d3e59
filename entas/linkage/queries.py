"""What the linkage pages and API read, narrowed to what the user may see.

Jobs and agency files lie in the region of the user who made them (`LinkJob.scope`,
`AgencyUpload.region`); pairs and links in two places, the record's and the person's, and are
seen only when both lie in the user's scope (`services.in_scope`). An object outside answers 404
and writes a `scope.denied` audit entry, as everywhere (`core.scoping.get_visible_or_404`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.http import Http404

from entas.accounts.models import User
from entas.core import audit
from entas.core.scoping import region_q, user_scope
from entas.linkage.models import AgencyRecord, AgencyUpload, Band, Decision, Link, LinkCandidate, LinkJob
from entas.linkage.services import in_scope, may_link, may_upload, national_pairs, open_pairs, reviews_nationally

M = TypeVar("M", bound=Model)


def _denied(user: User | None, queryset: QuerySet[M], pk: int) -> Http404:
    if queryset.model._default_manager.filter(pk=pk).exists():
        audit.record(user, audit.Action.SCOPE_DENIED,
                     details={"model": queryset.model._meta.label_lower, "lookup": {"pk": str(pk)}})
    return Http404()


def one(user: User | None, queryset: QuerySet[M], pk: int) -> M:
    """One row of a narrowed queryset, or 404 (logged when the row exists outside the scope)."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise _denied(user, queryset, pk)
    return found


def jobs(user: User | None) -> QuerySet[LinkJob]:
    if not may_link(user):
        return LinkJob.objects.none()
    return LinkJob.objects.filter(region_q(user_scope(user), "scope")).select_related("upload", "started_by")


def uploads(user: User | None) -> QuerySet[AgencyUpload]:
    if not (may_link(user) or may_upload(user)):
        return AgencyUpload.objects.none()
    return AgencyUpload.objects.filter(region_q(user_scope(user), "region")).select_related("uploaded_by")


def pairs(user: User | None) -> QuerySet[LinkCandidate]:
    """Every pair the user may see (any band, decided or not)."""
    return in_scope(user, LinkCandidate.objects.all()).select_related("person__household__village", "job",
                                                                        "decided_by")


def queue(user: User | None, *, national: bool = False) -> QuerySet[LinkCandidate]:
    """The pairs waiting for `user`'s decision, in the order to ask them: the engine's order of
    questions, skipped pairs last (the one skipped longest ago first). The national queue holds the
    pairs that cross a regency border or name no known region; national roles only."""
    if national:
        if not reviews_nationally(user):
            return LinkCandidate.objects.none()
        rows = national_pairs(open_pairs())
    else:
        rows = in_scope(user, open_pairs())
        if user_scope(user) is None:
            rows = rows.exclude(pk__in=national_pairs(open_pairs()).values("pk"))
    skipped = Case(When(decision=Decision.SKIPPED, then=Value(1)), default=Value(0), output_field=IntegerField())
    return rows.annotate(_skipped=skipped).order_by("_skipped", "decided_at", "ask_order", "job_id", "id") \
        .select_related("person__household__village", "job", "decided_by")


def outside_count(user: User | None) -> int:
    """Pairs waiting that touch the user's region at one end only: reviewed nationally; she learns
    how many, nothing else."""
    scope = user_scope(user)
    if scope is None or not may_link(user):
        return 0
    touching = open_pairs().filter(region_q(scope, "record_region") | region_q(scope, "person_region"))
    return touching.exclude(region_q(scope, "record_region") & region_q(scope, "person_region")).count()


def links(user: User | None) -> QuerySet[Link]:
    return in_scope(user, Link.objects.all()).select_related("person__household__village", "job", "created_by",
                                                            "undone_by")


def record_of(pair: LinkCandidate | Link) -> dict[str, Any]:
    """The record as given, with the agency file it came from when it is an agency record."""
    found: dict[str, Any] = dict(pair.given)
    if pair.source == "agency_file" and pair.record_id.isdigit():
        record = AgencyRecord.objects.select_related("upload").filter(pk=int(pair.record_id)).first()
        if record is not None:
            found.update(upload=record.upload.name, row=record.row, record_key=record.record_key)
    return found


def band_counts(job: LinkJob) -> dict[str, int]:
    """How many of the job's pairs wait, were accepted or rejected in review."""
    rows = job.candidates.filter(band=Band.REVIEW)
    return {
        "waiting": rows.filter(superseded=False, decision__in=["", Decision.SKIPPED]).count(),
        "accepted": rows.filter(decision=Decision.ACCEPTED).count(),
        "rejected": rows.filter(decision=Decision.REJECTED).count(),
        "superseded": rows.filter(superseded=True).exclude(decision__in=[Decision.ACCEPTED, Decision.REJECTED]).count(),
    }


def counts_in(region: str | None) -> list[tuple[str, str, int]]:
    """How many current links whose record lies in `region` (None: the whole country) came from
    exact NIK, from the model and from review: (code, label, count), counts only (the dashboard)."""
    from entas.linkage.models import Method
    from entas.linkage.services import counts_by_method

    rows = Link.objects.filter(region_q(region, "record_region")) if region else Link.objects.all()
    counts = counts_by_method(rows)
    return [(method, str(Method(method).label), counts[method]) for method in Method.values]
