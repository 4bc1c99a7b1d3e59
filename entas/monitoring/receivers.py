"""Keeping rollups up to date from the domain events (core.events) alone: an event names the model
whose rows changed, their ids and the places they were placed under; the rollups asked for are
those of the indicators whose computation reads that model, in the places its rows count under
(found from the ids, as the rows are now) and those the event names (where they were before).

- An import's event names the models its target declares it writes (`details["writes"]`) and
  the villages of its rows; computations that count those rows elsewhere (a cooperative's poor
  members, when their households change) follow the rows the import stamped with its batch.
- A set-based change (bulk enrolment) names no ids, only the places of its rows.

The request is written in the delivery's transaction and recomputed once that commits: small
requests in the delivering process, large ones by the background worker.
"""

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import F, QuerySet

from entas.core import events
from entas.core.models import Event
from entas.ingest.models import ImportBatch
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

def on_events(delivered: Sequence[Event]) -> None:
    """A core.events subscriber (MonitoringConfig.ready). The changes delivered together (those of
    one transaction among them) share one request; each import has its own."""
    codes: set[str] = set()
    places: set[str] = set()
    moving: list[Event] = []
    wanted: dict[str, dict[str, list[str]]] = {}  # per model: read once for the events delivered together
    for event in delivered:
        if event.model == ImportBatch._meta.label:
            _imported(event)
            continue
        if event.model not in wanted:
            wanted[event.model] = _wanted(reading(event.model))
        found, where = _changed_rows(event, wanted[event.model])
        if found and where - {""}:
            codes.update(found)
            places.update(where - {""})
            moving.append(event)
    if moving:
        reason = moving[0].kind if len(moving) == 1 else f"{moving[0].kind} and {len(moving) - 1} more"
        request = rollups.ask(sorted(codes), places, reason, min(e.created_at for e in moving))
        transaction.on_commit(partial(dispatch, request.pk), robust=True)


def _changed_rows(event: Event, wanted: dict[str, list[str]]) -> tuple[list[str], set[str]]:
    """The indicators an event moves and the places it moves them in (`wanted`: the indicators
    defined on the computations that read the event's model)."""
    if not wanted:
        return [], set()
    places = set(event.places)
    if event.ids:
        changed = apps.get_model(event.model)._default_manager.filter(pk__in=event.ids)
        for computation in _one_per_path(_used(wanted), event.model):
            places.update(code for (code,) in _places_of(computation, event.model, changed).values_list("place_code"))
    return _codes(wanted), places


def _imported(event: Event) -> None:
    batch = ImportBatch.objects.filter(pk__in=event.ids).first()
    if batch is None:
        return
    labels: tuple[str, ...] | None = tuple(event.details["writes"]) if "writes" in event.details else None
    computations = list(REGISTRY.values()) if labels is None else [c for lb in labels for c in reading(lb)]
    wanted = _wanted(computations)
    codes = _codes(wanted)
    if not codes:
        return
    reason = f"{event.details.get('target', '')} import {batch.pk}"
    if labels is None:  # an import that says nothing of what it wrote: recount everything
        requests = [rollups.ask(codes, None, reason, event.created_at)]
    else:
        requests = _import_requests(batch, labels, frozenset(event.places), wanted, reason, event.created_at)
    for request in requests:
        transaction.on_commit(partial(dispatch, request.pk), robust=True)


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


def connect() -> None:
    """Called from MonitoringConfig.ready()."""
    events.subscribe(on_events)
