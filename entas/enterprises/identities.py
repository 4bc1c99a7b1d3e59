"""The KUMKM records that name a person, as record linkage (entas.linkage, an app above this one)
reads and changes them: enterprise owners, cooperative members and job holders.

Each source keeps the person as it was given (name, NIK, birth date, … as text, never corrected)
beside the registry person it is linked to, or none while nobody recognised her:

enterprise_owners    Enterprise.owner_name / owner_nik, the enterprise's village; Enterprise.owner
cooperative_members  Membership.given_*; Membership.person (null: not yet recognised)
job_holders          Job.given_*; Job.person (null: not yet recognised)

`identity_frame` gives a source's records in a region as one Polars frame of text, `attach_person`
sets the person of one record when a link is accepted, `detach_person` undoes it. Both check the
rules of the services (a person is not a member of a cooperative, or employed at an enterprise,
twice at the same time), refuse with a `LinkRefused` (a ValueError) saying why, and write their
audit entry and domain event (core.audit.record_change) in the change's transaction, so the rollups
that count poor members and workers follow the link.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.core.scoping import region_q
from entas.enterprises.models import Cooperative, Enterprise, Job, Membership
from entas.registry.models import Person

SOURCES = ("enterprise_owners", "cooperative_members", "job_holders")
OWNERS, MEMBERS, JOB_HOLDERS = SOURCES
# How a link was made: the same NIK, the model's match accepted as it stood, or a reviewer's decision.
METHODS = ("exact_nik", "model", "review")
COLUMNS = ("record_id", "name", "nik", "birth_date", "sex", "address", "village_code", "region", "person_id")

# What identity_frame reads of each source: its own columns as given, the region it is scoped by,
# and the linked person's values (a fallback where the source gave nothing).
_GIVEN = ("given_name", "given_nik", "given_birth_date", "given_sex", "given_address", "given_village")
_PERSON = ("person__full_name", "person__nik", "person__birth_date", "person__sex", "person__household__address",
           "person__household__village_id")


class LinkRefused(ValueError):
    """A record does not take the person (or lose it): the message says why, in the user's language."""


class AlreadyLinked(LinkRefused):
    """The record names another person already: undo that link first."""


class WouldOverlap(LinkRefused):
    """The person would hold two memberships of one cooperative (or two jobs at one enterprise) at
    the same time."""


class ConflictingIdentity(LinkRefused):
    """Undoing the link would leave two records without a person with the same identity as given
    in one place and period."""


def identity_frame(source: str, *, scope: str | None, only_unlinked: bool = False) -> pl.DataFrame:
    """One row per record of `source` whose place lies inside `scope` (a dotted region code; None:
    the whole country); with `only_unlinked`, only the records without a person.

    Columns, all text (null where nothing is given): `record_id` (the record's id), `name`, `nik`,
    `birth_date`, `sex`, `address`, `village_code` as the source gave them (for a linked record,
    the person's registry values where the source gave none), `region` (the village of the
    cooperative or enterprise, which scopes the record) and `person_id` (the linked person's id)."""
    _source(source)
    if source == OWNERS:
        return _owners(scope, only_unlinked)
    model: type[Membership] | type[Job] = Membership if source == MEMBERS else Job
    place = "cooperative__village_id" if source == MEMBERS else "enterprise__village_id"
    records: QuerySet[Any] = model.objects.all()
    if scope is not None:
        records = records.filter(region_q(scope, place))
    if only_unlinked:
        records = records.filter(person__isnull=True)
    rows = records.order_by("pk").values_list("pk", *_GIVEN, *_PERSON, place, "person_id")
    names = ["record_id", *_GIVEN, *_PERSON, "region", "person_id"]
    frame = _frame(list(rows), names)
    given = [pl.coalesce(_blank_is_null(g), _blank_is_null(p)).alias(column)
             for g, p, column in zip(_GIVEN, _PERSON, COLUMNS[1:7], strict=True)]
    return frame.select("record_id", *given, _blank_is_null("region"), "person_id")


def _owners(scope: str | None, only_unlinked: bool) -> pl.DataFrame:
    """Enterprises that name an owner (by NIK, name or a linked person)."""
    records = Enterprise.objects.filter(Q(owner_nik__isnull=False) | Q(owner_name__isnull=False)
                                        | Q(owner__isnull=False))
    if scope is not None:
        records = records.filter(region_q(scope, "village_id"))
    if only_unlinked:
        records = records.filter(owner__isnull=True)
    person = ("owner__full_name", "owner__nik", "owner__birth_date", "owner__sex", "owner__household__address")
    rows = records.order_by("pk").values_list("pk", "owner_name", "owner_nik", *person, "village_id", "owner_id")
    frame = _frame(list(rows), ["record_id", "owner_name", "owner_nik", *person, "region", "person_id"])
    return frame.select(
        "record_id",
        pl.coalesce(_blank_is_null("owner_name"), _blank_is_null("owner__full_name")).alias("name"),
        pl.coalesce(_blank_is_null("owner_nik"), _blank_is_null("owner__nik")).alias("nik"),
        _blank_is_null("owner__birth_date").alias("birth_date"), _blank_is_null("owner__sex").alias("sex"),
        _blank_is_null("owner__household__address").alias("address"),
        _blank_is_null("region").alias("village_code"), _blank_is_null("region"), "person_id")


def _frame(rows: list[tuple[Any, ...]], names: list[str]) -> pl.DataFrame:
    """The rows as text columns (dates in ISO form, ids as digits)."""
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    return frame.with_columns(pl.all().cast(pl.String))


def _blank_is_null(column: str) -> pl.Expr:
    """A blank value is none: the engine reads null."""
    text = pl.col(column).str.strip_chars()
    return pl.when(text != "").then(text).alias(column)


def attach_person(actor: User | None, source: str, record_id: int, person: Person, *, method: str) -> None:
    """Give record `record_id` of `source` its person, as a link accepted by `method` ("exact_nik",
    "model" or "review") says. Nothing changes when it names that person already. Refused
    (`AlreadyLinked`) when it names another person, and (`WouldOverlap`) when the person would then
    be a member of the cooperative, or employed at the enterprise, twice at the same time.
    Audited, with the source, the record, the person and the method."""
    _source(source)
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not '{method}'")
    details = {"source": source, "record": record_id, "person": person.pk, "method": method}
    with transaction.atomic():
        if source == OWNERS:
            enterprise = Enterprise.objects.select_for_update().get(pk=record_id)
            if _unchanged(enterprise.owner_id, person):
                return
            enterprise.owner = person
            enterprise.save(update_fields=["owner"])
            audit.record_change(actor, audit.Action.ENTERPRISE_OWNER_LINKED, enterprise, details=details)
            return
        if source == MEMBERS:
            membership = _locked_membership(record_id)
            if _unchanged(membership.person_id, person):
                return
            _no_second_membership(membership, person)
            membership.person = person
            membership.save(update_fields=["person"])
            audit.record_change(actor, audit.Action.COOPERATIVE_MEMBER_LINKED, membership, details=details)
            return
        job = _locked_job(record_id)
        if _unchanged(job.person_id, person):
            return
        _no_second_job(job, person)
        job.person = person
        job.save(update_fields=["person"])
        audit.record_change(actor, audit.Action.JOB_HOLDER_LINKED, job, details=details)


def detach_person(actor: User | None, source: str, record_id: int) -> None:
    """Undo the link of record `record_id` of `source`: it names no person any more and keeps the
    identity as given (a record made for a known person, which was given nothing, keeps the
    person's name and NIK as its given identity, so that a file naming it again finds it).
    Nothing changes when it names nobody. Audited, with the person it named."""
    _source(source)
    with transaction.atomic():
        if source == OWNERS:
            enterprise = Enterprise.objects.select_for_update().get(pk=record_id)
            if enterprise.owner_id is None:
                return
            before = Person.objects.get(pk=enterprise.owner_id)
            enterprise.owner_name = enterprise.owner_name or before.full_name
            enterprise.owner = None
            enterprise.save(update_fields=["owner", "owner_name"])
            audit.record_change(actor, audit.Action.ENTERPRISE_OWNER_UNLINKED, enterprise,
                                details={"source": source, "record": record_id, "person": before.pk})
            return
        record: Membership | Job = _locked_membership(record_id) if source == MEMBERS else _locked_job(record_id)
        if record.person_id is None:
            return
        before = Person.objects.get(pk=record.person_id)
        record.given_name = record.given_name or before.full_name
        record.given_nik = record.given_nik or before.nik
        record.given_key = record.given_key or record.key_as_given()
        record.person = None
        try:
            with transaction.atomic():
                record.save(update_fields=["person", "given_name", "given_nik", "given_key"])
        except IntegrityError:
            raise ConflictingIdentity(_(
                "Another record without a person has the same identity as given in the same place and period; "
                "the link cannot be undone until one of them is recognised.")) from None
        action = (audit.Action.COOPERATIVE_MEMBER_UNLINKED if source == MEMBERS
                  else audit.Action.JOB_HOLDER_UNLINKED)
        audit.record_change(actor, action, record, details={"source": source, "record": record_id,
                                                            "person": before.pk})


def _source(source: str) -> None:
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not '{source}'")


def _unchanged(current: int | None, person: Person) -> bool:
    """True when the record names `person` already; refused when it names someone else."""
    if current is None:
        return False
    if current == person.pk:
        return True
    raise AlreadyLinked(_("This record is linked to another person already; undo that link first."))


def _locked_membership(record_id: int) -> Membership:
    """The membership, its cooperative locked first: links and joins to one cooperative wait for
    each other (as services.join_cooperative), so two cannot both pass the overlap check."""
    cooperative_id = Membership.objects.values_list("cooperative_id", flat=True).get(pk=record_id)
    Cooperative.objects.select_for_update().filter(pk=cooperative_id).first()
    return Membership.objects.select_for_update().select_related("cooperative").get(pk=record_id)


def _locked_job(record_id: int) -> Job:
    """The job, its enterprise locked first (see _locked_membership)."""
    enterprise_id = Job.objects.values_list("enterprise_id", flat=True).get(pk=record_id)
    Enterprise.objects.select_for_update().filter(pk=enterprise_id).first()
    return Job.objects.select_for_update().select_related("enterprise").get(pk=record_id)


def _overlapping(start: date, end: date | None, start_field: str, end_field: str) -> Q:
    """Periods that share a day with [start, end) (an open end runs on)."""
    condition = Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": start})
    return condition & Q(**{f"{start_field}__lt": end}) if end is not None else condition


def _no_second_membership(membership: Membership, person: Person) -> None:
    other = (Membership.objects.filter(cooperative_id=membership.cooperative_id, person=person)
             .exclude(pk=membership.pk).filter(_overlapping(membership.joined, membership.left, "joined", "left"))
             .order_by("joined").first())
    if other is not None:
        raise WouldOverlap(_("%(person)s is already a member of '%(name)s' since %(joined)s, a period that overlaps "
                             "this membership.") % {"person": person.full_name, "name": membership.cooperative.name,
                                                    "joined": numbers.day(other.joined)})


def _no_second_job(job: Job, person: Person) -> None:
    other = (Job.objects.filter(enterprise_id=job.enterprise_id, person=person).exclude(pk=job.pk)
             .filter(_overlapping(job.start, job.end, "start", "end")).order_by("start").first())
    if other is not None:
        raise WouldOverlap(_("%(person)s already works at '%(name)s' since %(start)s, a period that overlaps this "
                             "job.") % {"person": person.full_name, "name": job.enterprise.name,
                                        "start": numbers.day(other.start)})
