"""The demo's dates, anchored to the day it is loaded: the programme started on 1 January two years
before, so "two years of visits", "expiring within 90 days" and "follow-up due" stay true whenever
`entas demo` runs."""

from datetime import date, timedelta

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def programme_start(day: date) -> date:
    return date(day.year - 2, 1, 1)


def months_after(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)
