"""Graduation and relapse rates by cohort, regency or facilitator: one grouped query each."""

from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr

from entas.graduation.models import Enrolment, Status

GRADUATED = Q(status__in=(Status.GRADUATED, Status.SUSTAINED))
KEYS: dict[str, Any] = {"cohort": F("cohort"), "regency": Substr("village_id", 1, 5),
                        "facilitator": F("facilitator_id")}


def rates(enrolments: QuerySet[Enrolment], by: str) -> list[dict[str, Any]]:
    """Per group: enrolled, graduated (graduated or sustained now), sustained, relapse_count, exited,
    and the graduation and relapse rates (relapses per family that ever graduated)."""
    rows = (enrolments.order_by().annotate(key=KEYS[by]).values("key")
            .annotate(enrolled=Count("id"), graduated=Count("id", filter=GRADUATED),
                      sustained=Count("id", filter=Q(status=Status.SUSTAINED)), relapse_count=Sum("relapses"),
                      relapsed_families=Count("id", filter=Q(relapses__gt=0)),
                      exited=Count("id", filter=Q(status=Status.EXITED)))
            .order_by("key"))
    result = []
    for found in rows:
        row: dict[str, Any] = dict(found)
        ever = row["graduated"] + row["relapsed_families"]
        row["graduation_rate"] = row["graduated"] / row["enrolled"] if row["enrolled"] else 0.0
        row["relapse_rate"] = row["relapsed_families"] / ever if ever else 0.0
        result.append(row)
    return result
