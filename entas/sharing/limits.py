"""Rate limits per client (requests per minute, records per day) and per agreement (records per
day, all its clients together): counters in `Usage`, one upsert per request."""

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from entas.sharing.models import Client, Usage
from entas.sharing.protocol import Refusal


def _add(client: Client, kind: str, window: datetime, amount: int) -> int:
    """Add `amount` to the counter and return its new value (one statement, safe under concurrency)."""
    table = Usage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (client_id, kind, window_start, count) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (client_id, kind, window_start) DO UPDATE SET count = {table}.count + excluded.count "
            "RETURNING count",
            [client.pk, kind, connection.ops.adapt_datetimefield_value(window), amount])
        row = cursor.fetchone()
    return int(row[0]) if row else amount


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def _day(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def count_request(client: Client) -> None:
    """Count this request; refuse it (429) past the client's requests per minute. The counter is
    kept even when the request is refused: that is what a limit is for."""
    now = timezone.now()
    used = _add(client, Usage.Kind.REQUESTS, _minute(now), 1)
    if used > client.requests_per_minute:
        wait = 60 - now.second
        raise Refusal(429, "err.request.too_many_requests", f"More than {client.requests_per_minute} requests in "
                      f"one minute: try again in {wait} seconds.", retry_after=wait)


def _until_tomorrow(now: datetime) -> int:
    return int((_day(now) + timedelta(days=1) - timezone.localtime(now)).total_seconds()) + 1


def check_records(client: Client, amount: int) -> None:
    """Refuse (429) an answer that would take the client or its agreement past its records per day."""
    if amount <= 0:
        return
    now = timezone.now()
    day = _day(now)
    terms = client.data_sharing
    # The client's own count and its agreement's in one query.
    used = Usage.objects.filter(client__data_sharing=terms, kind=Usage.Kind.RECORDS, window_start=day).aggregate(
        mine=Sum("count", filter=Q(client=client)), together=Sum("count"))
    mine, together = used["mine"] or 0, used["together"] or 0
    if mine + amount > client.records_per_day:
        raise Refusal(429, "err.request.too_many_requests", f"This answer ({amount} records) would pass the "
                      f"client's {client.records_per_day} records per day ({mine} used today).",
                      retry_after=_until_tomorrow(now))
    if together + amount > terms.daily_records:
        raise Refusal(429, "err.request.too_many_requests", f"This answer ({amount} records) would pass the "
                      f"agreement's {terms.daily_records} records per day ({together} used today).",
                      retry_after=_until_tomorrow(now))


def count_records(client: Client, amount: int) -> None:
    if amount > 0:
        _add(client, Usage.Kind.RECORDS, _day(timezone.now()), amount)
