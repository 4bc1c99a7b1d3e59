"""The data-sharing part of a PKS: set, changed and revoked here, checked before anything is written."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.partnerships.models import Agreement, AgreementKind, DataSharing, Purpose, SharedField
from entas.partnerships.services import _check_actor
from entas.regions.models import Region

MAX_DAILY_RECORDS = 50_000_000


def _errors(agreement: Agreement, purposes: list[str], fields: list[str], valid_from: datetime.date,
            valid_until: datetime.date, daily_records: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if agreement.kind != AgreementKind.PKS:
        errors["agreement"] = _("Data is shared under a PKS, not under an MoU: record the PKS first.")
    if not purposes:
        errors["purposes"] = _("Choose at least one purpose.")
    elif unknown := sorted(set(purposes) - set(Purpose.values)):
        errors["purposes"] = _("Not a purpose: %(codes)s.") % {"codes": ", ".join(unknown)}
    if not fields:
        errors["fields"] = _("Choose at least one group of fields.")
    elif unknown := sorted(set(fields) - set(SharedField.values)):
        errors["fields"] = _("Not a group of fields: %(codes)s.") % {"codes": ", ".join(unknown)}
    if valid_until < valid_from:
        errors["valid_until"] = _("'Valid until' (%(until)s) is before 'valid from' (%(start)s).") % {
            "until": numbers.day(valid_until), "start": numbers.day(valid_from)}
    elif valid_from < agreement.signed or valid_until > agreement.valid_until:
        errors["valid_until"] = _("Sharing must lie within the PKS itself: %(signed)s to %(until)s.") % {
            "signed": numbers.day(agreement.signed), "until": numbers.day(agreement.valid_until)}
    if isinstance(daily_records, bool) or not isinstance(daily_records, int) \
            or not 1 <= daily_records <= MAX_DAILY_RECORDS:
        errors["daily_records"] = _("Give the records per day as a whole number from 1 to %(max)s.") % {
            "max": numbers.count(MAX_DAILY_RECORDS)}
    return errors


@transaction.atomic
def set_data_sharing(actor: User | None, agreement: Agreement, *, purposes: Iterable[str], fields: Iterable[str],
                     region: Region | None, valid_from: datetime.date, valid_until: datetime.date,
                     daily_records: int) -> DataSharing:
    """Write (or rewrite) the data-sharing terms of a PKS. A revoked agreement stays revoked."""
    _check_actor(actor)
    purposes, fields = sorted(set(purposes)), sorted(set(fields))
    if errors := _errors(agreement, purposes, fields, valid_from, valid_until, daily_records):
        raise ValidationError(errors)
    terms = DataSharing.objects.select_for_update().filter(agreement=agreement).first()
    values: dict[str, Any] = {"purposes": purposes, "fields": fields, "region": region, "valid_from": valid_from,
                              "valid_until": valid_until, "daily_records": daily_records}
    if terms is not None and terms.revoked_at is not None:
        raise ValidationError(_("The data sharing of this agreement was revoked on %(when)s; record a new PKS.")
                              % {"when": numbers.moment(terms.revoked_at)})
    before = _described(terms) if terms else {}
    if terms is None:
        terms = DataSharing.objects.create(agreement=agreement, **values)
    else:
        for name, value in values.items():
            setattr(terms, name, value)
        terms.save()
    after = _described(terms)
    audit.record_change(actor, audit.Action.DATA_SHARING_SET, terms, details={
        "agreement": agreement.number, "changed": {k: [before.get(k), v] for k, v in after.items()
                                                   if before.get(k) != v}})
    return terms


def _described(terms: DataSharing) -> dict[str, Any]:
    return {"purposes": terms.purposes, "fields": terms.fields, "region": terms.region_id or "",
            "valid_from": terms.valid_from.isoformat(), "valid_until": terms.valid_until.isoformat(),
            "daily_records": terms.daily_records}


@transaction.atomic
def revoke_data_sharing(actor: User | None, terms: DataSharing, *, reason: str) -> DataSharing:
    """Stop all sharing under this agreement now: every client of it is refused from the next request."""
    _check_actor(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the data sharing is revoked.")})
    terms = DataSharing.objects.select_for_update().get(pk=terms.pk)
    if terms.revoked_at is not None:
        return terms
    terms.revoked_at, terms.revocation_reason = timezone.now(), reason[:300]
    terms.save(update_fields=["revoked_at", "revocation_reason"])
    audit.record_change(actor, audit.Action.DATA_SHARING_REVOKED, terms, details={
        "agreement": terms.agreement.number, "reason": terms.revocation_reason})
    return terms
