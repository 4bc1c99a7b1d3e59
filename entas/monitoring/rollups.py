"""Keeping Rollup rows in step with the data, and summing them up the region hierarchy.

`refresh` rewrites only the villages it is given: an import or a service passes the villages it
touched, so a change in one village costs one small GROUP BY per indicator and period, not a
national recount. `None` means every village (the nightly or first full run).
"""

import datetime
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from entas.core import audit
from entas.core.scoping import region_q
from entas.monitoring.computations import REGISTRY
from entas.monitoring.models import Indicator, Period, Rollup
from entas.regions.queries import CODE_LENGTH

CHUNK = 900  # stays under SQLite's limit on query parameters


def _chunks(codes: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(codes), CHUNK):
        yield codes[start:start + CHUNK]


def _rewrite(indicator: Indicator, period: Period, villages: list[str] | None) -> int:
    compute = REGISTRY[indicator.computation].compute
    now = timezone.now()
    old = Rollup.objects.filter(indicator=indicator, period=period)
    values: dict[str, Decimal] = {}
    if villages is None:
        old.delete()
        values = compute(period, None)
    else:
        for chunk in _chunks(villages):
            old.filter(village_id__in=chunk).delete()
            values.update(compute(period, chunk))
    # A village at zero keeps no row: absence reads as zero, and the table stays small.
    rows = [Rollup(indicator=indicator, period=period, village_id=code, value=value, computed_at=now)
            for code, value in values.items() if value]
    Rollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def refresh(indicator_codes: Collection[str] | None = None, village_codes: Collection[str] | None = None,
            actor: object = None) -> int:
    """Recompute the rollups of the given indicators (default: all computed ones) in the given
    villages (default: all) for every period in the calendar. Returns the village rows written."""
    indicators = Indicator.objects.exclude(computation="").filter(computation__in=list(REGISTRY))
    if indicator_codes is not None:
        indicators = indicators.filter(code__in=list(indicator_codes))
    villages = None if village_codes is None else sorted(set(village_codes))
    written = 0
    with transaction.atomic():
        for indicator in indicators:
            for period in Period.objects.all():
                written += _rewrite(indicator, period, villages)
            indicator.refreshed_at = timezone.now()
            indicator.save(update_fields=["refreshed_at"])
        audit.record(actor, "rollups.refreshed", details={
            "indicators": [i.code for i in indicators], "villages": len(villages) if villages is not None else "all",
            "rows": written})
    return written


def totals(scope: str | None, child_level: int, period: Period,
           rollups: QuerySet[Rollup] | None = None) -> dict[tuple[str, str], Decimal]:
    """{(indicator code, child region code): sum} for the children (at `child_level`) of `scope`;
    child_level 0 gives one national total under the code ''."""
    rows = (rollups if rollups is not None else Rollup.objects.all()).filter(region_q(scope, "village_id"),
                                                                             period=period)
    if child_level == 0:
        grouped = rows.values_list("indicator__code").annotate(total=Sum("value"))
        return {(code, ""): total for code, total in grouped}
    child = Substr("village_id", 1, CODE_LENGTH[child_level])
    pairs = rows.annotate(child=child).values_list("indicator__code", "child").annotate(total=Sum("value"))
    return {(code, region): total for code, region, total in pairs}


def freshness() -> datetime.datetime | None:
    """When the oldest computed indicator was last refreshed: the numbers are at least this fresh."""
    computed = Indicator.objects.exclude(computation="")
    if computed.filter(refreshed_at__isnull=True).exists():
        return None
    return computed.aggregate(oldest=Min("refreshed_at"))["oldest"]
