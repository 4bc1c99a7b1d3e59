"""Scoped reads of the registry: the filters of the list page, the API and the exports."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from entas.accounts.models import User
from entas.core.scoping import region_q, visible
from entas.registry.models import AssistanceReceipt, Household, Person


@dataclass(frozen=True)
class HouseholdFilter:
    region: str = ""  # dotted code: province, regency, district or village
    decile_min: int | None = None
    decile_max: int | None = None
    programme: str = ""  # households that received this assistance
    extreme_poor: bool | None = None
    q: str = ""  # NIK, No. KK or part of a member's name

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def households(user: User | None, flt: HouseholdFilter) -> QuerySet[Household]:
    queryset = visible(user, Household.objects.select_related("village"))
    if flt.region:
        queryset = queryset.filter(region_q(flt.region, "village_id"))
    if flt.decile_min is not None:
        queryset = queryset.filter(decile__gte=flt.decile_min)
    if flt.decile_max is not None:
        queryset = queryset.filter(decile__lte=flt.decile_max)
    if flt.extreme_poor is not None:
        queryset = queryset.filter(extreme_poor=flt.extreme_poor)
    if flt.programme:
        receipts = AssistanceReceipt.objects.filter(household=OuterRef("pk"), programme=flt.programme)
        queryset = queryset.filter(Exists(receipts))
    if flt.q:
        queryset = queryset.filter(_search_q(flt.q))
    return queryset.order_by("village_id", "kk_number")


def _search_q(q: str) -> Q:
    q = q.strip()
    if q.isdigit() and len(q) == 16:
        # A 16-digit number is a No. KK or a NIK: exact matches use the unique indexes.
        members = Person.objects.filter(nik=q, household=OuterRef("pk"))
        return Q(kk_number=q) | Q(Exists(members))
    members = Person.objects.filter(household=OuterRef("pk"), full_name__icontains=q)
    return Q(Exists(members))


def people(user: User | None, *, region: str = "", q: str = "") -> QuerySet[Person]:
    queryset = visible(user, Person.objects.select_related("household"))
    if region:
        queryset = queryset.filter(region_q(region, "household__village_id"))
    if q:
        q = q.strip()
        queryset = queryset.filter(nik=q) if q.isdigit() and len(q) == 16 else queryset.filter(full_name__icontains=q)
    return queryset.order_by("household__kk_number", "nik")
