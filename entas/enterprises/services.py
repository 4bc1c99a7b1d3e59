"""Every change to enterprises, cooperatives, jobs and groups goes through these functions:
checked (a ValidationError naming the field), in a transaction, audited."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.core.dates import happened
from entas.core.identifiers import nik_problem
from entas.core.messages import translate_message
from entas.enterprises import kbli
from entas.enterprises.checks import fail, money, nib_problem, village

# Cooperatives and groups have their own modules; re-exported so callers need one import.
from entas.enterprises.cooperatives import (  # noqa: F401
    add_business_unit,
    appoint_manager,
    join_cooperative,
    leave_cooperative,
    pay_shares,
    register_cooperative,
    set_unit_status,
)
from entas.enterprises.groups import add_group_member, form_group  # noqa: F401
from entas.enterprises.models import Enterprise, EnterpriseStatus, Job
from entas.enterprises.scale import scale_of
from entas.registry.models import Person


def _identity(nib: str | None, owner_nik: str | None) -> None:
    if nib and (problem := nib_problem(nib)):
        raise fail("nib", problem)
    if owner_nik and (problem := nik_problem(owner_nik)):
        raise fail("owner_nik", translate_message(problem))
    if not nib and not owner_nik:
        raise fail("owner_nik", _("Give the owner's NIK: an enterprise without NIB (informal) is known by its owner."))


def _not_registered(nib: str | None, owner_nik: str | None, village_code: str, name: str) -> None:
    if nib:
        existing = Enterprise.objects.filter(nib=nib).first()
        if existing:
            raise fail("nib", _("NIB %(nib)s is already registered, for '%(name)s'.") % {
                "nib": nib, "name": existing.name})
    elif Enterprise.objects.filter(nib__isnull=True, owner_nik=owner_nik, village_id=village_code, name=name).exists():
        raise fail("name", _("'%(name)s' of this owner is already registered in %(village)s.") % {
            "name": name, "village": village_code})


@transaction.atomic
def register_enterprise(
    actor: User | None, *, name: str, village_code: str, kbli_code: str, kbli_version: str = "2020",
    nib: str | None = None, owner_nik: str | None = None, owner_name: str | None = None,
    capital: int | None = None, annual_sales: int | None = None, workers: int | None = None,
    legal_form: str | None = None, founded: date | None = None, on: date | None = None,
) -> Enterprise:
    """Register an enterprise; its scale is derived (PP 7/2021) as of `on` (default today)."""
    if not name.strip():
        raise fail("name", _("Give the enterprise's name."))
    _identity(nib, owner_nik)
    happened("founded", founded)
    happened("on", on)
    if problem := kbli.problem(kbli_code, kbli_version):
        raise fail("kbli_code", problem)
    capital, annual_sales = money("capital", capital), money("annual_sales", annual_sales)
    place = village(village_code)
    _not_registered(nib, owner_nik, place.code, name)
    found = kbli.find(kbli_code, kbli_version)
    enterprise = Enterprise.objects.create(
        name=name.strip(), nib=nib or None, owner_nik=owner_nik or None, owner_name=owner_name,
        owner=Person.objects.filter(nik=owner_nik).first() if owner_nik else None, village=place,
        kbli_code=kbli_code, kbli_version=kbli_version, kbli_section=found.section if found else "",
        capital=capital, annual_sales=annual_sales, workers=workers, legal_form=legal_form, founded=founded,
        scale=scale_of(capital, annual_sales, founded, on or timezone.localdate()),
    )
    audit.record_change(actor, audit.Action.ENTERPRISE_REGISTERED, enterprise,
                        details={"nib": nib or "", "kbli": kbli_code})
    return enterprise


@transaction.atomic
def close_enterprise(actor: User | None, enterprise: Enterprise) -> Enterprise:
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise fail("status", _("'%(name)s' is already closed.") % {"name": enterprise.name})
    enterprise.status = EnterpriseStatus.CLOSED
    enterprise.save(update_fields=["status"])
    audit.record_change(actor, audit.Action.ENTERPRISE_CLOSED, enterprise)
    return enterprise


@transaction.atomic
def record_job(actor: User | None, enterprise: Enterprise, person: Person, *, start: date, position: str = "") -> Job:
    """A person starts working at an enterprise; one job at a time per person and enterprise."""
    if enterprise.status != EnterpriseStatus.ACTIVE:
        raise fail("enterprise", _("'%(name)s' is closed.") % {"name": enterprise.name})
    happened("start", start)
    overlapping = Job.objects.filter(enterprise=enterprise, person=person).exclude(end__lte=start).first()
    if overlapping:
        raise fail("person", _("%(person)s already works at '%(name)s' since %(start)s.") % {
            "person": person.full_name, "name": enterprise.name, "start": numbers.day(overlapping.start)})
    job = Job.objects.create(enterprise=enterprise, person=person, start=start, position=position)
    audit.record_change(actor, audit.Action.JOB_RECORDED, job,
                        details={"person": person.pk, "enterprise": enterprise.pk})
    return job


@transaction.atomic
def end_job(actor: User | None, job: Job, *, end: date) -> Job:
    if job.end is not None:
        raise fail("end", _("This job already ended on %(end)s.") % {"end": numbers.day(job.end)})
    happened("end", end)
    if end <= job.start:
        raise fail("end", _("The end date %(end)s must be after the start date %(start)s.") % {
            "end": numbers.day(end), "start": numbers.day(job.start)})
    job.end = end
    job.save(update_fields=["end"])
    audit.record_change(actor, audit.Action.JOB_ENDED, job, details={"end": end.isoformat()})
    return job
