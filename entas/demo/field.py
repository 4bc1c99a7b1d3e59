"""The field app in the demo: the facilitator `pendamping` has a registered phone that has synced a
few visits, and one visit it recorded offline waits as a conflict for `petugas-klaten`: the phone
had the family as it was before its latest step on the server. Made through the services, as a
phone's sync would make it."""

import datetime
import uuid
from datetime import date

from django.utils import timezone

from entas.accounts.demo import DEMO_PASSWORD
from entas.field import services as field
from entas.field.models import Device
from entas.graduation.models import Enrolment, Status, StatusChange

LABEL = "HP Siti (demo)"


def _visit(family: Enrolment, on: date, version: int, income: int) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "kind": "visit", "enrolment": family.pk, "version": version,
            "recorded_at": f"{on.isoformat()}T10:00:00+07:00",
            "data": {"date": on.isoformat(), "notes": "Kunjungan dicatat di aplikasi lapangan (luring).",
                     "assessment": {"per_capita_income": income, "income_sources": 2, "food_shortage": False}}}


def ensure_field_work(today: date) -> Device | None:
    """The demo phone and its synced work, once; None when the demo facilitator or her families are missing."""
    if Device.objects.filter(label=LABEL).exists():
        return None
    families = list(Enrolment.objects.filter(facilitator__user__username="pendamping",
                                             status__in=(Status.ACTIVE, Status.READY)).order_by("id")[:40])
    moved = next((f for f in families if f.version > 1 and StatusChange.objects.filter(enrolment=f).exists()), None)
    calm = [f for f in families if f is not moved][:3]
    if moved is None or not calm:
        return None
    device, _token = field.register_device(None, username="pendamping", password=DEMO_PASSWORD, label=LABEL)
    last_step = StatusChange.objects.filter(enrolment=moved).order_by("-on", "-id").first()
    assert last_step is not None
    # The phone last downloaded its caseload the day before the family's latest step.
    downloaded = datetime.datetime.combine(last_step.on - datetime.timedelta(days=1), datetime.time(8))
    Device.objects.filter(pk=device.pk).update(caseload_at=timezone.make_aware(downloaded))
    device.refresh_from_db()
    visits = [_visit(f, today - datetime.timedelta(days=n + 1), f.version, 480_000 + 25_000 * n)
              for n, f in enumerate(calm)]
    stale = _visit(moved, today, moved.version - 1, 610_000)
    field.receive(device, [*visits, stale])
    return device
