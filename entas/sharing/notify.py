"""Subscribed events told to partners (DCI `notify`): a household's desil changed, a family was
enrolled, graduated or relapsed.

The domain events (core.events) of a transaction arrive here after it commits; this handler only
writes one `Notification` per subscription and event and hands the sending to the worker, which
builds the records with the agreement's fields, signs the envelope, POSTs it to the subscription's
address and records the disclosure. A subscription sees its agreement's region only.
"""

import uuid
from collections.abc import Iterable, Sequence
from functools import partial

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django_tasks import task

from entas.core.audit import Action
from entas.core.context import origin
from entas.core.models import Event
from entas.graduation.models import Enrolment
from entas.registry.models import DecileRecord
from entas.sharing import exchanges, protocol, records, search, services
from entas.sharing.models import Notification, Subscription

MAX_RECORDS = 1000  # per notification; an import that changes more is told in several
ENROLMENT_EVENTS = {Action.ENROLMENT_CREATED.value: "ENROLLED", Action.ENROLMENT_GRADUATE.value: "GRADUATED",
                    Action.ENROLMENT_RELAPSE.value: "RELAPSED"}


def on_events(events: Sequence[Event]) -> None:
    wanted = [e for e in events if e.kind in ENROLMENT_EVENTS or _is_decile_import(e)]
    if not wanted or not Subscription.objects.filter(ended_at__isnull=True).exists():
        return
    made = []
    for event in wanted:
        kind = ENROLMENT_EVENTS.get(event.kind, "DECILE_CHANGED")
        for subscription in Subscription.objects.filter(ended_at__isnull=True).select_related("client"):
            if kind in subscription.events and _overlaps(subscription.region_code, event.places):
                note, created = Notification.objects.get_or_create(subscription=subscription, event_id=event.pk,
                                                                   defaults={"payload": {"kind": kind}})
                if created:
                    made.append(note.pk)
    for pk in made:
        transaction.on_commit(partial(send_notification.enqueue, pk))


def _is_decile_import(event: Event) -> bool:
    return event.kind == Action.IMPORT_DONE.value and "registry.DecileRecord" in event.details.get("writes", [])


def _overlaps(region: str, places: Iterable[str]) -> bool:
    return not region or any(p == region or p.startswith(region + ".") or region.startswith(p + ".")
                             for p in places)


def households_of(event: Event, region: str) -> list[int]:
    if event.kind in ENROLMENT_EVENTS:
        return list(Enrolment.objects.filter(pk__in=event.ids).values_list("household_id", flat=True))
    # An import: the households of its villages whose record from this batch differs from the one before.
    villages = [p for p in event.places if p.count(".") == 3 and _overlaps(region, [p])]
    previous = DecileRecord.objects.filter(household_id=OuterRef("household_id"),
                                           date__lt=OuterRef("date")).order_by("-date").values("decile")[:1]
    changed = (DecileRecord.objects.filter(batch_id__in=event.ids, household__village__code__in=villages)
               .annotate(before=Subquery(previous)).exclude(before=None).exclude(decile=F("before")))
    return list(changed.values_list("household_id", flat=True)[:MAX_RECORDS])


@task()
def send_notification(notification_pk: int) -> None:
    with origin("task", f"dci notify {notification_pk}"):
        send(notification_pk)


def send(notification_pk: int) -> bool:
    note = Notification.objects.select_related("subscription__client__data_sharing__agreement",
                                               "subscription__client__user").get(pk=notification_pk)
    if note.sent_at is not None:
        return True
    subscription, client = note.subscription, note.subscription.client
    terms = client.data_sharing
    event = Event.objects.get(pk=note.event_id)
    ids = households_of(event, subscription.region_code or terms.region_code)
    allowed = frozenset(terms.fields)
    found = list(search.base(search.GROUP, terms.region_code).filter(pk__in=ids).order_by("id"))
    members = records.members_by_household(found) if "household" in allowed else {}
    rows = [records.group_record(h, members.get(h.pk, []), allowed) for h in found]
    transaction_id = str(uuid.uuid4())
    message = {"transaction_id": transaction_id, "notify_event": [{
        "reference_id": f"event-{event.pk}", "timestamp": protocol.now_iso(), "locale": "ind",
        "data": {"version": protocol.VERSION, "reg_type": "ns:org:RegistryType:Social",
                 "reg_event_type": note.payload.get("kind", ""), "reg_record_type": "Group", "reg_records": rows}}]}
    body = services.answered("notify", client, [{"status": "succ"}], message)
    ok, error = exchanges.post(subscription.notify_uri, body)
    Notification.objects.filter(pk=note.pk).update(attempts=note.attempts + 1, last_error=error[:500],
                                                   sent_at=timezone.now() if ok else None)
    if ok and rows:
        answer = services.Answer(households=[(h.pk, subscription.purpose) for h in found], people=[
            (p.pk, h.pk, subscription.purpose) for h in found for p in members.get(h.pk, [])])
        with transaction.atomic():
            services.record_disclosure(client, answer, transaction_id=transaction_id, message_id=f"notify-{note.pk}")
    return ok
