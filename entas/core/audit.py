"""The audit log's one writer, and the names of everything it records.

`record` writes an entry: reads of personal data, refusals, logins, exports. `record_change`
writes the entry of a change of domain state together with its domain event (core.events), in the
change's transaction: services call it, so the log and the apps that follow changes (rollups,
data sharing, the field app's sync) hear of the same changes in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models

from entas.core import events
from entas.core.context import current_origin
from entas.core.models import AuditEntry

if TYPE_CHECKING:
    from entas.accounts.models import User  # the actor; core imports no feature app at run time (core/actors.py)


class Action(StrEnum):
    """Every action the audit log records: `<subject>.<what happened>`."""

    AGENCY_CHANGED = "agency.changed"
    AGENCY_CREATED = "agency.created"
    AGENCY_FILE_UPLOADED = "agency_file.uploaded"
    AGREEMENT_CHANGED = "agreement.changed"
    AGREEMENT_CREATED = "agreement.created"
    API_TOKEN_ISSUED = "api_token.issued"
    API_TOKEN_REVOKED = "api_token.revoked"
    ASSESSMENT_RECORDED = "assessment.recorded"
    AUTH_FAILED = "auth.failed"
    AUTH_LOGIN = "auth.login"
    AUTH_LOGOUT = "auth.logout"
    COOPERATIVE_ACCESS_GRANTED = "cooperative.access_granted"
    COOPERATIVE_ACCESS_REVOKED = "cooperative.access_revoked"
    COOPERATIVE_MANAGER_APPOINTED = "cooperative.manager_appointed"
    COOPERATIVE_MEMBERSHIP_VIEWED = "cooperative.membership_viewed"
    COOPERATIVE_MEMBER_JOINED = "cooperative.member_joined"
    COOPERATIVE_MEMBER_LEFT = "cooperative.member_left"
    COOPERATIVE_MEMBER_LINKED = "cooperative.member_linked"
    COOPERATIVE_MEMBER_UNLINKED = "cooperative.member_unlinked"
    COOPERATIVE_REGISTERED = "cooperative.registered"
    COOPERATIVE_SHARES_PAID = "cooperative.shares_paid"
    COOPERATIVE_UNIT_ADDED = "cooperative.unit_added"
    COOPERATIVE_UNIT_STATUS_CHANGED = "cooperative.unit_status_changed"
    COOPERATIVE_VIEWED = "cooperative.viewed"
    DASHBOARD_EXPORTED = "dashboard.exported"
    DATA_SHARED = "data.shared"  # records returned to a partner's client (sharing.Disclosure names them)
    DATA_SHARING_REFUSED = "data_sharing.refused"
    DATA_SHARING_REVOKED = "data_sharing.revoked"
    DATA_SHARING_SET = "data_sharing.set"
    DISCLOSURE_LISTED = "disclosure.listed"  # who received a person's or an agreement's records, read on a page
    SHARING_CALLBACK_FAILED = "sharing.callback_failed"
    SHARING_CALLBACK_SENT = "sharing.callback_sent"
    SHARING_CLIENT_CHANGED = "sharing_client.changed"
    SHARING_CLIENT_KEYS_CHANGED = "sharing_client.keys_changed"
    SHARING_CLIENT_REGISTERED = "sharing_client.registered"
    SHARING_CLIENT_SECRET_ISSUED = "sharing_client.secret_issued"
    SHARING_SUBSCRIBED = "sharing.subscribed"
    SHARING_UNSUBSCRIBED = "sharing.unsubscribed"
    FIELD_CASELOAD_DOWNLOADED = "field.caseload_downloaded"  # the families a device received
    FIELD_COMMAND_REFUSED = "field.command_refused"
    FIELD_CONFLICT_OPENED = "field.conflict_opened"
    FIELD_CONFLICT_RESOLVED = "field.conflict_resolved"
    FIELD_DEVICE_REGISTERED = "field.device_registered"
    FIELD_DEVICE_REVOKED = "field.device_revoked"
    ENROLMENT_ACTIVATE = "enrolment.activate"
    ENROLMENT_BULK_CREATED = "enrolment.bulk_created"
    ENROLMENT_CONSENT_RECORDED = "enrolment.consent_recorded"
    ENROLMENT_CREATED = "enrolment.created"
    ENROLMENT_EVALUATED = "enrolment.evaluated"
    ENROLMENT_EXIT = "enrolment.exit"
    ENROLMENT_GRADUATE = "enrolment.graduate"
    ENROLMENT_LISTED = "enrolment.listed"
    ENROLMENT_MARK_READY = "enrolment.mark_ready"
    ENROLMENT_REASSIGNED = "enrolment.reassigned"
    ENROLMENT_RELAPSE = "enrolment.relapse"
    ENROLMENT_SUSTAIN = "enrolment.sustain"
    ENROLMENT_VIEWED = "enrolment.viewed"
    ENTERPRISE_CLOSED = "enterprise.closed"
    ENTERPRISE_LISTED = "enterprise.listed"
    ENTERPRISE_OWNER_LINKED = "enterprise.owner_linked"
    ENTERPRISE_OWNER_UNLINKED = "enterprise.owner_unlinked"
    ENTERPRISE_REGISTERED = "enterprise.registered"
    ENTERPRISE_VIEWED = "enterprise.viewed"
    FACILITATOR_CHANGED = "facilitator.changed"
    FACILITATOR_DEACTIVATED = "facilitator.deactivated"
    FACILITATOR_REGISTERED = "facilitator.registered"
    FOLLOW_UP_RECORDED = "follow_up.recorded"
    GROUP_FORMED = "group.formed"
    GROUP_MEMBER_ADDED = "group.member_added"
    GROUP_VIEWED = "group.viewed"
    HOUSEHOLD_LISTED = "household.listed"
    HOUSEHOLD_VIEWED = "household.viewed"
    IMPORT_DONE = "import.done"  # of any target: the batch names it
    IMPORT_FAILED = "import.failed"
    IMPORT_QUEUED = "import.queued"
    IMPORT_REJECTS_DOWNLOADED = "import.rejects_downloaded"
    INDICATOR_CREATED = "indicator.created"
    JOB_ENDED = "job.ended"
    JOB_HOLDER_LINKED = "job.holder_linked"
    JOB_HOLDER_UNLINKED = "job.holder_unlinked"
    JOB_LISTED = "job.listed"
    LOAN_LISTED = "loan.listed"
    MARKET_ACCESS_LISTED = "marketaccess.listed"
    JOB_RECORDED = "job.recorded"
    JOB_VIEWED = "job.viewed"
    KUMKM_SYNTHETIC_LINKS_LOADED = "kumkm.synthetic_links_loaded"
    LINK_ACCEPTED = "link.accepted"
    LINK_CANDIDATE_LISTED = "linkcandidate.listed"
    LINK_CANDIDATE_VIEWED = "link_candidate.viewed"
    LINK_JOB_DONE = "link_job.done"
    LINK_JOB_FAILED = "link_job.failed"
    LINK_JOB_STARTED = "link_job.started"
    IMPACT_EXPORTED = "impact.exported"
    IMPACT_FAILED = "impact.failed"
    IMPACT_FINISHED = "impact.finished"
    IMPACT_REQUESTED = "impact.requested"
    LINK_LISTED = "link.listed"
    LINK_REJECTED = "link.rejected"
    LINK_UNDONE = "link.undone"
    LOAN_APPLIED = "loan.applied"
    LOAN_STATUS_CHANGED = "loan.status_changed"
    LOGIN_LOCKED = "login.locked"
    LOGIN_UNLOCKED = "login.unlocked"
    MARKET_ACCESS_RECORDED = "market_access.recorded"
    MEMBERSHIP_LISTED = "membership.listed"
    MOVE_REQUEST_APPROVED = "move_request.approved"
    MOVE_REQUEST_REJECTED = "move_request.rejected"
    OVERRIDE_APPROVED = "override.approved"
    OVERRIDE_REJECTED = "override.rejected"
    OVERRIDE_REQUESTED = "override.requested"
    PARTNER_CHANGED = "partner.changed"
    PARTNER_CREATED = "partner.created"
    PERIOD_OPENED = "period.opened"
    PERSON_LISTED = "person.listed"
    PERSON_MOVED = "person.moved"
    PERSON_VIEWED = "person.viewed"
    POVERTY_LINE_SET = "poverty_line.set"
    PRIORITY_LIST_SAVED = "priority_list.saved"
    PROGRAMME_CHANGED = "programme.changed"
    PROGRAMME_CREATED = "programme.created"
    REGISTRY_EXPORTED = "registry.exported"
    ROLLUPS_REFRESHED = "rollups.refreshed"
    RULE_SET_ACTIVATED = "rule_set.activated"
    RULE_SET_CREATED = "rule_set.created"
    RULE_SET_DRAFTED = "rule_set.drafted"
    SCOPE_DENIED = "scope.denied"
    TARGET_ACHIEVEMENT_RECORDED = "target.achievement_recorded"
    TARGET_SET = "target.set"
    TRAINING_ATTENDANCE_RECORDED = "training.attendance_recorded"
    TRAINING_RECORDED = "training.recorded"
    USER_CHANGED = "user.changed"
    USER_CREATED = "user.created"
    USER_DEACTIVATED = "user.deactivated"
    USER_LISTED = "user.listed"
    USER_SCOPE_CHANGED = "user.scope_changed"
    VISIT_RECORDED = "visit.recorded"


Listener = Callable[[AuditEntry, "User | None"], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Have `listener` called with every entry written, in its transaction (from an app's
    AppConfig.ready: core imports none of them). It must be quick and look at the action first."""
    if listener not in _listeners:
        _listeners.append(listener)


def record(
    actor: User | None,
    action: Action,
    obj: models.Model | None = None,
    *,
    region_code: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. `actor` is a user or None for the system itself."""
    where = current_origin()
    if obj is not None and not region_code:
        region_code = str(getattr(obj, "audit_region_code", "") or "")
    entry = AuditEntry.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        region_code=region_code,
        channel=where.channel,
        address=where.address,
        details=details or {},
    )
    for listener in _listeners:
        listener(entry, actor)
    return entry


# Query parameter values longer than this are cut in the audit entry (a search text, not a payload).
FILTER_VALUE_LENGTH = 200


def record_change(
    actor: User | None,
    action: Action,
    obj: models.Model,
    *,
    region_code: str = "",
    details: dict[str, Any] | None = None,
    changed: type[models.Model] | None = None,
    ids: Iterable[int] | None = None,
    places: Iterable[str] = (),
) -> AuditEntry:
    """The audit entry of a change and its domain event, in the change's transaction. The event
    names the records that changed: `obj` itself, or `ids` of model `changed` when the change is
    about other rows (an assessment made on a visit, enrolments made in bulk). `places` adds the
    region codes the records were placed under before the change (a move, a reassignment)."""
    entry = record(actor, action, obj, region_code=region_code, details=details)
    model = changed or type(obj)
    events.emit(action, model, ids=[obj.pk] if ids is None else ids, places=[entry.region_code, *places],
                details=details)
    return entry


def record_list_read(
    actor: User | None,
    model_label: str,
    filter: Mapping[str, Any],
    ids: Sequence[Any],
    *,
    people: Iterable[int] = (),
    households: Iterable[int] = (),
) -> AuditEntry:
    """Append one `<model>.listed` entry for one answer of a list (a page of the API, a list page).

    `details` has this shape, so that "who received this person's data" is one query on `people`
    (or on `households` for what was shown of a family):

        {"model": "registry.household",       # app_label.model of the rows
         "filter": {"region": "33.10", ...},  # the query parameters as given (a repeated one: a list)
         "count": 25,                         # rows returned in this answer
         "ids": [...],                        # their primary keys, in the order returned
         "people": [...],                     # registry person ids the answer named, and the current
                                              #   members of the households it named (the caller
                                              #   adds them: registry.api.members_of), sorted
         "households": [...]}                 # registry household ids the answer named, sorted

    The region is the reader's own scope, so the officers of that region see the entry."""
    region = (actor.region_id if actor is not None else None) or ""
    details = {
        "model": model_label,
        "filter": _filter(filter),
        "count": len(ids),
        "ids": list(ids),
        "people": sorted(set(people)),
        "households": sorted(set(households)),
    }
    return record(actor, Action(f"{model_label.rsplit('.', 1)[-1]}.listed"), region_code=region, details=details)


def _filter(params: Mapping[str, Any]) -> dict[str, Any]:
    getlist = getattr(params, "getlist", None)
    found: dict[str, Any] = {}
    for key in params:
        values = [str(v)[:FILTER_VALUE_LENGTH] for v in (getlist(key) if getlist else [params[key]])]
        found[str(key)[:FILTER_VALUE_LENGTH]] = values[0] if len(values) == 1 else values
    return found

