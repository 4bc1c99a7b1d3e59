"""The supervisor's decision on a conflict: apply the phone's change now, through the same service
(which may still say no, in its own words: the conflict then stays open), or keep the server's version.
Regional officers (inside their region) and national administrators decide."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, scoping
from entas.field.devices import SUPERVISES
from entas.field.models import Command, Conflict, Outcome, Resolution
from entas.field.sync import apply, version_after
from entas.graduation.models import Enrolment

DECISIONS = ("apply", "discard")


def may_resolve(actor: User | None, conflict: Conflict) -> bool:
    return actor is None or (actor.role in SUPERVISES
                             and scoping.visible(actor, Conflict.objects.filter(pk=conflict.pk)).exists())


@transaction.atomic
def resolve_conflict(actor: User | None, conflict: Conflict, *, decision: str, note: str = "") -> Conflict:
    conflict = Conflict.objects.select_for_update().select_related("command__device__facilitator__user").get(
        pk=conflict.pk)
    if not may_resolve(actor, conflict):
        raise PermissionDenied
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose to apply the phone's change or to keep the server's version.")})
    if conflict.resolution != Resolution.OPEN:
        raise ValidationError({"decision": _("This conflict was already decided (%(decision)s).") % {
            "decision": conflict.get_resolution_display()}})
    if decision == "discard" and not note.strip():
        raise ValidationError({"note": _("Say why the phone's change is not applied: the facilitator reads it.")})
    command: Command = conflict.command
    if decision == "apply":
        enrolment = Enrolment.objects.select_for_update().get(pk=conflict.enrolment_id)
        # The facilitator made the change; the supervisor's decision is its own audit entry below.
        apply(command.device.facilitator.user, enrolment, command.kind, command.data.get("data") or {},
              command.device.facilitator_id)
        command.outcome, command.version_after = Outcome.APPLIED, version_after(command.kind, enrolment)
        command.message = _("Applied by your supervisor.")
        conflict.resolution = Resolution.APPLIED
    else:
        command.outcome = Outcome.REFUSED
        command.message = _("Not applied by your supervisor: %(note)s") % {"note": note.strip()}
        conflict.resolution = Resolution.DISCARDED
    command.save(update_fields=["outcome", "version_after", "message"])
    conflict.resolved_at, conflict.resolved_by, conflict.note = timezone.now(), actor, note.strip()[:300]
    conflict.save(update_fields=["resolution", "resolved_at", "resolved_by", "note"])
    audit.record(actor, audit.Action.FIELD_CONFLICT_RESOLVED, conflict, details={
        "conflict": conflict.pk, "command": str(command.pk), "decision": decision, "note": conflict.note})
    return conflict
