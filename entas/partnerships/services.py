"""Every change to partners and agreements: checked first, then written in one transaction, audited."""

import datetime
import os
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit
from entas.partnerships.models import Agreement, AgreementKind, Partner, PartnerKind
from entas.programmes.models import Programme

# Agreements bind ministries; only national administrators record them.
MANAGES_AGREEMENTS = {Role.NATIONAL_ADMIN}
PDF_MAGIC = b"%PDF-"


def may_manage(actor: User | None) -> bool:
    """`None` is the system itself (demo, imports); a person needs the role."""
    return actor is None or may_manage_page(actor)


def may_manage_page(user: User | None) -> bool:
    return user is not None and user.role in MANAGES_AGREEMENTS


def _check_actor(actor: User | None) -> None:
    if not may_manage(actor):
        raise ValidationError(_("Only national administrators record partners and agreements."))


def is_pdf(document: File[Any]) -> bool:
    """True when the file starts with the PDF signature; the name and declared type prove nothing."""
    document.seek(0)
    head = document.read(len(PDF_MAGIC))
    document.seek(0)
    return bytes(head) == PDF_MAGIC


@transaction.atomic
def create_partner(actor: User | None, *, name: str, kind: str) -> Partner:
    _check_actor(actor)
    name = name.strip()
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": _("'%(kind)s' is not a partner type.") % {"kind": kind}})
    if not name:
        raise ValidationError({"name": _("A partner needs a name.")})
    if Partner.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A partner named '%(name)s' already exists.") % {"name": name}})
    partner = Partner.objects.create(name=name, kind=kind)
    audit.record_change(actor, audit.Action.PARTNER_CREATED, partner, details={"name": name, "kind": kind})
    return partner


def _agreement_errors(kind: str, number: str, signed: datetime.date, valid_until: datetime.date,
                      parties: list[Partner], document: File[Any] | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in AgreementKind.values:
        errors["kind"] = _("'%(kind)s' is not an agreement kind (MoU or PKS).") % {"kind": kind}
    if not number:
        errors["number"] = _("An agreement needs a number.")
    elif Agreement.objects.filter(number=number).exists():
        errors["number"] = _("An agreement numbered '%(number)s' already exists.") % {"number": number}
    if valid_until <= signed:
        errors["valid_until"] = _("'Valid until' (%(until)s) must be after the signing date (%(signed)s).") % {
            "until": valid_until.isoformat(), "signed": signed.isoformat()}
    if not parties:
        errors["parties"] = _("An agreement needs at least one partner.")
    if document is not None and not is_pdf(document):
        errors["document"] = _("The document '%(name)s' is not a PDF file.") % {"name": document.name}
    return errors


@transaction.atomic
def create_agreement(
    actor: User | None, *, kind: str, number: str, title: str, parties: Iterable[Partner], signed: datetime.date,
    valid_until: datetime.date, scope: str = "", programmes: Iterable[Programme] = (),
    document: File[Any] | None = None,
) -> Agreement:
    """Record an MoU or PKS. All checks run before anything is written, so a refusal leaves no trace."""
    _check_actor(actor)
    number, parties = number.strip(), list(parties)
    if errors := _agreement_errors(kind, number, signed, valid_until, parties, document):
        raise ValidationError(errors)
    agreement = Agreement(kind=kind, number=number, title=title.strip(), signed=signed, valid_until=valid_until,
                          scope=scope)
    if document is not None:
        agreement.document.save(os.path.basename(document.name or "") or "agreement.pdf", document, save=False)
    try:
        agreement.save()
    except IntegrityError:
        # Another request took the number between the check and the insert: leave no stray file either.
        if agreement.document:
            agreement.document.delete(save=False)
        raise ValidationError({"number": _("An agreement numbered '%(number)s' already exists.") % {
            "number": number}}) from None
    agreement.parties.set(parties)
    agreement.programmes.set(list(programmes))
    audit.record_change(actor, audit.Action.AGREEMENT_CREATED, agreement, details={
        "number": number, "parties": [p.pk for p in parties], "signed": signed.isoformat(),
        "valid_until": valid_until.isoformat(), "document": bool(document)})
    return agreement
