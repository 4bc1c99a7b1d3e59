"""Moves of a person between regions, asked for by an import and decided by someone who sees both.

An officer's import may not change a person who lives outside her region (registry.importer):
such a row becomes a MoveRequest. Only a user whose scope covers the person's current village and
the destination household's village may approve it; approving moves the person exactly as a
people import does (the current membership becomes a past period, the new one starts today).
"""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import IMPORTS_DATA
from entas.core import audit
from entas.core.scoping import region_q, user_scope, visible
from entas.regions.codes import within
from entas.registry.models import Household, HouseholdMembership, MoveRequest, MoveStatus


def may_decide_moves(user: User | None) -> bool:
    return user is not None and user.role in IMPORTS_DATA


def inside(user: User | None, village: str) -> bool:
    return bool(village) and within(village, user_scope(user))


def requests_for(user: User | None) -> QuerySet[MoveRequest]:
    """Requests into the user's region (her own among them); whether she may decide one is
    `decidable`, which also needs the person's current village inside her scope."""
    return visible(user, MoveRequest.objects.select_related("person", "requested_by", "batch"))


def decidable(user: User | None, queryset: QuerySet[MoveRequest]) -> QuerySet[MoveRequest]:
    if not may_decide_moves(user):
        return queryset.none()
    return queryset.filter(region_q(user_scope(user), "from_village"), status=MoveStatus.PENDING)


def _decision(actor: User | None, move: MoveRequest) -> MoveRequest:
    """The request locked for the decision, refused unless it is pending and the actor sees both ends."""
    locked = MoveRequest.objects.select_for_update(of=("self",)).select_related("person__household").get(pk=move.pk)
    if locked.status != MoveStatus.PENDING:
        raise ValidationError({"status": _("This move request was already decided (%(status)s).")
                               % {"status": locked.get_status_display()}})
    current = locked.person.household.village_id if locked.person.household_id and locked.person.household else ""
    if not may_decide_moves(actor) or not inside(actor, current) or not inside(actor, locked.to_village):
        raise ValidationError({"status": _("Only an officer whose region covers both the current and the new "
                                           "village may decide this move.")})
    return locked


@transaction.atomic
def approve_move(actor: User | None, move: MoveRequest, *, note: str = "") -> MoveRequest:
    locked = _decision(actor, move)
    destination = Household.objects.filter(kk_number=locked.to_kk_number).first()
    if destination is None:
        raise ValidationError({"to_kk_number": _("No household with No. KK %(kk)s is in the registry yet: import "
                                                 "the household first, then approve.") % {"kk": locked.to_kk_number}})
    if not inside(actor, destination.village_id):
        raise ValidationError({"to_kk_number": _("The new household lies outside your region.")})
    person = locked.person
    today = timezone.localdate()
    origin = person.household_id
    if origin is not None:
        HouseholdMembership.objects.create(person=person, household_id=origin, relationship=person.relationship,
                                           start_date=person.member_since, end_date=today)
    person.household, person.relationship, person.member_since = destination, locked.relationship, today
    person.save(update_fields=["household", "relationship", "member_since"])
    _close(actor, locked, MoveStatus.APPROVED, note)
    audit.record_change(actor, audit.Action.PERSON_MOVED, person, places=[locked.from_village], details={
        "from_household": origin, "to_household": destination.pk, "move_request": locked.pk})
    return locked


@transaction.atomic
def reject_move(actor: User | None, move: MoveRequest, *, note: str) -> MoveRequest:
    locked = _decision(actor, move)
    if not note.strip():
        raise ValidationError({"note": _("Say why the move is rejected: the officer who asked will read it.")})
    _close(actor, locked, MoveStatus.REJECTED, note)
    return locked


def _close(actor: User | None, move: MoveRequest, status: str, note: str) -> None:
    move.status, move.note = status, note.strip()
    move.decided_by = actor
    move.decided_at = timezone.now()
    move.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit.record_change(actor, audit.Action(f"move_request.{status}"), move,
                        details={"person": move.person_id, "note": move.note})


def pending_count(user: User | None) -> int:
    return decidable(user, requests_for(user)).count() if may_decide_moves(user) else 0

