"""Graduation and relapse rates by cohort, regency or facilitator: one grouped query each, over the
enrolments or, for a programme's page seen at regency level or above, over the programme tally."""

from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr

from entas.accounts.models import User
from entas.core.scoping import is_confined, region_q, user_scope
from entas.graduation.models import Enrolment, ProgrammeTally, Status
from entas.graduation.queries import enrolments_for
from entas.graduation.tally import REGENCY
from entas.programmes.models import Programme

GRADUATED = Q(status__in=(Status.GRADUATED, Status.SUSTAINED))
KEYS: dict[str, Any] = {"cohort": F("cohort"), "regency": Substr("village_id", 1, REGENCY),
                        "facilitator": F("facilitator_id")}


def _with_rates(grouped: Any) -> list[dict[str, Any]]:
    result = []
    for found in grouped:
        row: dict[str, Any] = dict(found)
        ever = row["graduated"] + row["relapsed_families"]
        row["graduation_rate"] = row["graduated"] / row["enrolled"] if row["enrolled"] else 0.0
        row["relapse_rate"] = row["relapsed_families"] / ever if ever else 0.0
        result.append(row)
    return result


def rates(enrolments: QuerySet[Enrolment], by: str) -> list[dict[str, Any]]:
    """Per group: enrolled, graduated (graduated or sustained now), sustained, relapse_count, exited,
    and the graduation and relapse rates (relapses per family that ever graduated)."""
    return _with_rates(
        enrolments.order_by().annotate(key=KEYS[by]).values("key")
        .annotate(enrolled=Count("id"), graduated=Count("id", filter=GRADUATED),
                  sustained=Count("id", filter=Q(status=Status.SUSTAINED)), relapse_count=Sum("relapses"),
                  relapsed_families=Count("id", filter=Q(relapses__gt=0)),
                  exited=Count("id", filter=Q(status=Status.EXITED)))
        .order_by("key"))


def _total(filter: Q | None = None, field: str = "enrolments") -> Coalesce:
    return Coalesce(Sum(field, filter=filter), 0)


def programme_rates(user: User | None, programme: Programme, by: str) -> list[dict[str, Any]]:
    """`rates` of the programme's enrolments the user may see, by cohort or regency. Read from the
    tally when the user's scope is whole regencies (or the country); a district's, a caseload's or
    a cooperative's few enrolments are grouped directly."""
    scope = user_scope(user)
    if is_confined(user) or (scope is not None and len(scope) > REGENCY):
        return rates(enrolments_for(user).filter(programme=programme), by)
    rows = ProgrammeTally.objects.filter(programme=programme)
    if scope is not None:
        rows = rows.filter(region_q(scope, "regency"))
    return _with_rates(
        rows.order_by().annotate(key=F(by)).values("key")
        .annotate(enrolled=_total(), graduated=_total(GRADUATED), sustained=_total(Q(status=Status.SUSTAINED)),
                  relapse_count=_total(field="relapses"), relapsed_families=_total(field="relapsed"),
                  exited=_total(Q(status=Status.EXITED)))
        .order_by("key"))
