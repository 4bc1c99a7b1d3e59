"""Named computations behind indicators: each is one GROUP BY village over the source tables.

A computation takes a period and, optionally, the villages to recompute, and returns
{village code: value}. Stocks (households, formal enterprises) count what exists at the period's
end; flows (graduations, loans, new jobs) count what happened inside the period.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from entas.enterprises.models import Enterprise, Job, Membership
from entas.monitoring.models import Period
from entas.programmes.models import Enrolment, Loan, LoanStatus, Status
from entas.registry.models import Household

Values = dict[str, Decimal]
Compute = Callable[[Period, Collection[str] | None], Values]


@dataclass(frozen=True)
class Computation:
    key: str
    label: str | Promise
    compute: Compute


REGISTRY: dict[str, Computation] = {}
POOR_DECILE = 2  # desil 1-2


def register(key: str, label: str | Promise) -> Callable[[Compute], Compute]:
    def wrap(compute: Compute) -> Compute:
        REGISTRY[key] = Computation(key, label, compute)
        return compute

    return wrap


def choices() -> list[tuple[str, str]]:
    return [(c.key, str(c.label)) for c in REGISTRY.values()]


def _grouped(queryset: QuerySet[Any], village_field: str, villages: Collection[str] | None, total: Any) -> Values:
    if villages is not None:
        queryset = queryset.filter(**{f"{village_field}__in": list(villages)})
    rows = queryset.values_list(village_field).annotate(total=total).values_list(village_field, "total")
    return {code: Decimal(value or 0) for code, value in rows}


@register("extreme_poor_households", _("Extreme-poor households"))
def extreme_poor_households(period: Period, villages: Collection[str] | None) -> Values:
    # The registry keeps today's status only, so every period sees the current count.
    return _grouped(Household.objects.filter(extreme_poor=True), "village_id", villages, Count("pk"))


@register("households_enrolled", _("Households enrolled by the period's end"))
def households_enrolled(period: Period, villages: Collection[str] | None) -> Values:
    enrolled = Enrolment.objects.filter(enrolled_on__lte=period.end)
    return _grouped(enrolled, "village_id", villages, Count("household_id", distinct=True))


@register("graduated", _("Households graduated in the period"))
def graduated(period: Period, villages: Collection[str] | None) -> Values:
    done = Enrolment.objects.filter(graduated_on__range=(period.start, period.end))
    return _grouped(done, "village_id", villages, Count("household_id", distinct=True))


@register("sustained", _("Households sustained after graduation"))
def sustained(period: Period, villages: Collection[str] | None) -> Values:
    kept = Enrolment.objects.filter(status=Status.SUSTAINED, graduated_on__lte=period.end)
    return _grouped(kept, "village_id", villages, Count("household_id", distinct=True))


def _member_at_end(period: Period) -> Q:
    return Q(joined__lte=period.end) & (Q(left__isnull=True) | Q(left__gt=period.end))


@register("cooperative_members_desil_1_2", _("Cooperative members from desil 1-2"))
def cooperative_members_desil_1_2(period: Period, villages: Collection[str] | None) -> Values:
    poor = Membership.objects.filter(_member_at_end(period), person__household__decile__lte=POOR_DECILE)
    return _grouped(poor, "cooperative__village_id", villages, Count("person_id", distinct=True))


@register("jobs_for_poor_people", _("Jobs for people from desil 1-2 started in the period"))
def jobs_for_poor_people(period: Period, villages: Collection[str] | None) -> Values:
    jobs = Job.objects.filter(start__range=(period.start, period.end), person__household__decile__lte=POOR_DECILE)
    return _grouped(jobs, "enterprise__village_id", villages, Count("pk"))


# A loan that was repaid or defaulted was disbursed first; its application date places it in a period.
_DISBURSED = Q(status__in=[LoanStatus.DISBURSED, LoanStatus.REPAID, LoanStatus.DEFAULTED])


def _loans(period: Period) -> QuerySet[Loan]:
    return Loan.objects.filter(_DISBURSED, applied_on__range=(period.start, period.end))


@register("loans_disbursed_count", _("Loans disbursed (count)"))
def loans_disbursed_count(period: Period, villages: Collection[str] | None) -> Values:
    return _grouped(_loans(period), "enrolment__village_id", villages, Count("pk"))


@register("loans_disbursed_rupiah", _("Loans disbursed (rupiah)"))
def loans_disbursed_rupiah(period: Period, villages: Collection[str] | None) -> Values:
    return _grouped(_loans(period), "enrolment__village_id", villages, Sum("amount"))


@register("enterprises_formal", _("Enterprises with an NIB"))
def enterprises_formal(period: Period, villages: Collection[str] | None) -> Values:
    # Enterprises carry no date for their NIB, so every period sees the current count.
    return _grouped(Enterprise.objects.filter(nib__isnull=False), "village_id", villages, Count("pk"))
