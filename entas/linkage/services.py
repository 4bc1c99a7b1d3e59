"""Every change of the linkage app: start and run a link job, decide a pair, undo a link.

Each function runs in a transaction and writes its audit entry and domain event there
(`core.audit.record_change`). Refusals are `LinkageRefused` (a ValueError) with a message for the
person who asked; nothing is written then.

Who may do what (`may_link`): national administrators, regional officers and analysts start jobs
and review; a reviewer sees a pair or a link only when both the record's region and the person's
village lie inside her scope (`in_scope`). Pairs that cross a regency border, or whose record
names no known region, form the national queue (`national_pairs`), which only national roles
open; a regional reviewer learns only how many of them touch her region (`queries.outside_count`).

A run (`run_job`): A = the registry people inside the job's region, B = the source's records
there. Records already linked keep their link (they still train the model). Records whose cleaned
NIK is exactly one person's, with a sex that does not disagree, are linked `exact_nik` without
asking; the engine links the rest (`entas.linkage.run.link`), taking every active review decision
of the source as a label: a decided pair is never asked again. Accepted pairs are linked `model`,
pairs in the review band wait in the queue in the engine's order of questions.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import IMPORTS_DATA, Role
from entas.core import audit
from entas.core.numbers import moment
from entas.core.scoping import region_q, user_scope
from entas.ingest.models import ImportBatch
from entas.linkage import sources
from entas.linkage.model import Thresholds
from entas.linkage.models import (
    RUNNING,
    AgencyUpload,
    Band,
    Decision,
    JobStatus,
    Link,
    LinkCandidate,
    LinkDecision,
    LinkJob,
    Method,
    Source,
)
from entas.linkage.normalise import name_tokens_expr, nik_expr, sex_expr
from entas.linkage.run import link
from entas.regions.codes import within
from entas.registry.models import Person

log = logging.getLogger(__name__)

# Roles that start link jobs and review pairs (analysts work on the national queue).
LINKS_PEOPLE = frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER, Role.ANALYST})
# Roles that upload agency files (personal data from outside, like any import).
UPLOADS_FILES = frozenset(IMPORTS_DATA)
CHUNK = 5_000
Progress = Callable[[str, float], None]


class LinkageRefused(ValueError):
    """A change refused, with the reason in the words of the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- who may do what ---------------------------------------------------------------------------

def may_link(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in LINKS_PEOPLE


def may_upload(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in UPLOADS_FILES


def reviews_nationally(user: User | None) -> bool:
    """National roles open the national queue."""
    return may_link(user) and user is not None and user.region_id is None


def both_inside(scope: str | None) -> Q:
    """Pairs and links whose record and person both lie inside `scope`."""
    return region_q(scope, "record_region") & region_q(scope, "person_region")


def in_scope(user: User | None, rows: QuerySet[Any]) -> QuerySet[Any]:
    """The pairs or links (`LinkCandidate`, `Link`) that `user` may see: both ends inside her scope."""
    if not may_link(user):
        return rows.none()
    return rows.filter(both_inside(user_scope(user)))


def national_pairs(rows: QuerySet[Any]) -> QuerySet[Any]:
    """Rows whose record and person lie in different regencies, or whose record has no known region:
    no regency's reviewer can see both ends."""
    return rows.annotate(_record_regency=Substr("record_region", 1, 5), _person_regency=Substr("person_region", 1, 5)
                         ).filter(Q(record_region__isnull=True) | Q(person_region__isnull=True)
                                  | ~Q(_record_regency=F("_person_regency")))


def open_pairs() -> QuerySet[LinkCandidate]:
    """Pairs waiting for a decision (a skipped pair waits at the end of the queue)."""
    return LinkCandidate.objects.filter(band=Band.REVIEW, superseded=False,
                                        decision__in=["", Decision.SKIPPED])


def _who(user: User | None) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


# --- starting a job ----------------------------------------------------------------------------

def _import_running(source: str) -> ImportBatch | None:
    target = sources.IMPORT_TARGET.get(Source(source))
    if target is None:
        return None
    waiting = [ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING]
    return ImportBatch.objects.filter(target=target, status__in=waiting).order_by("created_at").first()


def _overlapping(source: str, scope: str | None, upload: AgencyUpload | None) -> LinkJob | None:
    """A queued or running job of the same source (and file) whose region overlaps `scope`."""
    for job in LinkJob.objects.filter(source=source, upload=upload, status__in=RUNNING).order_by("created_at"):
        if job.scope is None or scope is None or within(job.scope, scope) or within(scope, job.scope):
            return job
    return None


def start_job(actor: User | None, source: str, upload: AgencyUpload | None = None, *,
              thresholds: Thresholds | None = None, region: str | None = None, enqueue: bool = True) -> LinkJob:
    """Queue a link job of `source` in the actor's region (the system: `region`, None national) and
    hand it to the background worker once committed (`enqueue`; the CLI runs it itself)."""
    if actor is not None and not may_link(actor):
        raise LinkageRefused(_("Your role may not start link jobs."))
    if source not in Source.values:
        raise LinkageRefused(_("Unknown source '%(source)s'.") % {"source": source})
    if (source == Source.AGENCY_FILE) != (upload is not None):
        raise LinkageRefused(_("An agency-file link job needs its uploaded file; other sources take none."))
    scope = user_scope(actor) if actor is not None else region
    if upload is not None and scope is not None and not within(upload.region or "", scope):
        raise LinkageRefused(_("This agency file belongs to another region."))
    thresholds = thresholds or Thresholds()
    with transaction.atomic():
        batch = _import_running(source)
        if batch is not None:
            raise LinkageRefused(
                _("An import of %(source)s is running (import %(batch)s, since %(when)s): start the link job when "
                  "it has ended, so that it links the records as the import leaves them.")
                % {"source": Source(source).label, "batch": batch.pk, "when": moment(batch.created_at)})
        running = _overlapping(source, scope, upload)
        if running is not None:
            raise LinkageRefused(
                _("Link job %(job)s of %(source)s is still %(status)s for an overlapping region (started by "
                  "%(who)s, %(when)s): wait until it ends.")
                % {"job": running.pk, "source": Source(source).label, "status": running.get_status_display().lower(),
                   "who": _who(running.started_by), "when": moment(running.created_at)})
        job = LinkJob.objects.create(source=source, upload=upload, scope=scope, upper=thresholds.upper,
                                     lower=thresholds.lower, margin=thresholds.margin, started_by=actor)
        audit.record_change(actor, audit.Action.LINK_JOB_STARTED, job, details={
            "source": source, "scope": scope, "upload": upload.pk if upload else None,
            "thresholds": dataclasses.asdict(thresholds)})
        if enqueue:
            from entas.linkage.tasks import run_link_job

            transaction.on_commit(lambda: run_link_job.enqueue(job.pk))
    return job


# --- running a job -----------------------------------------------------------------------------

def _save_progress(job_id: int, stage: str, share: float) -> None:
    LinkJob.objects.filter(pk=job_id).update(stage=stage[:32], share=min(max(share, 0.0), 1.0))


def run_job(job_id: int, *, progress: Progress | None = None) -> LinkJob:
    """The task's body: run a queued job to the end and keep its progress on the row. A failure is
    recorded on the job (status failed, the error) and in the audit log; nothing of it is written."""
    with transaction.atomic():
        job = LinkJob.objects.select_for_update(of=("self",)).select_related("upload", "started_by").get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return job
        job.status, job.started_at, job.stage, job.share = JobStatus.RUNNING, timezone.now(), "read", 0.0
        job.save(update_fields=["status", "started_at", "stage", "share"])

    def tell(stage: str, share: float) -> None:
        _save_progress(job_id, stage, share)
        if progress is not None:
            progress(stage, share)

    try:
        _run(job, tell)
    except Exception as error:  # recorded on the job for its page; the traceback goes to the log
        log.exception("link job %s failed", job_id)
        LinkJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=str(error)[:2000],
                                                 finished_at=timezone.now(), stage="failed")
        job.refresh_from_db()
        audit.record(job.started_by, audit.Action.LINK_JOB_FAILED, job, details={"error": str(error)[:500]})
        return job
    job.refresh_from_db()
    return job


def _run(job: LinkJob, tell: Progress) -> None:
    tell("read", 0.02)
    a = sources.registry_frame(job.scope)
    b = sources.source_frame(job.source, job.scope, job.upload)
    tell("read", 0.08)
    linked = _already_linked(job.source, b)
    exact = exact_nik(a, b.filter(~pl.col("record_id").is_in(list(linked))))
    labels = active_labels(job.source)
    thresholds = Thresholds(upper=job.upper, lower=job.lower, margin=job.margin)

    def engine(stage: str, share: float) -> None:
        tell(stage, 0.1 + 0.8 * share)

    keys = list(sources.KEYS)
    result = link(a.select(keys), b.select(keys), labels=labels if labels.height else None, thresholds=thresholds,
                  progress=engine)
    tell("write", 0.9)
    decided = set(linked) | set(exact["record_id"].to_list())
    candidates = result.candidates.filter(~pl.col("record_id_b").is_in(list(decided)))
    report = dataclasses.asdict(result.report)
    report.update(labels_available=labels.height, already_linked=len(linked))
    _write(job, a, b, linked, exact, candidates, report)
    tell("done", 1.0)


def _already_linked(source: str, b: pl.DataFrame) -> dict[str, str]:
    """Records of `b` that have their person already: record id → person id."""
    with_person = b.filter(pl.col("person_id").is_not_null())
    return dict(zip(with_person["record_id"].to_list(), with_person["person_id"].to_list(), strict=True))


def exact_nik(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
    """B records whose cleaned NIK is one registry person's NIK, with a sex that does not disagree
    (and, when the record gives no sex, a name sharing a word with the person's): record_id,
    person_id. A woman's record carrying her twin brother's NIK (hers without the +40) says `P`
    against his `L`, and is left to the model."""
    if b.height == 0 or a.height == 0:
        return pl.DataFrame(schema={"record_id": pl.String, "person_id": pl.String})
    left = a.select(pl.col("record_id").alias("person_id"), nik_expr(pl.col("nik")).alias("_nik"),
                    pl.col("sex").alias("_sex_a"), name_tokens_expr(pl.col("name")).alias("_tokens_a"))
    right = b.select("record_id", nik_expr(pl.col("nik")).alias("_nik"), sex_expr(pl.col("sex")).alias("_sex_b"),
                     name_tokens_expr(pl.col("name")).alias("_tokens_b"))
    joined = right.filter(pl.col("_nik").is_not_null()).join(left.filter(pl.col("_nik").is_not_null()), on="_nik")
    shared = pl.col("_tokens_a").list.set_intersection(pl.col("_tokens_b")).list.len() > 0
    agrees = pl.when(pl.col("_sex_b").is_null()).then(shared).otherwise(pl.col("_sex_b") == pl.col("_sex_a"))
    return joined.filter(agrees.fill_null(False)).select("record_id", "person_id").unique("record_id")


def active_labels(source: str) -> pl.DataFrame:
    """Every review decision of the source still standing, as the engine's labels."""
    rows = LinkDecision.objects.filter(source=source, undone_at__isnull=True).order_by("decided_at", "id") \
        .values_list("person_id", "record_id", "is_match")
    return pl.DataFrame([(str(p), r, int(m)) for p, r, m in rows],
                        schema={"record_id_a": pl.String, "record_id_b": pl.String, "is_match": pl.Int8},
                        orient="row")


def _weights(row: dict[str, Any]) -> dict[str, float]:
    return {key.removeprefix("weight_"): row[key] for key in row if key.startswith("weight_") and row[key] is not None}


def _write(job: LinkJob, a: pl.DataFrame, b: pl.DataFrame, linked: dict[str, str], exact: pl.DataFrame,
           candidates: pl.DataFrame, report: dict[str, Any]) -> None:
    """Everything a run found, in one transaction: exact-NIK and model links, the pairs to review,
    the older pairs of the same records set aside, the counts and the audit entry."""
    actor = job.started_by
    village = dict(zip(a["record_id"].to_list(), a["village_code"].to_list(), strict=True))
    records = {row["record_id"]: row for row in b.iter_rows(named=True)}
    bands = candidates.group_by("band").len()
    counts = {band: int(n) for band, n in bands.iter_rows()}
    person_ids = {int(p) for p in [*exact["person_id"].to_list(), *candidates["record_id_a"].to_list()]}
    people = Person.objects.in_bulk(list(person_ids))
    refused: dict[str, str] = {}
    new_links: list[Link] = []
    with transaction.atomic():
        closed = _close_stale_links(job.source, b, linked)
        recorded = _record_existing_links(job, linked, records, village)
        for record_id, person_id in exact.iter_rows():
            made = _link_one(job, actor, records[record_id], people[int(person_id)], Method.EXACT_NIK, None, None,
                             village, refused)
            if made is not None:
                new_links.append(made)
        pairs = []
        for row in candidates.filter(pl.col("band").is_in([Band.ACCEPTED, Band.REVIEW])).iter_rows(named=True):
            record = records[row["record_id_b"]]
            pairs.append(LinkCandidate(
                job=job, source=job.source, record_id=row["record_id_b"], person_id=int(row["record_id_a"]),
                probability=row["probability"], match_weight=row["match_weight"], weights=_weights(row),
                given=sources.given(record), runner_up_weight=row["runner_up_weight"], band=row["band"],
                ask_order=row["ask_order"], record_region=record["region"],
                person_region=village.get(row["record_id_a"]),
            ))
        LinkCandidate.objects.bulk_create(pairs, batch_size=2_000)
        made_pairs = LinkCandidate.objects.filter(job=job)
        for pair in made_pairs.filter(band=Band.ACCEPTED).order_by("id"):
            made = _link_one(job, actor, records[pair.record_id], people[pair.person_id], Method.MODEL, pair,
                             pair.probability, village, refused)
            if made is not None:
                new_links.append(made)
        _supersede(job, b["record_id"].to_list())
        exact_count = sum(1 for link_ in new_links if link_.method == Method.EXACT_NIK)
        report.update(refused=len(refused), refused_examples=dict(list(refused.items())[:10]),
                      recorded_exact_nik=recorded, closed_stale_links=closed)
        LinkJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, finished_at=timezone.now(), stage="done", share=1.0, report=report,
            people=a.height, records=b.height, accepted=counts.get(Band.ACCEPTED, 0),
            review=made_pairs.filter(band=Band.REVIEW).count(), rejected=counts.get("rejected", 0),
            exact_nik=exact_count + recorded, by_model=len(new_links) - exact_count)
        job.refresh_from_db()
        audit.record_change(actor, audit.Action.LINK_JOB_DONE, job, changed=Link,
                            ids=[link_.pk for link_ in new_links],
                            places=sorted({link_.record_region for link_ in new_links if link_.record_region}),
                            details={"source": job.source, "scope": job.scope, "exact_nik": job.exact_nik,
                                     "by_model": job.by_model, "review": job.review, "rejected": job.rejected,
                                     "refused": len(refused), "closed_stale_links": closed})


def _link_one(job: LinkJob, actor: User | None, record: dict[str, Any], person: Person, method: Method,
              pair: LinkCandidate | None, probability: float | None, village: dict[str, str],
              refused: dict[str, str]) -> Link | None:
    """Attach one record to its person and write its link; a refusal of the source is noted, not fatal."""
    record_id = record["record_id"]
    try:
        with transaction.atomic():
            sources.attach(actor, job.source, record_id, person, method=method)
            return Link.objects.create(
                source=job.source, record_id=record_id, person=person, method=method, probability=probability,
                job=job, candidate=pair, given=sources.given(record), record_region=record["region"],
                person_region=village.get(str(person.pk)), created_by=actor)
    except sources.AttachRefused as refusal:
        refused[record_id] = refusal.args[0] if refusal.args else ""
        return None


def _record_existing_links(job: LinkJob, linked: dict[str, str], records: dict[str, dict[str, Any]],
                           village: dict[str, str]) -> int:
    """Records that came with their person (an import or a page linked them by NIK) but have no link
    row yet get one (`exact_nik`), so the counts by method are complete."""
    if not linked:
        return 0
    have = set()
    ids = list(linked)
    for start in range(0, len(ids), CHUNK):
        have |= set(Link.objects.filter(source=job.source, undone_at__isnull=True,
                                        record_id__in=ids[start:start + CHUNK]).values_list("record_id", flat=True))
    missing = [r for r in ids if r not in have]
    outside_a = {int(linked[r]) for r in missing if linked[r] not in village}
    regions = dict(Person.objects.filter(pk__in=outside_a).values_list("pk", "household__village_id"))
    Link.objects.bulk_create([
        Link(source=job.source, record_id=r, person_id=int(linked[r]), method=Method.EXACT_NIK, job=job,
             given=sources.given(records[r]), record_region=records[r]["region"],
             person_region=village.get(linked[r]) or regions.get(int(linked[r])), created_by=job.started_by)
        for r in missing], batch_size=2_000)
    return len(missing)


def _close_stale_links(source: str, b: pl.DataFrame, linked: dict[str, str]) -> int:
    """A link whose record lost its person outside this app (a page, an import) is no longer current
    (counted in the report and the job's audit entry)."""
    unlinked = [r for r in b["record_id"].to_list() if r not in linked]
    closed = 0
    for start in range(0, len(unlinked), CHUNK):
        closed += Link.objects.filter(source=source, undone_at__isnull=True,
                                      record_id__in=unlinked[start:start + CHUNK]).update(undone_at=timezone.now())
    return closed


def _supersede(job: LinkJob, record_ids: list[str]) -> None:
    """This job's pairs replace the open pairs earlier jobs left for the same records."""
    for start in range(0, len(record_ids), CHUNK):
        open_pairs().filter(source=job.source, record_id__in=record_ids[start:start + CHUNK]).exclude(job=job) \
            .update(superseded=True)


# --- deciding a pair ---------------------------------------------------------------------------

def _locked_pair(actor: User | None, candidate: LinkCandidate) -> LinkCandidate:
    pair = LinkCandidate.objects.select_for_update(of=("self",)).select_related("job").get(pk=candidate.pk)
    if pair.decision in (Decision.ACCEPTED, Decision.REJECTED):
        said = (_("This pair was already accepted by %(who)s on %(when)s.") if pair.decision == Decision.ACCEPTED
                else _("This pair was already rejected by %(who)s on %(when)s."))
        raise LinkageRefused(said % {"who": _who(pair.decided_by), "when": moment(pair.decided_at)})
    if pair.superseded:
        raise LinkageRefused(_("A later link job replaced this pair: review the newer one."))
    if pair.band != Band.REVIEW:
        raise LinkageRefused(_("This pair is not waiting for review."))
    if not in_scope(actor, LinkCandidate.objects.filter(pk=pair.pk)).exists():
        raise LinkageRefused(_("Only a reviewer whose region covers both the record and the person may decide "
                               "this pair."))
    return pair


@transaction.atomic
def decide(actor: User | None, candidate: LinkCandidate, decision: str) -> LinkCandidate:
    """Accept, reject or skip a pair of the review queue. Accepting links the record (one person per
    record); accepting and rejecting become labels for every later run; skipping moves the pair to
    the end of the queue."""
    if decision not in Decision.values:
        raise LinkageRefused(_("Unknown decision '%(decision)s'.") % {"decision": decision})
    pair = _locked_pair(actor, candidate)
    now = timezone.now()
    if decision == Decision.SKIPPED:
        pair.decision, pair.decided_by, pair.decided_at = Decision.SKIPPED, actor, now
        pair.save(update_fields=["decision", "decided_by", "decided_at"])
        return pair
    if decision == Decision.ACCEPTED:
        current = Link.objects.filter(source=pair.source, record_id=pair.record_id, undone_at__isnull=True).first()
        if current is not None:
            raise LinkageRefused(
                _("This record is already linked to another person (%(method)s, %(when)s): undo that link first.")
                % {"method": current.get_method_display().lower(), "when": moment(current.created_at)})
        try:
            sources.attach(actor, pair.source, pair.record_id, pair.person, method=Method.REVIEW)
        except sources.AttachRefused as refusal:
            raise LinkageRefused(str(refusal)) from refusal
        made = Link.objects.create(
            source=pair.source, record_id=pair.record_id, person=pair.person, method=Method.REVIEW,
            probability=pair.probability, job=pair.job, candidate=pair, given=pair.given,
            record_region=pair.record_region, person_region=pair.person_region, created_by=actor)
        LinkJob.objects.filter(pk=pair.job_id).update(by_review=F("by_review") + 1)
    label = LinkDecision.objects.create(
        source=pair.source, record_id=pair.record_id, person=pair.person, is_match=decision == Decision.ACCEPTED,
        candidate=pair, decided_by=actor, record_region=pair.record_region)
    pair.decision, pair.decided_by, pair.decided_at = decision, actor, now
    pair.save(update_fields=["decision", "decided_by", "decided_at"])
    details = {"source": pair.source, "record_id": pair.record_id, "person": pair.person_id, "pair": pair.pk,
               "probability": round(pair.probability, 4), "job": pair.job_id}
    if decision == Decision.ACCEPTED:
        # Other open pairs of the record (other jobs) are moot now.
        open_pairs().filter(source=pair.source, record_id=pair.record_id).exclude(pk=pair.pk).update(superseded=True)
        audit.record_change(actor, audit.Action.LINK_ACCEPTED, made, places=[pair.person_region or ""],
                            details=details | {"link": made.pk})
    else:
        audit.record_change(actor, audit.Action.LINK_REJECTED, label, places=[pair.person_region or ""],
                            details=details)
    return pair


@transaction.atomic
def undo_link(actor: User | None, current: Link) -> Link:
    """Undo an accepted link: the record loses its person (and what used it follows), the decision
    that made it no longer counts, and the pair is remembered as not the same person, so that the
    next run neither links it again nor asks it again."""
    found = Link.objects.select_for_update(of=("self",)).get(pk=current.pk)
    if found.undone_at is not None:
        raise LinkageRefused(_("This link was already undone by %(who)s on %(when)s.")
                             % {"who": _who(found.undone_by), "when": moment(found.undone_at)})
    if actor is not None and not in_scope(actor, Link.objects.filter(pk=found.pk)).exists():
        raise LinkageRefused(_("Only a reviewer whose region covers both the record and the person may undo this "
                               "link."))
    try:
        sources.detach(actor, found.source, found.record_id)
    except sources.AttachRefused as refusal:
        raise LinkageRefused(str(refusal)) from refusal
    now = timezone.now()
    found.undone_at, found.undone_by = now, actor
    found.save(update_fields=["undone_at", "undone_by"])
    LinkDecision.objects.filter(source=found.source, record_id=found.record_id, person=found.person_id,
                                undone_at__isnull=True).update(undone_at=now, undone_by=actor)
    LinkDecision.objects.create(source=found.source, record_id=found.record_id, person_id=found.person_id,
                                is_match=False, decided_by=actor, record_region=found.record_region)
    audit.record_change(actor, audit.Action.LINK_UNDONE, found, places=[found.person_region or ""], details={
        "source": found.source, "record_id": found.record_id, "person": found.person_id, "method": found.method,
        "job": found.job_id})
    return found


def counts_by_method(links: QuerySet[Link]) -> dict[str, int]:
    """How many current links of `links` came from exact NIK, from the model and from review."""
    found = dict.fromkeys(Method.values, 0)
    for method, n in links.filter(undone_at__isnull=True).order_by().values_list("method").annotate(n=Count("id")):
        found[method] = n
    return found
