"""The demo programme with its families, in one transaction: loaded whole or not at all, so a second
`entas demo` can tell by the programme alone that it is there."""

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import transaction

from entas.demo import enrol, lines, work
from entas.demo.families import Family, live
from entas.demo.programme import PROGRAMME, ensure_facilitators, ensure_programme
from entas.demo.support import Support
from entas.demo.trainings import hold_sessions
from entas.graduation.models import Enrolment
from entas.programmes.models import Programme
from entas.regions.urban import area_of


@dataclass
class Loaded:
    enrolments: int = 0
    sessions: int = 0
    consents: int = 0
    overrides: int = 0


def loaded() -> bool:
    return Programme.objects.filter(name=PROGRAMME, enrolments__isnull=False).exists()


@transaction.atomic
def load_programme(today: date, share: float = 1.0) -> Loaded:
    programme = ensure_programme(today)
    ensure_facilitators()
    districts = enrol.enrol_waves(programme, today, share)
    cooperative = work.demo_cooperative(programme)
    enrolments = list(Enrolment.objects.filter(programme=programme).select_related("household", "village", "programme")
                      .order_by("id"))
    support = Support(enrolments, today, keep_out=cooperative.village_id if cooperative else "")
    rows = lines.table(today)
    for enrolment in enrolments:
        province, area = enrolment.village_id[:2], area_of(enrolment.village)
        live(Family.drawn(enrolment, partial(lines.line_on, rows, province, area)), today, support)
    result = Loaded(enrolments=len(enrolments), sessions=hold_sessions(programme, districts, today))
    if cooperative is not None:
        work.grant_cooperative_access(cooperative)
        result.consents = work.record_consents(programme, cooperative, today)
    result.overrides = work.request_overrides(programme)
    return result
