"""Training and mentoring sessions and who attended them: checked, in a transaction, audited.

A session is held somewhere (a village, a district, a regency) for one programme; the families
attending are open enrolments of that programme living inside that place."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers
from entas.core.dates import happened
from entas.core.refusals import choices
from entas.graduation.models import OPEN_STATUSES, Enrolment, SessionKind, TrainingSession
from entas.programmes.checks import fail
from entas.programmes.models import Programme
from entas.regions.codes import within
from entas.regions.models import Region


def _attendance_problem(session: TrainingSession, attendees: list[Enrolment]) -> str | None:
    """Why these families cannot be recorded as attending, naming them by No. KK; None when they can."""
    groups: list[tuple[str, list[Enrolment]]] = [
        (_("The families with No. KK %(kk)s belong to another programme."),
         [e for e in attendees if e.programme_id != session.programme_id]),
        (_("The families with No. KK %(kk)s are no longer enrolled (exited or sustained)."),
         [e for e in attendees if e.status not in OPEN_STATUSES]),
        (_("The families with No. KK %(kk)s live outside %(region)s, where the session was held."),
         [e for e in attendees if not within(e.village_id, session.region_id)]),
    ]
    if session.pk:
        present = set(session.attendees.values_list("pk", flat=True))
        groups.append((_("The families with No. KK %(kk)s are already recorded as attending."),
                       [e for e in attendees if e.pk in present]))
    for reason, found in groups:
        if found:
            names = ", ".join(sorted({e.household.kk_number for e in found}))
            return reason % {"kk": names, "region": session.region_id}
    if len({e.pk for e in attendees}) != len(attendees):
        return _("A family is listed twice.")
    return None


@transaction.atomic
def record_training(actor: User | None, programme: Programme | int, *, kind: str, topic: str, on: date,
                    region_code: str, attendees: list[Enrolment] | None = None) -> TrainingSession:
    """A training or mentoring session of a programme, with the families who came (more can be
    added later with `record_attendance`)."""
    programme = programme if isinstance(programme, Programme) else Programme.objects.get(pk=programme)
    if kind not in SessionKind.values:
        raise fail("kind", _("'%(kind)s' is not a kind of session; choose one of: %(choices)s.") % {
            "kind": kind, "choices": choices(SessionKind)})
    if not topic.strip():
        raise fail("topic", _("Say what the session was about."))
    happened("date", on)
    if not programme.start <= on <= programme.end:
        raise fail("date", _("%(on)s is outside the programme's period, %(start)s to %(end)s.") % {
            "on": numbers.day(on), "start": numbers.day(programme.start), "end": numbers.day(programme.end)})
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise fail("region", _("'%(code)s' is not a region code.") % {"code": region_code})
    session = TrainingSession(programme=programme, kind=kind, topic=topic.strip(), date=on, region=region)
    if problem := _attendance_problem(session, attendees or []):
        raise fail("attendees", problem)
    session.save()
    session.attendees.set(attendees or [])
    audit.record_change(actor, audit.Action.TRAINING_RECORDED, session, region_code=region_code,
                 details={"programme": programme.pk, "kind": kind, "attendees": len(attendees or [])})
    return session


@transaction.atomic
def record_attendance(actor: User | None, session: TrainingSession, attendees: list[Enrolment]) -> TrainingSession:
    """Add families to those who attended a session; refused as a whole when any one cannot be added."""
    if not attendees:
        raise fail("attendees", _("Choose at least one family."))
    if problem := _attendance_problem(session, attendees):
        raise fail("attendees", problem)
    session.attendees.add(*attendees)
    audit.record_change(actor, audit.Action.TRAINING_ATTENDANCE_RECORDED, session, region_code=session.region_id,
                 details={"enrolments": sorted(e.pk for e in attendees)})
    return session
