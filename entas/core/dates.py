"""The date of something that happened (a visit, a loan step, a join date…) lies between 1900 and
today. "Today" is the programme's own (TIME_ZONE, Asia/Jakarta by default): at 01:00 in Jakarta it is
already tomorrow in UTC terms, and a visit made then must be accepted.

A date typed as 9999-12-31 or 0001-01-01 is a slip, and it would sink every report that sorts or
counts by date, so the services refuse it and name the field.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.core import numbers

EARLIEST = datetime.date(1900, 1, 1)


def happened(field: str, day: datetime.date | None) -> None:
    """Refuse a date of an event that lies in the future or before 1900; None passes (optional dates)."""
    if day is None:
        return
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    today = timezone.localdate()
    if day > today:
        raise ValidationError({field: _("%(day)s is in the future: give the date it happened, today (%(today)s) "
                                        "at the latest.") % {"day": numbers.day(day), "today": numbers.day(today)}})
    if day < EARLIEST:
        raise ValidationError({field: _("%(day)s is before 1900: check the year.") % {"day": numbers.day(day)}})
