"""Scoped reads of enrolments: the region scope from core.scoping, narrowed for facilitators to
their own caseload (a facilitator sees the families assigned to them, not everyone in their
district; graduation.scopes), and who may change enrolments."""

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit
from entas.core.scoping import region_q, visible
from entas.enterprises.models import Membership
from entas.graduation.models import OPEN_STATUSES, Enrolment, Status
from entas.programmes.models import Facilitator

# Who may record and change enrolments; analysts and API clients only read.
CHANGES_ENROLMENTS = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER, Role.FACILITATOR}
# Enrolling whole regions is a supervisor's decision, not a facilitator's.
BULK_ENROLS = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}


def may_change(user: User | None) -> bool:
    return user is not None and user.role in CHANGES_ENROLMENTS


def may_enrol_in_bulk(user: User | None) -> bool:
    return user is not None and user.role in BULK_ENROLS


def near_family(user: User | None, enrolment: Enrolment, places: QuerySet[Any]) -> QuerySet[Any]:
    """The cooperatives or enterprises of `places` in the family's district and inside the user's
    scope: a family joins the cooperative, or works at an enterprise, of its own district."""
    return visible(user, places.filter(region_q(enrolment.village_id[:8], "village_id")))


def enrolments_for(user: User | None, queryset: QuerySet[Enrolment] | None = None) -> QuerySet[Enrolment]:
    """A facilitator's are her caseload (graduation.scopes)."""
    return visible(user, queryset if queryset is not None else Enrolment.objects.all())


def facilitator_progress(facilitators: QuerySet[Facilitator], year: int) -> QuerySet[Facilitator]:
    """Caseload, graduations this year and the yearly target, one grouped query."""
    return facilitators.annotate(
        open_cases=Count("enrolments", filter=Q(enrolments__status__in=OPEN_STATUSES)),
        graduated=Count("enrolments", filter=Q(enrolments__graduated_on__year=year) & Q(
            enrolments__status__in=(Status.GRADUATED, Status.SUSTAINED))),
    ).select_related("user")


def get_enrolment_or_404(user: User | None, pk: int | str, queryset: QuerySet[Enrolment] | None = None) -> Enrolment:
    """One enrolment the user may see; outside the scope (or another facilitator's family) a 404,
    logged, never a 403 that would confirm the family is enrolled."""
    base = queryset if queryset is not None else Enrolment.objects.all()
    found = enrolments_for(user, base).filter(pk=pk).first()
    if found is None:
        if base.filter(pk=pk).exists():
            audit.record(user, audit.Action.SCOPE_DENIED,
                         details={"model": Enrolment._meta.label_lower, "lookup": {"pk": str(pk)}})
        raise Http404
    return found


def cooperative_member_on(enrolment: Enrolment, day: date) -> bool:
    """Whether someone in the household is a cooperative member on `day`, read from the
    memberships kept by entas.enterprises, so an assessment need not ask."""
    return Membership.objects.filter(person__household_id=enrolment.household_id, joined__lte=day).exclude(
        left__lte=day).exists()
