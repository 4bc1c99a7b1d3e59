"""Read helpers for the agreement and partner pages: filtered lists and counts per year and partner type."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from entas.partnerships.models import (
    EXPIRING_WITHIN_DAYS,
    Agreement,
    AgreementQuerySet,
    AgreementStatus,
    DataSharing,
    Partner,
    PartnerKind,
)


def agreements(status: str = "") -> AgreementQuerySet:
    queryset = Agreement.objects.with_status().prefetch_related("parties")
    if status in AgreementStatus.values:
        # Unpacked because the type checker cannot see fields added by an annotation.
        queryset = queryset.filter(**{"status": status})
    return queryset


def expiring_soon() -> AgreementQuerySet:
    return agreements(AgreementStatus.EXPIRING).order_by("valid_until", "number")


def counts_per_year_and_kind() -> tuple[list[str], list[tuple[int, list[int], int]]]:
    """Partner-type labels and one row per signing year: (year, counts per type, agreements that year).

    An agreement with two partners of different types counts once under each type, so the
    per-type counts may add up to more than the year's total."""
    per_type = (
        Agreement.objects.annotate(year=ExtractYear("signed"))
        .values("year", "parties__kind").annotate(n=Count("pk", distinct=True))
    )
    grid: dict[int, dict[str, int]] = defaultdict(dict)
    for row in per_type:
        grid[row["year"]][row["parties__kind"]] = row["n"]
    totals = dict(
        Agreement.objects.annotate(year=ExtractYear("signed")).values("year").annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    rows = [(year, [grid[year].get(kind, 0) for kind in PartnerKind.values], totals.get(year, 0))
            for year in sorted(grid, reverse=True)]
    return [str(label) for label in PartnerKind.labels], rows


def partners(search: str = "", kind: str = "", today: datetime.date | None = None) -> QuerySet[Partner]:
    """Partners whose name holds `search`, each with its agreements counted by status (as
    Agreement.with_status derives it from today's date)."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    found = Partner.objects.all()
    if search.strip():
        found = found.filter(name__icontains=search.strip())
    if kind in PartnerKind.values:
        found = found.filter(kind=kind)
    return found.annotate(
        n_agreements=Count("agreements", distinct=True),
        n_active=Count("agreements", filter=Q(agreements__valid_until__gt=soon), distinct=True),
        n_expiring=Count("agreements", filter=Q(agreements__valid_until__gte=today,
                                                agreements__valid_until__lte=soon), distinct=True),
        n_expired=Count("agreements", filter=Q(agreements__valid_until__lt=today), distinct=True),
    ).order_by("name")


class SharingStatus:
    """Where the data-sharing terms of a PKS stand today (derived, like an agreement's status)."""

    IN_FORCE = "in_force"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    REVOKED = "revoked"


def sharing_status(terms: DataSharing, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if terms.revoked_at is not None:
        return SharingStatus.REVOKED
    if today < terms.valid_from:
        return SharingStatus.NOT_YET
    if today > terms.valid_until:
        return SharingStatus.EXPIRED
    return SharingStatus.IN_FORCE


def sharing_of(agreement: Agreement) -> DataSharing | None:
    return DataSharing.objects.select_related("region").filter(agreement=agreement).first()
