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
from entas.core import audit, numbers
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
    _check_partner(name, kind)
    partner = Partner.objects.create(name=name, kind=kind)
    audit.record_change(actor, audit.Action.PARTNER_CREATED, partner, details={"name": name, "kind": kind})
    return partner


def _check_partner(name: str, kind: str, itself: int | None = None) -> None:
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": _("'%(kind)s' is not a partner type.") % {"kind": kind}})
    if not name:
        raise ValidationError({"name": _("A partner needs a name.")})
    if Partner.objects.filter(name__iexact=name).exclude(pk=itself or 0).exists():
        raise ValidationError({"name": _("A partner named '%(name)s' already exists.") % {"name": name}})


PARTNER_FIELDS = ("name", "kind")


@transaction.atomic
def change_partner(actor: User | None, partner: Partner, **fields: Any) -> Partner:
    """Change a partner's name or type (only the fields given)."""
    _check_actor(actor)
    if unknown := sorted(set(fields) - set(PARTNER_FIELDS)):
        raise ValueError(f"not a partner field: {', '.join(unknown)}")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    name = str(fields.get("name", partner.name)).strip()
    kind = str(fields.get("kind", partner.kind))
    _check_partner(name, kind, partner.pk)
    before = {"name": partner.name, "kind": partner.kind}
    partner.name, partner.kind = name, kind
    partner.save(update_fields=["name", "kind"])
    changed = {k: [v, getattr(partner, k)] for k, v in before.items() if v != getattr(partner, k)}
    audit.record_change(actor, audit.Action.PARTNER_CHANGED, partner, details={"changed": changed})
    return partner


def _agreement_errors(kind: str, number: str, signed: datetime.date, valid_until: datetime.date,
                      parties: list[Partner], document: File[Any] | None, itself: int | None = None) -> dict[str, str]:
    """What is wrong with these fields; `itself`: the agreement being changed, whose own number is no clash."""
    errors: dict[str, str] = {}
    if kind not in AgreementKind.values:
        errors["kind"] = _("'%(kind)s' is not an agreement kind (MoU or PKS).") % {"kind": kind}
    if not number:
        errors["number"] = _("An agreement needs a number.")
    elif Agreement.objects.filter(number=number).exclude(pk=itself or 0).exists():
        errors["number"] = _("An agreement numbered '%(number)s' already exists.") % {"number": number}
    if valid_until <= signed:
        errors["valid_until"] = _("'Valid until' (%(until)s) must be after the signing date (%(signed)s).") % {
            "until": numbers.day(valid_until), "signed": numbers.day(signed)}
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


AGREEMENT_FIELDS = ("kind", "number", "title", "parties", "signed", "valid_until", "scope", "programmes", "document")


@transaction.atomic
def change_agreement(actor: User | None, agreement: Agreement, **fields: Any) -> Agreement:
    """Change the fields given, with the checks of `create_agreement`. `document`: a new PDF
    replaces the stored one, False removes it, None (or absent) keeps it."""
    _check_actor(actor)
    if unknown := sorted(set(fields) - set(AGREEMENT_FIELDS)):
        raise ValueError(f"not an agreement field: {', '.join(unknown)}")
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    kind = fields.get("kind", agreement.kind)
    number = str(fields.get("number", agreement.number)).strip()
    signed, valid_until = fields.get("signed", agreement.signed), fields.get("valid_until", agreement.valid_until)
    parties = list(fields["parties"]) if "parties" in fields else list(agreement.parties.all())
    document = fields.get("document") or None
    programmes = list(fields["programmes"]) if "programmes" in fields else None
    if errors := _agreement_errors(kind, number, signed, valid_until, parties, document, agreement.pk):
        raise ValidationError(errors)
    before = {"kind": agreement.kind, "number": agreement.number, "title": agreement.title,
              "signed": agreement.signed.isoformat(), "valid_until": agreement.valid_until.isoformat(),
              "scope": agreement.scope}
    agreement.kind, agreement.number, agreement.signed, agreement.valid_until = kind, number, signed, valid_until
    agreement.title = str(fields.get("title", agreement.title)).strip()
    agreement.scope = str(fields.get("scope", agreement.scope))
    old = agreement.document.name if agreement.document else ""
    if document is not None:
        agreement.document.save(os.path.basename(document.name or "") or "agreement.pdf", document, save=False)
    elif fields.get("document") is False:
        agreement.document = None
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        if document is not None and agreement.document:
            agreement.document.delete(save=False)
        raise ValidationError({"number": _("An agreement numbered '%(number)s' already exists.") % {
            "number": number}}) from None
    if old and old != (agreement.document.name if agreement.document else ""):
        storage = agreement.document.storage
        transaction.on_commit(lambda: storage.delete(old))
    if "parties" in fields:
        agreement.parties.set(parties)
    if programmes is not None:
        agreement.programmes.set(programmes)
    after = {"kind": agreement.kind, "number": agreement.number, "title": agreement.title,
             "signed": agreement.signed.isoformat(), "valid_until": agreement.valid_until.isoformat(),
             "scope": agreement.scope}
    changed: dict[str, Any] = {k: [v, after[k]] for k, v in before.items() if v != after[k]}
    if "parties" in fields:
        changed["parties"] = [p.pk for p in parties]
    if programmes is not None:
        changed["programmes"] = [p.pk for p in programmes]
    if document is not None or fields.get("document") is False:
        changed["document"] = bool(document)
    audit.record_change(actor, audit.Action.AGREEMENT_CHANGED, agreement, details={"changed": changed})
    return agreement
