"""Every change to indicators, the period calendar and targets: checked first, one transaction, audited."""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit
from entas.core.scoping import user_scope
from entas.monitoring import evidence as evidence_files
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


LARGEST = Decimal(10) ** 18  # Target.value holds 20 digits, 2 after the point


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError({field: _("'%(value)s' is not a number.") % {"value": value}}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("'%(value)s' is not a number.") % {"value": value}})
    if amount < 0:
        message = (_("%(value)s is negative: a target cannot be below zero.") if field == "value"
                   else _("%(value)s is negative: an achievement cannot be below zero."))
        raise ValidationError({field: message % {"value": value}})
    if amount >= LARGEST:
        raise ValidationError({field: _("%(value)s is too large.") % {"value": value}})
    return amount.quantize(Decimal("0.01"))


def _region(code: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": _("'%(code)s' is not a known region code.") % {"code": code}})
    return region


# A national administrator sets targets anywhere, a regional officer inside her region; the others read.
SETS_TARGETS = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}


def may_set_targets(user: User | None) -> bool:
    """`None` is the system itself (demo, imports)."""
    return user is None or user.role in SETS_TARGETS


def check_region(actor: User | None, region: Region | None) -> None:
    """Refuse a target (or its achievement) the actor may not set: the national one, or a region
    outside hers, for a regional officer; any, for a role that only reads."""
    if not may_set_targets(actor):
        raise ValidationError({NON_FIELD_ERRORS: _(
            "Only national administrators and regional officers set targets.")})
    scope = user_scope(actor)
    if actor is None or actor.role == Role.NATIONAL_ADMIN or scope is None:
        return
    if region is None:
        raise ValidationError({"region": _(
            "Only a national administrator sets a national target; choose a region inside %(scope)s.") % {
            "scope": scope}})
    if region.code != scope and not region.code.startswith(scope + "."):
        raise ValidationError({"region": _(
            "%(name)s (%(code)s) is outside your region %(scope)s: you may set targets only inside it.") % {
            "name": region.name, "code": region.code, "scope": scope}})


def _store_evidence(target: Target, document: File[Any], extension: str) -> None:
    """Saved under a name of our own (the upload's name is the uploader's text); the file it
    replaces is removed once the change is committed."""
    old = target.evidence.name if target.evidence else ""
    name = f"{target.indicator.code}-{target.region_id or 'ID'}-{target.period}{extension}"
    target.evidence.save(name, document, save=True)
    if old and old != target.evidence.name:
        storage = target.evidence.storage
        transaction.on_commit(lambda: storage.delete(old))


def _typed(indicator: Indicator, achieved: Any) -> Decimal | None:
    typed = None if achieved in (None, "") else _amount(achieved, "achieved")
    if typed is not None and indicator.computation:
        raise ValidationError({"achieved": _("'%(code)s' is computed from data; its achievement cannot be typed.")
                               % {"code": indicator.code}})
    return typed


@transaction.atomic
def set_target(actor: User | None, *, indicator: Indicator, region_code: str, year: int, quarter: int | None,
               value: Any, achieved: Any = None, evidence: File[Any] | None = None,
               note: str | None = None) -> Target:
    """Set (or replace) the target of an indicator in a region ('' = national) and period. A typed
    achievement is only for output targets without a computation, and needs evidence or a note.
    `achieved` and `note` left at None keep what the target already holds."""
    amount = _amount(value, "value")
    period, region = _period(year, quarter), _region(region_code)
    check_region(actor, region)
    typed = _typed(indicator, achieved)
    extension = evidence_files.check(evidence) if evidence is not None else ""
    found = Target.objects.filter(indicator=indicator, region=region, period=period).first()
    has_evidence = bool(evidence or (note or "").strip() or (found and (found.evidence or found.note.strip())))
    if typed is not None and not has_evidence:
        raise ValidationError({"evidence": _("A typed achievement needs evidence: a file or a note.")})
    target = found or Target(indicator=indicator, region=region, period=period)
    target.value = amount
    if typed is not None:
        target.achieved = typed
    if note is not None:
        target.note = note.strip()
    target.save()
    if evidence is not None:
        _store_evidence(target, evidence, extension)
    audit.record_change(actor, audit.Action.TARGET_SET, target, details={
        "indicator": indicator.code, "period": str(period), "value": str(amount),
        "achieved": None if target.achieved is None else str(target.achieved)})
    return target


@transaction.atomic
def record_achievement(actor: User | None, target: Target, *, achieved: Any, evidence: File[Any] | None = None,
                       note: str = "") -> Target:
    """What an output target (an indicator without a computation) achieved, with its evidence: a PDF
    or an image, or at least a note saying where the proof is kept when the target holds no file yet."""
    target = (Target.objects.select_for_update(of=("self",)).select_related("indicator", "region", "period")
              .get(pk=target.pk))
    check_region(actor, target.region)
    if target.indicator.computation:
        raise ValidationError({"achieved": _("'%(code)s' is computed from data; its achievement cannot be typed.")
                               % {"code": target.indicator.code}})
    if achieved in (None, ""):
        raise ValidationError({"achieved": _("Give the number achieved.")})
    typed = _amount(achieved, "achieved")
    extension = evidence_files.check(evidence) if evidence is not None else ""
    if evidence is None and not target.evidence and not note.strip():
        raise ValidationError({"evidence": _("An achievement needs evidence: attach a PDF or an image.")})
    target.achieved = typed
    if note.strip():
        target.note = note.strip()
    target.save(update_fields=["achieved", "note"])
    if evidence is not None:
        _store_evidence(target, evidence, extension)
    audit.record_change(actor, audit.Action.TARGET_ACHIEVEMENT_RECORDED, target, details={
        "indicator": target.indicator.code, "period": str(target.period), "achieved": str(typed),
        "evidence": evidence is not None})
    return target
