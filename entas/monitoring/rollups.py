"""Keeping Rollup rows in step with the data, and summing them up the region hierarchy.

Every change that can move a number leaves a RefreshRequest (which indicators, which places);
`process` recomputes exactly those rollups and deletes the request in one transaction. A request
for a few places costs one small GROUP BY per indicator and period; one for every place (the first
or nightly run) one national GROUP BY. Rows are written set-based (INSERT ... SELECT from the
computation's own query), never through Python objects, and only where a number moved. The
districts, regencies and provinces above the recomputed places, and the nation, are then summed
again into RegionRollup, which is what the dashboard reads.
"""

import datetime
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from entas.accounts.models import User
from entas.core import audit, events
from entas.core.scoping import region_q, visible
from entas.ingest.staging import run
from entas.monitoring.computations import DENOMINATOR, PLACE, REGISTRY, VALUE, Computation
from entas.monitoring.models import Indicator, Period, RefreshPlace, RefreshRequest, RegionRollup, Rollup
from entas.regions.codes import Level
from entas.regions.queries import CODE_LENGTH

ROLLUP = Rollup._meta.db_table
REGION_ROLLUP = RegionRollup._meta.db_table
PLACE_TABLE = RefreshPlace._meta.db_table
FRESH = "monitoring_fresh_rollups"
PARENTS = "monitoring_fresh_parents"
CENT = Decimal("0.01")
ANALYZE_AFTER = 10_000  # rows written by one recompute


# --- asking -------------------------------------------------------------------------------------

def ask(indicator_codes: Collection[str] | None, places: Iterable[str] | None, reason: str,
        since: datetime.datetime | None = None) -> RefreshRequest:
    """Record that these indicators (None: all computed ones) must be recomputed in these places
    (None: everywhere). Call it inside the transaction of the change, or right after it commits."""
    request = RefreshRequest.objects.create(
        since=since or timezone.now(), reason=reason[:200], everywhere=places is None,
        indicators=None if indicator_codes is None else sorted(set(indicator_codes)))
    if places is not None:
        add_places(request, places)
    return request


def add_places(request: RefreshRequest, places: Iterable[str]) -> None:
    RefreshPlace.objects.bulk_create([RefreshPlace(request=request, code=code) for code in set(places) if code],
                                     batch_size=5000, ignore_conflicts=True)


def add_places_from(request: RefreshRequest, codes: QuerySet[Any]) -> int:
    """Add the region codes a queryset yields in its `place_code` column, without bringing them
    into Python."""
    sql, params = codes.query.sql_with_params()
    return run(f"INSERT INTO {PLACE_TABLE} (request_id, code) SELECT DISTINCT %s, q.place_code "
               f"FROM ({sql}) AS q WHERE q.place_code IS NOT NULL ON CONFLICT DO NOTHING", [request.pk, *params])


def place_count(request: RefreshRequest) -> int:
    return RefreshPlace.objects.filter(request=request).count()


# --- recomputing --------------------------------------------------------------------------------

def process(request_id: int, actor: User | None = None) -> int:
    """Recompute what one request asks for and delete it, in one transaction. Returns the rollup
    rows written; 0 when another worker already took the request."""
    with transaction.atomic():
        request = RefreshRequest.objects.select_for_update(skip_locked=True).filter(pk=request_id).first()
        if request is None:
            return 0
        written = _recompute(request, actor)
        request.delete()
    return written


def process_pending(actor: User | None = None) -> int:
    """Every request still waiting (oldest first): what a worker or the nightly run catches up on."""
    written = 0
    for request_id in RefreshRequest.objects.order_by("since", "pk").values_list("pk", flat=True):
        written += process(request_id, actor)
    return written


def refresh(indicator_codes: Collection[str] | None = None, village_codes: Collection[str] | None = None,
            actor: User | None = None) -> int:
    """Recompute the rollups of the given indicators (default: all computed ones) in the given
    villages (default: all) for every period in the calendar, now. Returns the rows written."""
    request = ask(indicator_codes, village_codes, "refresh")
    return process(request.pk, actor)


def _recompute(request: RefreshRequest, actor: User | None) -> int:
    started = timezone.now()
    indicators = Indicator.objects.exclude(computation="").filter(computation__in=list(REGISTRY))
    if request.indicators is not None:
        indicators = indicators.filter(code__in=request.indicators)
    places = None if request.everywhere else RefreshPlace.objects.filter(request=request).values("code")
    periods = list(Period.objects.all())
    written = 0
    for indicator in indicators:
        written += _rewrite(indicator, REGISTRY[indicator.computation], periods, places, started)
        _roll_up(indicator, places)
    # Every change committed before `started` is either in these numbers or in a request still
    # waiting, whose `since` freshness() reports.
    indicators.update(refreshed_at=started)
    audit.record(actor, audit.Action.ROLLUPS_REFRESHED, details={
        "indicators": [i.code for i in indicators], "reason": request.reason,
        "places": "all" if places is None else place_count(request), "rows": written})
    return written


def _rewrite(indicator: Indicator, computation: Computation, periods: list[Period], places: QuerySet[Any] | None,
             now: datetime.datetime) -> int:
    """Compute the new numbers into a TEMP table, then delete the stored rows that differ or are gone
    and insert the new or changed ones: rows whose number did not move are not written at all."""
    if not periods:
        return 0
    _fresh_table()
    if computation.per_period:
        for period in periods:
            _compute(computation.grouped(period, places), [period])
    else:
        _compute(computation.grouped(periods[-1], places), periods)
    where, params = f"{ROLLUP}.indicator_id = %s", [indicator.pk]
    if places is not None:
        places_sql, places_params = places.query.sql_with_params()
        where, params = f"{where} AND {ROLLUP}.village_id IN ({places_sql})", [*params, *places_params]
    return _merge(ROLLUP, "village_id", where, params, indicator,
                  {"computed_at": connection.ops.adapt_datetimefield_value(now)}, places is None)


def _merge(table: str, key: str, where: str, params: list[Any], indicator: Indicator, extra: dict[str, Any],
           everywhere: bool) -> int:
    """Make the rows of `table` selected by `where` what the TEMP table FRESH says. For some places:
    delete the rows that differ or are gone and insert the new or changed ones, so unchanged rows
    are not written. Everywhere: replace them all (no row-by-row comparison against the whole
    table). Returns the rows inserted."""
    if connection.vendor == "postgresql":
        run(f"ANALYZE {FRESH}")
    same = (f"SELECT 1 FROM {FRESH} AS f WHERE f.period_id = {table}.period_id AND f.place = {table}.{key} "
            f"AND f.value = {table}.value AND f.denominator = {table}.denominator")
    run(f"DELETE FROM {table} WHERE {where}" + ("" if everywhere else f" AND NOT EXISTS ({same})"), params)
    columns = "".join(f", {name}" for name in extra)
    values = "".join(", %s" for _ in extra)
    insert = (f"INSERT INTO {table} (indicator_id, period_id, {key}, value, denominator{columns}) "
              f"SELECT %s, f.period_id, f.place, f.value, f.denominator{values} FROM {FRESH} AS f")
    if everywhere:
        written = run(insert, [indicator.pk, *extra.values()])
    else:
        written = run(f"{insert} WHERE NOT EXISTS (SELECT 1 FROM {table} AS r WHERE r.indicator_id = %s "
                       f"AND r.period_id = f.period_id AND r.{key} = f.place)",
                       [indicator.pk, *extra.values(), indicator.pk])
    run(f"DROP TABLE {FRESH}")
    if written > ANALYZE_AFTER and connection.vendor == "postgresql":
        # Statistics of a table that just grew a lot still describe it as it was, and the planner
        # would check each new row of the next merge against it by a full scan.
        run(f"ANALYZE {table}")
    return written


def _fresh_table() -> None:
    run(f"DROP TABLE IF EXISTS {FRESH}")
    run(f"CREATE TEMP TABLE {FRESH} (period_id integer, place varchar(13), value numeric, denominator numeric)")


# Region levels kept in RegionRollup, bottom-up: (level, length of its codes).
LEVELS = tuple((level, CODE_LENGTH[level]) for level in (Level.DISTRICT, Level.REGENCY, Level.PROVINCE))


def _roll_up(indicator: Indicator, places: QuerySet[Any] | None) -> None:
    """Sum the indicator's village rollups into its district, regency, province and national rows:
    only the regions above `places` (None: all). Each level sums the one below it (and the rows
    kept directly under a code of its own length, e.g. a facilitator's regency)."""
    places_sql, places_params = places.query.sql_with_params() if places is not None else ("", ())
    below = f"SELECT village_id AS code, period_id, value, denominator FROM {ROLLUP} WHERE indicator_id = %s"
    for level, length in LEVELS:
        if level == 3:
            source, source_params = f"{below} AND LENGTH(village_id) >= {length}", [indicator.pk]
        else:
            source = (f"SELECT region AS code, period_id, value, denominator FROM {REGION_ROLLUP} "
                      f"WHERE indicator_id = %s AND level = {level + 1} UNION ALL "
                      f"{below} AND LENGTH(village_id) = {length}")
            source_params = [indicator.pk, indicator.pk]
        only = ""
        if places is not None:
            # The regions to re-sum, once, in a small table: an IN over the places query itself
            # was planned as a re-scan per row.
            run(f"DROP TABLE IF EXISTS {PARENTS}")
            run(f"CREATE TEMP TABLE {PARENTS} AS SELECT DISTINCT SUBSTR(q.code, 1, {length}) AS code "
                 f"FROM ({places_sql}) AS q WHERE LENGTH(q.code) >= {length}", list(places_params))
            if connection.vendor == "postgresql":
                run(f"ANALYZE {PARENTS}")
            only = f" AND SUBSTR(u.code, 1, {length}) IN (SELECT code FROM {PARENTS})"
        _fresh_table()
        run(f"INSERT INTO {FRESH} (period_id, place, value, denominator) "
             f"SELECT u.period_id, SUBSTR(u.code, 1, {length}), SUM(u.value), SUM(u.denominator) "
             f"FROM ({source}) AS u WHERE TRUE{only} GROUP BY u.period_id, SUBSTR(u.code, 1, {length})",
             source_params)
        where = f"{REGION_ROLLUP}.indicator_id = %s AND {REGION_ROLLUP}.level = {level}"
        if places is not None:
            where += f" AND {REGION_ROLLUP}.region IN (SELECT code FROM {PARENTS})"
        _merge(REGION_ROLLUP, "region", where, [indicator.pk], indicator, {"level": level}, places is None)
    run(f"DROP TABLE IF EXISTS {PARENTS}")
    _fresh_table()
    run(f"INSERT INTO {FRESH} (period_id, place, value, denominator) SELECT period_id, '', SUM(value), "
         f"SUM(denominator) FROM {REGION_ROLLUP} WHERE indicator_id = %s AND level = 1 GROUP BY period_id",
         [indicator.pk])
    _merge(REGION_ROLLUP, "region", f"{REGION_ROLLUP}.indicator_id = %s AND {REGION_ROLLUP}.level = 0",
           [indicator.pk], indicator, {"level": 0}, True)


def _compute(grouped: QuerySet[Any], periods: list[Period]) -> None:
    sql, params = grouped.query.sql_with_params()
    marks = ", ".join(["%s"] * len(periods))
    # A place at zero keeps no row: absence reads as zero, and the table stays small.
    run(f"INSERT INTO {FRESH} (period_id, place, value, denominator) "
         f"SELECT p.id, g.{PLACE}, COALESCE(g.{VALUE}, 0), COALESCE(g.{DENOMINATOR}, 0) "
         f"FROM ({sql}) AS g CROSS JOIN {Period._meta.db_table} AS p WHERE p.id IN ({marks}) "
         f"AND g.{PLACE} IS NOT NULL AND (COALESCE(g.{VALUE}, 0) <> 0 OR COALESCE(g.{DENOMINATOR}, 0) <> 0)",
         [*params, *[p.pk for p in periods]])


# --- reading ------------------------------------------------------------------------------------

def _value(computation: str, total: Decimal | None, over: Decimal | None) -> Decimal | None:
    found = REGISTRY.get(computation)
    if found is None or not found.is_ratio:
        return total if total is not None else Decimal(0)
    if not over:
        return None  # nobody to divide by: no value, rather than a misleading zero
    return (Decimal(total or 0) * found.scale / Decimal(over)).quantize(CENT)


def _scoped(rows: QuerySet[Any], user: User | None) -> QuerySet[Any]:
    return visible(user, rows) if user is not None else rows


def totals(scope: str | None, child_level: int, period: Period, *,
           user: User | None = None) -> dict[tuple[str, str], Decimal | None]:
    """{(indicator code, child region code): achievement} for the children (at `child_level`) of
    `scope`; child_level 0 gives one total under the code ''. Counts are summed; ratios and means
    are the sum of numerators over the sum of denominators (None where the denominator is 0).

    Regions above the village are read from RegionRollup, villages summed from Rollup; both scoped
    to `user` when given."""
    own = child_level == 0 and _above_villages(scope)
    if own or 0 < child_level < Level.VILLAGE:
        mine = Q(region=scope or "") if own else region_q(scope, "region") & Q(level=child_level)
        found = _scoped(RegionRollup.objects.filter(mine, period=period), user).values_list(
            "indicator__code", "indicator__computation", "region", "value", "denominator")
        return {(code, "" if own else region): _value(computation, total, over)
                for code, computation, region, total, over in found}
    village_rows = _scoped(Rollup.objects.all(), user).filter(region_q(scope, "village_id"), period=period)
    sums = {"total": Sum("value"), "over": Sum("denominator")}
    if child_level == 0:
        grouped = village_rows.values_list("indicator__code", "indicator__computation").annotate(**sums)
        return {(code, ""): _value(computation, total, over) for code, computation, total, over in grouped}
    child = Substr("village_id", 1, CODE_LENGTH[child_level])
    pairs = (village_rows.annotate(child=child).values_list("indicator__code", "indicator__computation", "child")
             .annotate(**sums))
    return {(code, region): _value(computation, total, over) for code, computation, region, total, over in pairs}


def by_period(scope: str | None, periods: list[Period], *,
              user: User | None = None) -> dict[tuple[str, int], Decimal | None]:
    """{(indicator code, period id): achievement} of the region `scope` (None: the nation), as
    `totals` gives it for one period."""
    if _above_villages(scope):
        found = _scoped(RegionRollup.objects.filter(region=scope or "", period__in=periods), user).values_list(
            "indicator__code", "indicator__computation", "period_id", "value", "denominator")
        return {(code, period): _value(computation, total, over)
                for code, computation, period, total, over in found}
    grouped = (_scoped(Rollup.objects.all(), user).filter(region_q(scope, "village_id"), period__in=periods)
               .values_list("indicator__code", "indicator__computation", "period_id")
               .annotate(total=Sum("value"), over=Sum("denominator")))
    return {(code, period): _value(computation, total, over) for code, computation, period, total, over in grouped}


def _above_villages(scope: str | None) -> bool:
    return scope is None or len(scope) < CODE_LENGTH[Level.VILLAGE]


def is_ratio(indicator: Indicator) -> bool:
    found = REGISTRY.get(indicator.computation)
    return found is not None and found.is_ratio


def freshness() -> datetime.datetime | None:
    """The numbers reflect every change made before this moment (None: not computed yet).

    Each change leaves a domain event in its own transaction, which becomes a request when it is
    delivered, and each recompute stamps its indicators with its start. So with nothing waiting,
    all numbers are as fresh as the latest recompute; while events or requests wait, only as fresh
    as the oldest change they carry."""
    computed = Indicator.objects.exclude(computation="")
    if not computed.exists() or computed.filter(refreshed_at__isnull=True).exists():
        return None
    latest: datetime.datetime | None = computed.aggregate(latest=Max("refreshed_at"))["latest"]
    requested = RefreshRequest.objects.aggregate(oldest=Min("since"))["oldest"]
    undelivered = events.pending().aggregate(oldest=Min("created_at"))["oldest"]
    return min((t for t in (latest, requested, undelivered) if t is not None), default=None)
