"""Every change to indicators, the period calendar and targets: checked first, one transaction, audited."""

import os
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit
from entas.monitoring.computations import REGISTRY
from entas.monitoring.models import Indicator, Period, Target
from entas.partnerships.models import Agreement
from entas.regions.models import Region

FIRST_YEAR, LAST_YEAR = 2000, 2100


@transaction.atomic
def create_indicator(actor: User | None, *, code: str, name_id: str, name_en: str, unit: str,
                     computation: str = "", agreements: Iterable[Agreement] = ()) -> Indicator:
    code = code.strip()
    errors: dict[str, str] = {}
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
        errors["code"] = _("'%(code)s' is not a valid code: use letters, digits, '-' and '_'.") % {"code": code}
    elif Indicator.objects.filter(code__iexact=code).exists():
        errors["code"] = _("An indicator with code '%(code)s' already exists.") % {"code": code}
    if computation and computation not in REGISTRY:
        errors["computation"] = _("'%(key)s' is not a known computation; choose one of %(keys)s.") % {
            "key": computation, "keys": ", ".join(sorted(REGISTRY))}
    if not name_id.strip() or not name_en.strip():
        errors["name_id"] = _("An indicator needs a name in Indonesian and in English.")
    if errors:
        raise ValidationError(errors)
    indicator = Indicator.objects.create(code=code, name_id=name_id.strip(), name_en=name_en.strip(),
                                         unit=unit.strip(), computation=computation)
    indicator.agreements.set(list(agreements))
    audit.record_change(actor, audit.Action.INDICATOR_CREATED, indicator,
                        details={"code": code, "computation": computation})
    return indicator


@transaction.atomic
def open_year(actor: User | None, year: int) -> list[Period]:
    """Put a year and its four quarters in the calendar (idempotent)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": _("%(year)s is outside %(first)s-%(last)s.") % {
            "year": year, "first": FIRST_YEAR, "last": LAST_YEAR}})
    periods = [Period.objects.get_or_create(year=year, quarter=q)[0] for q in (None, 1, 2, 3, 4)]
    audit.record(actor, audit.Action.PERIOD_OPENED, details={"year": year})
    return periods


def _period(year: int, quarter: int | None) -> Period:
    found = Period.objects.filter(year=year, quarter=quarter).first()
    if found is None:
        label = f"{year}" if quarter is None else f"{year}-Q{quarter}"
        raise ValidationError({"period": _("The period %(period)s does not exist in the calendar.") % {
            "period": label}})
    return found


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({field: _("'%(value)s' is not a number.") % {"value": value}}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("%(value)s is negative: a target cannot be below zero.") % {
            "value": value}})
    return amount


def _region(code: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": _("'%(code)s' is not a known region code.") % {"code": code}})
    return region


@transaction.atomic
def set_target(actor: User | None, *, indicator: Indicator, region_code: str, year: int, quarter: int | None,
               value: Any, achieved: Any = None, evidence: File[Any] | None = None, note: str = "") -> Target:
    """Set (or replace) the target of an indicator in a region ('' = national) and period. A typed
    achievement is only for output targets without a computation, and needs evidence or a note."""
    amount = _amount(value, "value")
    period, region = _period(year, quarter), _region(region_code)
    typed = None if achieved in (None, "") else _amount(achieved, "achieved")
    if typed is not None and indicator.computation:
        raise ValidationError({"achieved": _("'%(code)s' is computed from data; its achievement cannot be typed.")
                               % {"code": indicator.code}})
    if typed is not None and not (evidence or note.strip()):
        raise ValidationError({"evidence": _("A typed achievement needs evidence: a file or a note.")})
    target, _created = Target.objects.update_or_create(
        indicator=indicator, region=region, period=period,
        defaults={"value": amount, "achieved": typed, "note": note.strip()},
    )
    if evidence is not None:
        target.evidence.save(os.path.basename(evidence.name or "") or "evidence", evidence)
    audit.record_change(actor, audit.Action.TARGET_SET, target, details={
        "indicator": indicator.code, "period": str(period), "value": str(amount),
        "achieved": None if typed is None else str(typed)})
    return target
