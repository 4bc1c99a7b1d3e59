"""Training and mentoring sessions in each enrolled district every four months, with the families
of the district who were enrolled by then and are still on the pathway, through the services."""

import random
from datetime import date

from entas.demo import calendar
from entas.graduation import services as graduation
from entas.graduation.models import OPEN_STATUSES, Enrolment, SessionKind
from entas.programmes.models import Programme

TOPICS = [(SessionKind.TRAINING, "Pencatatan keuangan usaha mikro"),
          (SessionKind.MENTORING, "Rencana usaha keluarga"),
          (SessionKind.TRAINING, "Pengemasan dan pemasaran produk"),
          (SessionKind.TRAINING, "Literasi keuangan dan KUR"),
          (SessionKind.MENTORING, "Menabung dan mengelola utang"),
          (SessionKind.TRAINING, "Budidaya ternak kambing")]


def hold_sessions(programme: Programme, districts: dict[str, date], today: date) -> int:
    held = 0
    for district, since in sorted(districts.items()):
        rng = random.Random(district)
        families = list(Enrolment.objects.filter(programme=programme, village__pk__startswith=district + ".",
                                                 status__in=OPEN_STATUSES).order_by("id"))
        day = calendar.months_after(since, 1)
        while day <= today:
            came = [e for e in families if e.enrolled_on <= day and rng.random() < 0.6][:30]
            kind, topic = TOPICS[held % len(TOPICS)]
            if came:
                graduation.record_training(None, programme, kind=kind, topic=topic, on=day, region_code=district,
                                           attendees=came)
                held += 1
            day = calendar.months_after(day, 4)
    return held
