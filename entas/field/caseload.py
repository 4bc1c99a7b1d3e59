"""What a phone receives on sync: the facilitator's own families (open ones and those that sustained
their graduation), with only what a visit needs, NIK and No. KK masked to their last four digits; the
rule sets that judge them (the same definition the server's evaluators read), the poverty lines they
read and the training sessions their families may attend. Nothing of other families."""

import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from entas.field.models import Conflict, Resolution
from entas.graduation import criteria, due
from entas.graduation.evaluate import active_rule_set
from entas.graduation.models import OPEN_STATUSES, Area, Assessment, PovertyLine, Status, TrainingSession
from entas.programmes.models import Facilitator
from entas.regions.codes import within
from entas.regions.urban import area_of
from entas.registry.models import Person, Relationship

FORMAT = "entas.field.caseload/1"
SESSION_DAYS = 60  # sessions of the last two months: attendance is recorded soon after
STATUSES = (*OPEN_STATUSES, Status.SUSTAINED)


def last_four(number: str) -> str:
    """Only the last four digits: enough to confirm the card at the door, nothing to reuse."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def _age(born: datetime.date | None, today: datetime.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _lines(keys: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Per "province/area" key, the line in force from each date on, oldest first: on one date the
    area's own line wins over the province's total (graduation.poverty's rule, applied here once)."""
    provinces = {k.split("/")[0] for k in keys}
    found: dict[str, list[dict[str, Any]]] = {}
    rows = list(PovertyLine.objects.filter(province_id__in=provinces).order_by("valid_from"))
    for key in keys:
        province, area = key.split("/")
        by_date: dict[datetime.date, PovertyLine] = {}
        for line in rows:
            if line.province_id != province or line.area not in (area, Area.TOTAL):
                continue
            if line.valid_from not in by_date or line.area == area:
                by_date[line.valid_from] = line
        found[key] = [{"from": d.isoformat(), "amount": by_date[d].amount} for d in sorted(by_date)]
    return found


def _assessments(ids: list[int]) -> dict[int, dict[str, Any]]:
    latest: dict[int, dict[str, Any]] = {}
    for row in (Assessment.objects.filter(enrolment_id__in=ids).order_by("enrolment_id", "-date", "-id")
                .values("enrolment_id", "date", *criteria.ASSESSMENT_FIELDS)):
        if row["enrolment_id"] not in latest:
            latest[row["enrolment_id"]] = {"date": row["date"].isoformat(),
                                           "values": {f: row[f] for f in criteria.ASSESSMENT_FIELDS}}
    return latest


def _family(e: Any, today: datetime.date, assessment: dict[str, Any] | None,
            relationships: dict[str, str]) -> dict[str, Any]:
    household = e.household
    people = list(household.members.all())
    head = next((p for p in people if p.relationship == Relationship.HEAD), people[0] if people else None)
    actions = due.due_actions(e, today) if e.status in OPEN_STATUSES else []
    follow_up = (due.next_follow_up(e.graduated_on, e.follow_up_done) if e.status == Status.GRADUATED else None)
    return {
        "enrolment": e.pk, "version": e.version, "status": e.status, "status_label": str(Status(e.status).label),
        "programme": e.programme_id, "enrolled_on": e.enrolled_on.isoformat(),
        "graduated_on": e.graduated_on.isoformat() if e.graduated_on else None,
        "kk": last_four(household.kk_number),
        "head": {"name": head.full_name, "nik": last_four(head.nik)} if head else None,
        "members": [{"name": p.full_name, "relationship": relationships.get(p.relationship or "", ""),
                     "sex": p.sex or "", "age": _age(p.birth_date, today)} for p in people],
        "village": {"code": e.village_id, "name": e.village.name}, "address": household.address or "",
        "line": f"{e.village_id[:2]}/{area_of(e.village)}", "last_visit": e.last_visit and e.last_visit.isoformat(),
        "assessment": assessment,
        "due": [{"kind": d.kind, "label": str(d.label), "on": d.on and d.on.isoformat(), "month": d.month}
                for d in actions if d.kind != "none"],
        "next_follow_up": {"month": follow_up[0], "on": follow_up[1].isoformat()} if follow_up else None,
    }


def _sessions(programmes: set[int], families: list[dict[str, Any]],
              today: datetime.date) -> list[dict[str, Any]]:
    """Recent sessions of the caseload's programmes held where one of its families lives."""
    since = today - datetime.timedelta(days=SESSION_DAYS)
    mine = {f["enrolment"] for f in families}
    villages = {f["village"]["code"] for f in families}
    found = []
    for s in (TrainingSession.objects.filter(programme_id__in=programmes, date__gte=since)
              .select_related("region").prefetch_related("attendees").order_by("-date", "-id")):
        if not any(within(v, s.region_id) for v in villages):
            continue
        found.append({"id": s.pk, "programme": s.programme_id, "kind": s.kind, "kind_label": s.get_kind_display(),
                      "topic": s.topic, "date": s.date.isoformat(),
                      "region": {"code": s.region_id, "name": s.region.name},
                      "attendees": sorted(a.pk for a in s.attendees.all() if a.pk in mine)})
    return found


def _decisions(facilitator: Facilitator, today: datetime.date) -> list[dict[str, Any]]:
    """The supervisor's decisions on her phones' conflicts of the last two months: the app shows each
    beside the change it concerns, so she learns what became of it."""
    since = timezone.now() - datetime.timedelta(days=SESSION_DAYS)
    return [{"command": str(c.command_id), "resolution": c.resolution, "label": str(c.get_resolution_display()),
             "note": c.note, "decided_at": timezone.localtime(c.resolved_at).isoformat(timespec="minutes")}
            for c in Conflict.objects.filter(command__device__facilitator=facilitator, resolved_at__gte=since)
            .exclude(resolution=Resolution.OPEN).order_by("-resolved_at") if c.resolved_at]


def caseload(facilitator: Facilitator) -> dict[str, Any]:
    today = timezone.localdate()
    enrolments = facilitator.enrolments.all()
    rows = list(due.caseload_rows(enrolments, STATUSES).select_related("village")
                .prefetch_related(Prefetch("household__members", queryset=Person.objects.order_by("pk")))
                .order_by("pk"))
    assessments = _assessments([e.pk for e in rows])
    relationships = {code: str(label) for code, label in Relationship.choices}  # translated once, not per person
    families = [_family(e, today, assessments.get(e.pk), relationships) for e in rows]
    families.sort(key=lambda f: (min((d["on"] or "0") for d in f["due"]) if f["due"] else "9", f["enrolment"]))
    programme_ids = {e.programme_id for e in rows}
    programmes: dict[str, Any] = {}
    for e in rows:
        if str(e.programme_id) not in programmes:
            rule_set = active_rule_set(e.programme_id)
            programmes[str(e.programme_id)] = {"name": e.programme.name,
                                               "rules": criteria.definition(rule_set) if rule_set else None}
    return {
        "format": FORMAT, "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "facilitator": {"name": str(facilitator), "region": {"code": facilitator.region_id,
                                                             "name": facilitator.region.name}},
        "programmes": programmes, "lines": _lines({f["line"] for f in families}), "families": families,
        "sessions": _sessions(programme_ids, families, today),
        "decisions": _decisions(facilitator, today),
    }
