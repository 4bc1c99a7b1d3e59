"""Running one import from start to end: the target's plan, the batch row, the transactions, the
mode, the audit record. Every caller (the upload worker, `entas import`, `entas demo`, the synthetic
loaders, the tests) comes through `import_file`.

Reading and staging happen before the data transaction (the staging table is the import's own, and
progress committed between chunks stays visible to a page polling the batch). Cross-row checks,
the rejects file and the merge then run in ONE transaction with the batch's final state and the
audit record: either all of it lands or none of it.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from entas.accounts.models import User
from entas.core import audit, events
from entas.core.audit import Action
from entas.core.messages import Message, translate, translate_message
from entas.core.numbers import count as shown_count
from entas.core.scoping import user_scope
from entas.ingest import housekeeping, rejects, targets
from entas.ingest.errors import ImportFileError
from entas.ingest.models import ImportBatch
from entas.ingest.pipeline import REGION_COLUMN, Plan, PlanFactory, WarningTally, stage
from entas.ingest.progress import ProgressCallback, Reporter
from entas.ingest.reading import CHUNK_BYTES, CHUNK_ROWS, NO_DATA, Table, open_table
from entas.ingest.rejects import rejects_path, write_rejects
from entas.ingest.staging import Staging, bulk_session

SHOWN_REJECTS = 3
OUTSIDE = Message(gettext_noop("outside your region %(region)s"))
KEPT_NEWER = Message(gettext_noop("%(count)s %(table)s: left as stored, a later extract already changed them"))


@dataclass(frozen=True)
class Request:
    """One import's options, as `import_file` settled them."""

    target: str
    kind: str
    path: Path
    mode: str
    source: str
    extract_date: date | None
    chunk_bytes: int
    chunk_rows: int


def import_file(
    actor: User | None, target_name: str, path: Path | str, *, kind: str = targets.AUTO,
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING, source: str | None = None, extract_date: date | None = None,
    progress: ProgressCallback | None = None, batch: ImportBatch | None = None,
    chunk_bytes: int = CHUNK_BYTES, chunk_rows: int = CHUNK_ROWS,
) -> ImportBatch:
    """Import one CSV or XLSX file into the registered target `target_name`; the batch says how it
    went (status done or failed, counts, messages, rejects file). `kind` "auto" tells the kind from
    the header; `source` None takes the target's; `extract_date` None means today; `batch`: a
    pending batch created earlier (an upload waiting for the worker), else a new one. Audited as
    `import.done` or `import.failed`. Raises LookupError for an unknown target. The messages and
    the rejects file are in the batch's language: the active one when the batch is made here."""
    if mode not in ImportBatch.Mode.values:
        raise ValueError(f"mode must be one of {', '.join(ImportBatch.Mode.values)}, not '{mode}'")
    target = targets.get(target_name)
    request = Request(target.name, kind, Path(path), mode, target.source if source is None else source,
                      extract_date, chunk_bytes, chunk_rows)
    batch = _start(actor, request, batch)
    with bulk_session(), translation.override(batch.language):
        _run(actor, batch, request, target.plans, Reporter(batch, progress))
    return batch


def _run(actor: User | None, batch: ImportBatch, request: Request, plans: PlanFactory, reporter: Reporter) -> None:
    staging: Staging | None = None
    try:
        table = open_table(request.path, chunk_bytes=request.chunk_bytes, chunk_rows=request.chunk_rows)
        plan = plans(request.kind, table.header, batch)
        batch.kind = plan.kind
        mapping = plan.schema.map_header(table.header)
        staging = Staging({f.name: f.type.sql for f in plan.schema.fields if f.name in mapping.columns}
                          | {d.name: d.sql for d in plan.schema.derived})
        staging.create()
        rows, tally = stage(table, plan.schema, mapping, staging, reporter)
        if rows == 0:
            raise ImportFileError(NO_DATA(file=request.path.name))
        batch.rows_total = batch.rows_processed = rows
        _finish(actor, batch, table, plan, staging, tally, reporter)
    except ImportFileError as exc:
        _fail(actor, batch, translate_message(str(exc)))
    except Exception as exc:
        _fail(actor, batch, _("The import stopped on an internal error: %(error)s") % {"error": exc})
        raise
    finally:
        if staging is not None:
            staging.drop()


def _start(actor: User | None, request: Request, batch: ImportBatch | None) -> ImportBatch:
    fields = {
        "target": request.target, "kind": request.kind, "source": request.source, "mode": request.mode,
        "extract_date": request.extract_date or timezone.localdate(), "status": ImportBatch.Status.RUNNING,
        "worker": housekeeping.process_token(),
    }
    if batch is None:
        return ImportBatch.objects.create(file_name=request.path.name, created_by=actor, **fields)
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save(update_fields=list(fields))
    return batch


def _finish(actor: User | None, batch: ImportBatch, table: Table, plan: Plan, staging: Staging, tally: WarningTally,
            reporter: Reporter) -> None:
    # Phases from here on are committed with the data: a polling page sees "check" until the end.
    reporter.phase("check")
    with transaction.atomic():
        staging.analyze()
        plan.check(staging)
        _check_region(batch, staging)
        batch.rejected = staging.collect_rejects()
        batch.warnings, batch.details = tally.total, tally.details()
        if batch.rejected:
            reporter.phase("rejects")
            path = rejects_path(batch.pk)
            written = write_rejects(table, staging, path)
            batch.rejects_path = str(path)
            if written.note:
                batch.details["notes"] = [*batch.details.get("notes", []), written.note]
        if batch.rejected and batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
            batch.error_message = _rejects_message(batch, staging)
            _close(actor, batch, ImportBatch.Status.FAILED)
            return
        reporter.phase("load")
        outcome = plan.load(staging)
        batch.inserted, batch.updated, batch.unchanged = outcome.inserted, outcome.updated, outcome.unchanged
        batch.details = {**batch.details, **outcome.details}
        batch.details["notes"] = batch.details.get("notes", []) + _kept_newer_notes(outcome.details)
        _close(actor, batch, ImportBatch.Status.DONE)
        _announce(batch, staging, outcome.left_villages)


def _announce(batch: ImportBatch, staging: Staging, left: frozenset[str]) -> None:
    """The import's domain event, in its data transaction: which models the target wrote for this
    kind, the villages the loaded rows name and those that rows moved away from (`left`). The
    villages were noted while reading; a row refused later by a cross-row check may add one: a
    needless refresh, never a missed one. Rows are found by their batch stamp."""
    writes = targets.get(batch.target).writes.get(batch.kind, ())
    events.emit(Action.IMPORT_DONE, ImportBatch, ids=[batch.pk], places=left | staging.villages,
                details={"target": batch.target, "kind": batch.kind, "writes": list(writes)})


def _kept_newer_notes(details: dict[str, Any]) -> list[str]:
    return [KEPT_NEWER.shown(count=shown_count(counts["kept_newer"]), table=table)
            for table, counts in details.items() if isinstance(counts, dict) and counts.get("kept_newer")]


def _check_region(batch: ImportBatch, staging: Staging) -> None:
    """An officer scoped to a region imports only rows inside it, whatever the target: every
    importable file names its place in `village_code` (the schemas map their aliases onto it)."""
    scope = user_scope(batch.created_by)
    if scope and REGION_COLUMN in staging.columns:
        staging.mark_outside(REGION_COLUMN, scope, f"{REGION_COLUMN}: {OUTSIDE(region=scope)}")


def _rejects_message(batch: ImportBatch, staging: Staging) -> str:
    count = batch.rejected
    first = staging.rejected(0, 2**62, limit=SHOWN_REJECTS)
    text = ngettext(
        "%(count)s row has problems; nothing was imported.",
        "%(count)s rows have problems; nothing was imported.", count,
    ) % {"count": shown_count(count)}
    text += "".join(" " + _("row %(row)s: %(reasons)s.") % {"row": row, "reasons": translate(reasons)}
                    for row, reasons in first)
    if count > len(first):
        text += " " + _("%(more)s more rows have problems; the rejects file lists them (at most %(cap)s).") % {
            "more": shown_count(count - len(first)), "cap": shown_count(rejects.row_cap())}
    return text


def _close(actor: User | None, batch: ImportBatch, status: str) -> None:
    batch.status = status
    batch.phase = ""
    batch.finished_at = timezone.now()
    batch.save()
    action = Action.IMPORT_DONE if status == ImportBatch.Status.DONE else Action.IMPORT_FAILED
    audit.record(actor, action, batch, details={
        "target": batch.target, "kind": batch.kind, "file": batch.file_name, "mode": batch.mode,
        "rows": batch.rows_total,
        "inserted": batch.inserted, "updated": batch.updated, "unchanged": batch.unchanged,
        "rejected": batch.rejected, "error": batch.error_message[:500],
    })


def _fail(actor: User | None, batch: ImportBatch, message: str) -> None:
    batch.error_message = message
    with transaction.atomic():
        _close(actor, batch, ImportBatch.Status.FAILED)
