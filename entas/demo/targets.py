"""Targets of the main indicators for last year and this year (national, per demo province and
regency) and the achievements of the output targets with an evidence file, through the monitoring
services. A regency's target is a share of the families it enrolled, so the dashboard's percentages
say something; a demo province holds one demo regency, and the nation's target is their sum."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr

from entas.graduation.models import Enrolment
from entas.monitoring import computations, services
from entas.monitoring.models import Indicator, Period, Target
from entas.programmes.models import Programme

# indicator: (share of enrolled families last year, this year)
SHARES = {"households_enrolled": (0.75, 1.0), "graduated": (0.2, 0.3), "sustained": (0.05, 0.12),
          "loans_disbursed_count": (0.2, 0.3)}
# Indicators that count the whole registry, not the programme's families: (target as a multiple of
# what the data counts in the regency this year, last year and this year).
GROWTH = {"cooperative_members_desil_1_2": (0.9, 1.1), "jobs_for_poor_people": (0.8, 1.2)}
# Output targets without data behind them: (indicator, last year's achievement, this year's).
ACHIEVED = {"rumah_produksi_bersama": (5, 7), "rumah_kemasan": (8, 9), "plut_redesigned": (41, 58),
            "priority_regencies": (97, 97)}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _enrolled_per_regency(programme: Programme) -> dict[str, int]:
    rows = (Enrolment.objects.filter(programme=programme).annotate(regency=Substr("village_id", 1, 5))
            .values("regency").annotate(n=Count("id")))
    return {row["regency"]: row["n"] for row in rows}


@transaction.atomic
def ensure_targets(programme: Programme, today: date) -> int:
    years = (today.year - 1, today.year)
    if Target.objects.filter(period__year=years[1], indicator__code="graduated").exists():
        return 0
    enrolled = _enrolled_per_regency(programme)
    made = 0
    for code, shares in SHARES.items():
        indicator = Indicator.objects.get(code=code)
        for year, share in zip(years, shares, strict=True):
            made += _set(indicator, year, {regency: max(1, round(n * share)) for regency, n in enrolled.items()})
    for code, factors in GROWTH.items():
        counted = _counted_per_regency(code, today.year, set(enrolled))
        for year, factor in zip(years, factors, strict=True):
            per_regency = {regency: max(1, round(n * factor)) for regency, n in counted.items()}
            made += _set(Indicator.objects.get(code=code), year, per_regency)
    for code, achieved in ACHIEVED.items():
        indicator = Indicator.objects.get(code=code)
        target = indicator.targets.order_by("-period__year").values_list("value", flat=True).first() or 0
        for year, value in zip(years, achieved, strict=True):
            _achievement(indicator, year, target, value)
            made += 1
    return made


def _set(indicator: Indicator, year: int, per_regency: dict[str, int]) -> int:
    """The regencies' targets, their provinces' (a demo province holds one demo regency) and the
    nation's (their sum)."""
    places = {**per_regency, **{r[:2]: v for r, v in per_regency.items()}, "": sum(per_regency.values())}
    for region, value in places.items():
        services.set_target(None, indicator=indicator, region_code=region, year=year, quarter=None, value=value,
                            note="Target demo")
    return len(places)


def _counted_per_regency(code: str, year: int, regencies: set[str]) -> dict[str, int]:
    """What the indicator's own computation counts this year, per regency of `regencies`."""
    computation = computations.REGISTRY[code]
    counted: dict[str, int] = {}
    for row in computation.grouped(Period.objects.get(year=year, quarter=None)):
        regency = row[computations.PLACE][:5]
        counted[regency] = counted.get(regency, 0) + int(row[computations.VALUE])
    return {regency: n for regency, n in counted.items() if regency in regencies}


def _achievement(indicator: Indicator, year: int, target: object, achieved: int) -> None:
    """The year's target, then what it achieved with its evidence: a one-page PDF standing for the
    signed report."""
    row = services.set_target(None, indicator=indicator, region_code="", year=year, quarter=None, value=target,
                              note="Target program")
    services.record_achievement(None, row, achieved=achieved, note="Laporan capaian (demo)",
                                evidence=ContentFile(PDF, name=f"bukti-{indicator.code}-{year}.pdf"))
