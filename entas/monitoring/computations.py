"""Named computations behind indicators: each is one GROUP BY place over the source tables.

A computation says which rows it counts in a period (`rows`), under which region code it keeps them
(`place`: the village, or a facilitator's region), and what it sums there: a count or total
(`value`), or for a ratio or mean also a `denominator`, so that every level above the village
divides the sum of numerators by the sum of denominators. Stocks as of today (`per_period=False`)
are computed once and written for every period; flows count what happened inside the period.

`reads` names every model whose change can move the numbers, with the lookup from the counted
model to it: the rollups are refreshed when one of those changes (see `entas.monitoring.receivers`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from entas.enterprises.models import Enterprise, Job, Membership
from entas.graduation.models import Assessment, Enrolment, Loan, LoanStatus, Status, StatusChange
from entas.monitoring.models import Period
from entas.programmes.models import Facilitator
from entas.registry.models import Household

POOR_DECILE = 2  # desil 1-2
PLACE, VALUE, DENOMINATOR = "k_place", "k_value", "k_denominator"


@dataclass(frozen=True)
class Computation:
    key: str
    label: str | Promise
    model: type[Model]
    place: str  # lookup from `model` to the region code the rollup row is kept under
    rows: Callable[[Period], QuerySet[Any]]
    value: Any  # aggregate per place
    reads: Mapping[str, str]  # "app_label.Model" -> lookup from `model` to it ("" = `model` itself)
    denominator: Any = None  # aggregate per place: a ratio or mean when set
    scale: int = 1  # 100: the ratio is shown as a percentage
    per_period: bool = True

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None

    def grouped(self, period: Period, places: QuerySet[Any] | None = None) -> QuerySet[Any]:
        """(place, value, denominator) per place for `period`; only the places in `places` (a
        queryset of region codes) when given."""
        rows = self.rows(period)
        if places is not None:
            rows = rows.filter(**{f"{self.place}__in": places})
        denominator = self.denominator if self.denominator is not None else Value(0, output_field=IntegerField())
        return (rows.order_by().values(**{PLACE: F(self.place)})
                .annotate(**{VALUE: self.value, DENOMINATOR: denominator}))


REGISTRY: dict[str, Computation] = {}


def register(computation: Computation) -> Computation:
    REGISTRY[computation.key] = computation
    return computation


def choices() -> list[tuple[str, str]]:
    return [(c.key, str(c.label)) for c in REGISTRY.values()]


def reading(label: str) -> list[Computation]:
    """The computations whose numbers can change when a row of model `label` changes."""
    return [c for c in REGISTRY.values() if label in c.reads]


ENROLMENT = {"graduation.Enrolment": ""}
# A household's decile decides whether its people count as poor members and workers.
PERSON_LINKS = {"registry.Person": "person", "registry.Household": "person__household"}

# The registry keeps today's status only, so every period sees the current count.
register(Computation(
    "extreme_poor_households", _("Extreme-poor households"), Household, "village_id",
    lambda period: Household.objects.filter(extreme_poor=True), Count("pk"),
    {"registry.Household": ""}, per_period=False))

register(Computation(
    "households_enrolled", _("Households enrolled by the period's end"), Enrolment, "village_id",
    lambda period: Enrolment.objects.filter(enrolled_on__lte=period.end),
    Count("household_id", distinct=True), ENROLMENT))

def _graduated_in(period: Period) -> QuerySet[Enrolment]:
    # The history, not Enrolment.graduated_on: a later relapse clears that date, not the graduation.
    steps = StatusChange.objects.filter(enrolment=OuterRef("pk"), action="graduate",
                                        on__range=(period.start, period.end))
    return Enrolment.objects.filter(Exists(steps))


register(Computation(
    "graduated", _("Households graduated in the period"), Enrolment, "village_id", _graduated_in,
    Count("household_id", distinct=True), {**ENROLMENT, "graduation.StatusChange": "status_changes"}))

register(Computation(
    "sustained", _("Households sustained after graduation"), Enrolment, "village_id",
    lambda period: Enrolment.objects.filter(status=Status.SUSTAINED, graduated_on__lte=period.end),
    Count("household_id", distinct=True), ENROLMENT))


def member_at_end(period: Period) -> Q:
    return Q(joined__lte=period.end) & (Q(left__isnull=True) | Q(left__gt=period.end))


register(Computation(
    "cooperative_members_desil_1_2", _("Cooperative members from desil 1-2"), Membership, "cooperative__village_id",
    lambda period: Membership.objects.filter(member_at_end(period), person__household__decile__lte=POOR_DECILE),
    Count("person_id", distinct=True),
    {"enterprises.Membership": "", "enterprises.Cooperative": "cooperative", **PERSON_LINKS}))

register(Computation(
    "jobs_for_poor_people", _("Jobs for people from desil 1-2 started in the period"), Job, "enterprise__village_id",
    lambda period: Job.objects.filter(start__range=(period.start, period.end),
                                      person__household__decile__lte=POOR_DECILE),
    Count("pk"), {"enterprises.Job": "", "enterprises.Enterprise": "enterprise", **PERSON_LINKS}))

# A loan that was repaid or defaulted was disbursed first; its application date places it in a period.
_DISBURSED = Q(status__in=[LoanStatus.DISBURSED, LoanStatus.REPAID, LoanStatus.DEFAULTED])
LOAN_READS = {"graduation.Loan": "", "graduation.Enrolment": "enrolment"}


def _loans(period: Period) -> QuerySet[Loan]:
    return Loan.objects.filter(_DISBURSED, applied_on__range=(period.start, period.end))


register(Computation("loans_disbursed_count", _("Loans disbursed (count)"), Loan, "enrolment__village_id",
                     _loans, Count("pk"), LOAN_READS))
register(Computation("loans_disbursed_rupiah", _("Loans disbursed (rupiah)"), Loan, "enrolment__village_id",
                     _loans, Coalesce(Sum("amount"), 0), LOAN_READS))

# Enterprises carry no date for their NIB, so every period sees the current count.
register(Computation(
    "enterprises_formal", _("Enterprises with an NIB"), Enterprise, "village_id",
    lambda period: Enterprise.objects.filter(nib__isnull=False), Count("pk"),
    {"enterprises.Enterprise": ""}, per_period=False))


# --- Ratios and means: per place a numerator and a denominator, divided only after summing. ---

def _steps(period: Period, action: str, **more: Any) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(enrolment=OuterRef("pk"), action=action, on__lte=period.end, **more)


def _graduated_by_end(period: Period) -> QuerySet[Enrolment]:
    # The history, not Enrolment.graduated_on: a relapse clears that date but not the graduation.
    return Enrolment.objects.filter(Exists(_steps(period, "graduate")))


def _relapse_rate_rows(period: Period) -> QuerySet[Enrolment]:
    relapsed = _steps(period, "relapse", from_status=Status.GRADUATED)
    return _graduated_by_end(period).annotate(relapsed=Exists(relapsed))


register(Computation(
    "relapse_rate", _("Relapse rate: share of graduated households that relapsed"), Enrolment, "village_id",
    _relapse_rate_rows, Count("pk", filter=Q(relapsed=True)),
    {**ENROLMENT, "graduation.StatusChange": "status_changes"}, denominator=Count("pk"), scale=100))


def _income(period: Period, order: tuple[str, ...], column: str) -> Subquery:
    found = Assessment.objects.filter(enrolment=OuterRef("pk"), date__lte=period.end,
                                      per_capita_income__isnull=False).order_by(*order)
    return Subquery(found.values(column)[:1])


def _income_change_rows(period: Period) -> QuerySet[Enrolment]:
    """Enrolments with an income on two assessments by the period's end: first and latest."""
    first, latest = ("date", "id"), ("-date", "-id")
    return (Enrolment.objects
            .annotate(first_id=_income(period, first, "id"), latest_id=_income(period, latest, "id"),
                      first_income=_income(period, first, "per_capita_income"),
                      latest_income=_income(period, latest, "per_capita_income"))
            .filter(first_id__isnull=False).exclude(first_id=F("latest_id")))


register(Computation(
    "income_change_mean", _("Mean change in income per person since the first assessment (Rp)"), Enrolment,
    "village_id", _income_change_rows, Sum(F("latest_income") - F("first_income")),
    {**ENROLMENT, "graduation.Assessment": "assessments"}, denominator=Count("pk")))


def _graduations_by(period: Period) -> Coalesce:
    done = (StatusChange.objects.filter(enrolment__facilitator=OuterRef("pk"), action="graduate",
                                        on__range=(period.start, period.end))
            .order_by().values("enrolment__facilitator").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(done), 0)


def _facilitator_rows(period: Period) -> QuerySet[Facilitator]:
    # A quarter's share of the yearly target, rounded up.
    target = F("yearly_target") if period.quarter is None else (F("yearly_target") + 3) / 4
    return (Facilitator.objects.filter(active=True)
            .annotate(graduations=_graduations_by(period), target=target))


register(Computation(
    "facilitators_on_target", _("Facilitators on target: share whose graduations in the period reach their target"),
    Facilitator, "region_id", _facilitator_rows, Count("pk", filter=Q(graduations__gte=F("target"))),
    {"programmes.Facilitator": "", "graduation.Enrolment": "enrolments",
     "graduation.StatusChange": "enrolments__status_changes"},
    denominator=Count("pk"), scale=100))
