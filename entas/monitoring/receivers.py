"""Keeping rollups up to date: every change that can move a number asks for exactly the rollups it
moves (the indicators whose computation reads the changed model, in the places its rows count
under), and the request is recomputed once the change has committed.

- An import: `ingest.signals.import_finished`, after the commit, with the village codes of the
  loaded rows: the places of the computations that count those rows where they are. The others
  (a cooperative's poor members, when their households change) follow the rows the import
  stamped with its batch to the places they are counted in.
- A service (enrolment, pathway step, loan, membership, job, enterprise, assessment, ...):
  Django's model signals. The request is written in the change's own transaction (before and
  after the save, so a row that moves is recounted in both places); all changes of one
  transaction share one request, recomputed on commit.
- A set-based enrolment: `graduation.signals.enrolled_in_bulk`.

Small requests are recomputed right away; large ones go to the background worker.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import F, Model, QuerySet
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from entas.graduation.signals import enrolled_in_bulk
from entas.ingest import targets
from entas.ingest.models import ImportBatch
from entas.ingest.signals import import_finished
from entas.monitoring import rollups
from entas.monitoring.computations import REGISTRY, Computation, reading
from entas.monitoring.models import Indicator, RefreshPlace, RefreshRequest

# Above this many places a request goes to the background worker instead of the committing process.
INLINE_PLACES = 500
# Where rows of the models imports write sit (what each import writes, its target declares).
VILLAGE_OF = {"registry.Household": "village_id", "registry.Person": "household__village_id",
              "enterprises.Enterprise": "village_id", "enterprises.Cooperative": "village_id"}


def dispatch(request_id: int) -> None:
    """Recompute a request now if it is small, else leave it to the worker."""
    from entas.monitoring.tasks import process_request

    request = RefreshRequest.objects.filter(pk=request_id).first()
    if request is None:
        return
    if request.everywhere or rollups.place_count(request) > INLINE_PLACES:
        process_request.enqueue(request_id)
    else:
        rollups.process(request_id)


def _wanted(computations: Iterable[Computation]) -> dict[str, list[str]]:
    """The codes of the indicators defined on these computations, by computation key (only the
    computations some indicator uses)."""
    keys = {c.key for c in computations}
    found: dict[str, list[str]] = {}
    if keys:
        for code, key in Indicator.objects.filter(computation__in=keys).values_list("code", "computation"):
            found.setdefault(key, []).append(code)
    return found


def _codes(wanted: dict[str, list[str]]) -> list[str]:
    return [code for codes in wanted.values() for code in codes]


def _used(wanted: dict[str, list[str]]) -> list[Computation]:
    return [REGISTRY[key] for key in sorted(wanted)]


def _one_per_path(computations: list[Computation], label: str) -> list[Computation]:
    """One computation for each way rows of `label` are placed (model, place, lookup): several
    indicators read enrolments the same way, and their places are the same query."""
    seen: dict[tuple[Any, str, str], Computation] = {}
    for computation in computations:
        seen.setdefault((computation.model, computation.place, computation.reads[label]), computation)
    return list(seen.values())


def _places_of(computation: Computation, label: str, changed: QuerySet[Any]) -> QuerySet[Any]:
    """The places (as `place_code`) whose rollups of `computation` the rows `changed` of model
    `label` count in."""
    lookup = computation.reads[label]
    rows = computation.model._default_manager.filter(**{f"{lookup}__in" if lookup else "pk__in": changed.values("pk")})
    return rows.order_by().values(place_code=F(computation.place)).distinct()


# --- imports -------------------------------------------------------------------------------------

def _written(target: str, kind: str) -> tuple[str, ...] | None:
    """The models an import of `kind` writes, as its target declares; None when unknown."""
    try:
        return targets.get(target).writes.get(kind)
    except LookupError:
        return None


def on_import_finished(sender: Any, batch: ImportBatch, target: str, villages: frozenset[str], **kwargs: Any) -> None:
    labels = _written(target, batch.kind)
    computations = list(REGISTRY.values()) if labels is None else [c for lb in labels for c in reading(lb)]
    wanted = _wanted(computations)
    codes = _codes(wanted)
    if not codes:
        return
    since = batch.finished_at or timezone.now()
    reason = f"{target} import {batch.pk}"
    if labels is None:  # a target we know nothing about: recount everything it may touch
        dispatch(rollups.ask(codes, None, reason, since).pk)
        return
    with transaction.atomic():
        requests = _import_requests(batch, labels, villages, wanted, reason, since)
    for request in requests:
        dispatch(request.pk)


def _import_requests(batch: ImportBatch, labels: tuple[str, ...], villages: frozenset[str],
                     codes_of: dict[str, list[str]], reason: str, since: Any) -> list[RefreshRequest]:
    """One request for the computations that count the imported rows in the villages the file
    names, and one per other computation, for the places its own rows are counted in (often none:
    new households are nobody's members yet)."""
    used = _used(codes_of)
    named = [c for c in used if all(_counted_where_named(c, lb) for lb in labels if lb in c.reads)]
    by_villages = rollups.ask([code for c in named for code in codes_of[c.key]], villages, reason, since)
    requests = [by_villages]
    for computation in used:
        if computation in named:
            continue
        request = rollups.ask(codes_of[computation.key], (), reason, since)
        for label in (lb for lb in labels if lb in computation.reads):
            changed = _changed(label, batch, villages, by_villages)
            if changed is None:
                request.everywhere = True
                request.save(update_fields=["everywhere"])
                break
            if _counted_where_named(computation, label):
                rollups.add_places(request, villages)
            else:
                rollups.add_places_from(request, _places_of(computation, label, changed))
        requests.append(request)
    kept = [r for r in requests if r.indicators and (r.everywhere or rollups.place_count(r))]
    RefreshRequest.objects.filter(pk__in=[r.pk for r in requests if r not in kept]).delete()
    return kept


def _changed(label: str, batch: ImportBatch, villages: frozenset[str], request: RefreshRequest) -> QuerySet[Any] | None:
    """The rows of `label` the import changed: those stamped with its batch (inserted or changed,
    not the unchanged ones); without a stamp, every row in the villages it named; None when
    neither can be told."""
    model = apps.get_model(label)
    try:
        model._meta.get_field("batch")
    except FieldDoesNotExist:
        if villages and label in VILLAGE_OF:
            named = RefreshPlace.objects.filter(request=request).values("code")
            return model._default_manager.filter(**{f"{VILLAGE_OF[label]}__in": named})
        return None
    return model._default_manager.filter(batch_id=batch.pk)


def _counted_where_named(computation: Computation, label: str) -> bool:
    """True when the computation counts rows of `label` under the village they name themselves,
    so the villages of the import are already its places."""
    return computation.reads[label] == "" and computation.place == VILLAGE_OF.get(label)


# --- services: one request per transaction ------------------------------------------------------

@dataclass
class _Pending:
    request_id: int
    indicators: set[str] = field(default_factory=set)
    done: bool = False

    def run(self) -> None:
        self.done = True
        dispatch(self.request_id)


_local = threading.local()


def _queued(pending: _Pending | None) -> bool:
    # Still waiting for this transaction's commit? (A rollback drops the callback and the request.)
    return (pending is not None and not pending.done and connection.in_atomic_block
            and any(entry[1] == pending.run for entry in connection.run_on_commit))


def _ask(codes: list[str], places: set[str], reason: str) -> None:
    pending: _Pending | None = getattr(_local, "pending", None)
    if not _queued(pending):
        request = rollups.ask(codes, places, reason)
        _local.pending = pending = _Pending(request.pk, set(codes))
        transaction.on_commit(pending.run, robust=True)
        return
    assert pending is not None
    request = RefreshRequest(pk=pending.request_id)
    if not set(codes) <= pending.indicators:
        pending.indicators |= set(codes)
        RefreshRequest.objects.filter(pk=pending.request_id).update(indicators=sorted(pending.indicators))
    rollups.add_places(request, places)


def _places_now(computations: list[Computation], label: str, instance: Model, stored: bool) -> set[str]:
    """Where the rows of these computations that `instance` feeds are counted: as stored in the
    database (`stored`, before a save or a delete) or as the instance says (after a save)."""
    places: set[str] = set()
    for computation in _one_per_path(computations, label):
        if not stored and computation.reads[label] == "" and "__" not in computation.place:
            places.add(getattr(instance, computation.place))
            continue
        changed = type(instance)._default_manager.filter(pk=instance.pk)
        try:
            places.update(code for (code,) in _places_of(computation, label, changed).values_list("place_code"))
        except ObjectDoesNotExist:
            continue
    return {p for p in places if p}


def _on_change(label: str, instance: Model, stored: bool) -> None:
    if instance.pk is None:
        return
    wanted = _wanted(reading(label))
    if not wanted:
        return
    codes = _codes(wanted)
    places = _places_now(_used(wanted), label, instance, stored)
    if places:
        _ask(codes, places, f"{label} {instance.pk}")


def _before_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not instance._state.adding:
        _on_change(sender._meta.label, instance, stored=True)


def _after_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _on_change(sender._meta.label, instance, stored=False)


def _before_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    _on_change(sender._meta.label, instance, stored=True)


def on_enrolled_in_bulk(sender: Any, programme: Any, after_id: int, **kwargs: Any) -> None:
    wanted = _wanted(reading("graduation.Enrolment"))
    if not wanted:
        return
    request = rollups.ask(_codes(wanted), (), f"bulk enrolment in programme {programme.pk}")
    changed = apps.get_model("graduation.Enrolment").objects.filter(programme=programme, pk__gt=after_id)
    for computation in _one_per_path(_used(wanted), "graduation.Enrolment"):
        rollups.add_places_from(request, _places_of(computation, "graduation.Enrolment", changed))
    transaction.on_commit(lambda: dispatch(request.pk), robust=True)


def connect() -> None:
    """Called from MonitoringConfig.ready()."""
    import_finished.connect(on_import_finished, dispatch_uid="monitoring.import_finished")
    enrolled_in_bulk.connect(on_enrolled_in_bulk, dispatch_uid="monitoring.enrolled_in_bulk")
    watched = {label for computation in REGISTRY.values() for label in computation.reads}
    for label in sorted(watched):
        model = apps.get_model(label)
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"monitoring.pre_save.{label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"monitoring.post_save.{label}")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"monitoring.pre_delete.{label}")
