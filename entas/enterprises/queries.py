"""Scoped reads of enterprises, cooperatives and groups: the filters of the pages and the API."""

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from entas.core.scoping import region_q, visible
from entas.enterprises.models import Cooperative, Enterprise, Group, Job, Membership
from entas.enterprises.sections import POOR_DECILES


@dataclass(frozen=True)
class EnterpriseFilter:
    region: str = ""  # dotted code of any level
    section: str = ""  # KBLI section letter
    scale: str = ""
    status: str = ""
    formal: bool | None = None  # has a NIB
    q: str = ""  # NIB, owner NIK or part of the name

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def enterprises(user: Any, flt: EnterpriseFilter) -> QuerySet[Enterprise]:
    queryset = visible(user, Enterprise.objects.select_related("village"))
    if flt.region:
        queryset = queryset.filter(region_q(flt.region, "village_id"))
    for name in ("scale", "status"):
        if value := getattr(flt, name):
            queryset = queryset.filter(**{name: value})
    if flt.section:
        queryset = queryset.filter(kbli_section=flt.section)
    if flt.formal is not None:
        queryset = queryset.filter(nib__isnull=not flt.formal)
    if q := flt.q.strip():
        queryset = queryset.filter(Q(nib=q) | Q(owner_nik=q) if q.isdigit() else Q(name__icontains=q))
    return queryset.order_by("village_id", "name", "id")


@dataclass(frozen=True)
class CooperativeFilter:
    region: str = ""
    type: str = ""
    q: str = ""  # registration number or part of the name


def cooperatives(user: Any, flt: CooperativeFilter) -> QuerySet[Cooperative]:
    queryset = visible(user, Cooperative.objects.select_related("village"))
    if flt.region:
        queryset = queryset.filter(region_q(flt.region, "village_id"))
    if flt.type:
        queryset = queryset.filter(type=flt.type)
    if q := flt.q.strip():
        queryset = queryset.filter(Q(registration_number=q) | Q(name__icontains=q))
    open_members = Count("memberships", filter=Q(memberships__left__isnull=True), distinct=True)
    return queryset.annotate(member_count=open_members).order_by("village_id", "name", "id")


def groups(user: Any, *, region: str = "", kind: str = "", sector: str = "") -> QuerySet[Group]:
    queryset = visible(user, Group.objects.select_related("region", "cooperative"))
    if region:
        queryset = queryset.filter(region_q(region, "region_id"))
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(sector=sector)
    return queryset.annotate(member_count=Count("members", filter=Q(members__left__isnull=True))).order_by(
        "region_id", "name", "id")


def poor() -> Case:
    """True for a person of a desil 1-2 household: the programme's target group."""
    return Case(When(person__household__decile__in=POOR_DECILES, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def members(cooperative: Cooperative) -> QuerySet[Membership]:
    return cooperative.memberships.select_related("person__household").annotate(poor=poor()).order_by(
        "left", "person__full_name")


def jobs(enterprise: Enterprise) -> QuerySet[Job]:
    return enterprise.jobs.select_related("person__household").annotate(poor=poor()).order_by("end", "-start")


def scoped_jobs(user: Any, *, region: str = "", poor_only: bool = False) -> QuerySet[Job]:
    queryset = visible(user, Job.objects.select_related("enterprise", "person__household"))
    if region:
        queryset = queryset.filter(region_q(region, "enterprise__village_id"))
    if poor_only:
        queryset = queryset.filter(person__household__decile__in=POOR_DECILES)
    return queryset.order_by("-start", "id")


def scoped_memberships(user: Any, *, region: str = "", cooperative: int | None = None) -> QuerySet[Membership]:
    queryset = visible(user, Membership.objects.select_related("cooperative", "person__household"))
    if region:
        queryset = queryset.filter(region_q(region, "cooperative__village_id"))
    if cooperative is not None:
        queryset = queryset.filter(cooperative_id=cooperative)
    return queryset.annotate(poor=poor()).order_by("cooperative_id", "joined", "id")
