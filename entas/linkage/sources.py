"""The two sides of a link job as frames of text columns, and what a link does to each source.

A (the registry) is always the people of `registry.Person` inside the job's region; B is a source:
the enterprise owners, cooperative members and job holders that the KUMKM data keeps as given
(`entas.enterprises.identities`), or the records of one agency file (`AgencyRecord`). Every frame
holds the link keys the engine reads (`entas.linkage.normalise.KEYS`) as text; B frames add
`region` (the record's dotted village or district code, for scoping) and `person_id` (the person a
record is already linked to, or null).

Accepting a link sets the person on the record (`attach`), undoing it clears it (`detach`): the
enterprises app does that for its sources (and audits it), this module for agency records.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from entas.accounts.models import User
from entas.core.scoping import region_q
from entas.enterprises import identities
from entas.linkage.models import AgencyRecord, AgencyUpload, Source
from entas.registry.models import Person

# The columns the engine compares, in the order of the frames.
KEYS = ("record_id", "nik", "kk_number", "name", "sex", "birth_date", "address", "village_code")
# What a record "as given" shows a reviewer: the keys but the id.
GIVEN = KEYS[1:]
B_COLUMNS = (*KEYS, "region", "person_id")
# The KUMKM sources (entas.enterprises.identities.SOURCES) and the import target that writes each.
KUMKM_SOURCES = (Source.ENTERPRISE_OWNERS, Source.COOPERATIVE_MEMBERS, Source.JOB_HOLDERS)
IMPORT_TARGET = {Source.ENTERPRISE_OWNERS: "kumkm", Source.COOPERATIVE_MEMBERS: "kumkm-people",
                 Source.JOB_HOLDERS: "kumkm-people"}


class AttachRefused(ValueError):
    """A source refused to take the person (the enterprises app's own rules, e.g. a member twice)."""


def registry_frame(scope: str | None) -> pl.DataFrame:
    """The registry people inside `scope` (None: everybody), one row each: record_id is the person's
    id, kk_number and address are the household's, village_code the household's village."""
    people = Person.objects.all()
    if scope is not None:
        people = people.filter(region_q(scope, "household__village_id"))
    rows = people.values_list("id", "nik", "household__kk_number", "full_name", "sex", "birth_date",
                              "household__address", "household__village_id").order_by("id")
    frame = pl.DataFrame(list(rows), schema=["record_id", "nik", "kk_number", "name", "sex", "birth_date", "address",
                                             "village_code"], orient="row", infer_schema_length=None)
    return frame.with_columns(pl.all().cast(pl.String))


def source_frame(source: str, scope: str | None, upload: AgencyUpload | None = None) -> pl.DataFrame:
    """The records of a source inside `scope` (by the region each record names)."""
    if source == Source.AGENCY_FILE:
        if upload is None:
            raise ValueError("an agency-file job names its upload")
        frame = _agency_frame(upload, scope)
    else:
        frame = identities.identity_frame(source, scope=scope)
    for column in B_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(column))
    return frame.select(pl.col(column).cast(pl.String) for column in B_COLUMNS)


def _agency_frame(upload: AgencyUpload, scope: str | None) -> pl.DataFrame:
    records = AgencyRecord.objects.filter(upload=upload)
    if scope is not None:
        records = records.filter(region_q(scope, "region"))
    names = ["id", "nik", "kk_number", "name", "sex", "birth_date", "address", "village_code", "region", "person_id"]
    frame = pl.DataFrame(list(records.order_by("id").values_list(*names)), schema=names, orient="row",
                         infer_schema_length=None)
    # Blank as given is no value: the engine reads null.
    return frame.rename({"id": "record_id"}).with_columns(
        pl.all().cast(pl.String).str.strip_chars().replace("", None))


def given(row: dict[str, Any]) -> dict[str, str]:
    """A record's fields as the source gave them, for the reviewer and the link list."""
    return {key: str(row[key]) for key in GIVEN if row.get(key) not in (None, "")}


def attach(actor: User | None, source: str, record_id: str, person: Person, *, method: str) -> None:
    """Give the record its person. Raises AttachRefused when the source refuses."""
    if source == Source.AGENCY_FILE:
        AgencyRecord.objects.filter(pk=int(record_id)).update(person=person, link_method=method)
        return
    try:
        identities.attach_person(actor, source, int(record_id), person, method=method)
    except ValueError as refusal:
        raise AttachRefused(_reason(refusal)) from refusal


def detach(actor: User | None, source: str, record_id: str) -> None:
    if source == Source.AGENCY_FILE:
        AgencyRecord.objects.filter(pk=int(record_id)).update(person=None, link_method="")
        return
    try:
        identities.detach_person(actor, source, int(record_id))
    except ValueError as refusal:
        raise AttachRefused(_reason(refusal)) from refusal


def _reason(error: ValueError) -> str:
    messages = getattr(error, "messages", None)
    return " ".join(str(m) for m in messages) if messages else str(error)


def records_of(source: str, record_ids: list[str]) -> dict[str, dict[str, str]]:
    """The stored records of an agency file by id, as given (other sources: their candidates keep
    the record as it was compared)."""
    if source != Source.AGENCY_FILE:
        return {}
    found = AgencyRecord.objects.filter(pk__in=[int(r) for r in record_ids if r.isdigit()])
    return {str(r["id"]): given(r) for r in found.values("id", *GIVEN)}
