"""Graduation rule sets as versions: drafted (and changed while a draft), previewed against the
families now active, activated (which retires the version before it), kept. Poverty lines are set
through `poverty.set_poverty_line`, evaluations kept through `evaluate.record_evaluation`; both are
importable from here, the one module of rule services.

Activation locks the programme row exclusively; `record_evaluation` holds it in share mode while it
reads the active version, so an evaluation reads one version from start to end and records it, and
an activation waits for running evaluations (and they for it) instead of interleaving.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core import audit
from entas.graduation import criteria as C
from entas.graduation.evaluate import active_rule_set as _active
from entas.graduation.evaluate import counts, lock_programme
from entas.graduation.evaluate import record_evaluation as record_evaluation
from entas.graduation.models import Criterion, Enrolment, RuleSet, RuleSetStatus, Status
from entas.graduation.poverty import set_poverty_line as set_poverty_line
from entas.programmes.models import Programme

# The families a preview counts: on the pathway and not yet graduated.
PREVIEWED = (Status.ACTIVE, Status.READY)


def may_change_rules(user: User | None) -> bool:
    return user is None or user.role == Role.NATIONAL_ADMIN


def _check_actor(actor: User | None) -> None:
    if not may_change_rules(actor):
        raise PermissionDenied(_("Only a national administrator changes graduation rule sets."))


def active_rule_set(programme: Programme) -> RuleSet:
    """The programme's active version, or a ValidationError naming `rule_set`."""
    found = _active(programme)
    if found is None:
        raise ValidationError({"rule_set": _("%(programme)s has no active graduation rule set.") % {
            "programme": programme}})
    return found


def _criteria_of(rule_set: RuleSet) -> list[dict[str, Any]]:
    return C.definition(rule_set)["criteria"]


def _write(rule_set: RuleSet, specs: list[C.Spec]) -> None:
    rule_set.criteria.all().delete()
    Criterion.objects.bulk_create([Criterion(rule_set=rule_set, position=i, **spec.__dict__)
                                   for i, spec in enumerate(specs)])


@transaction.atomic
def draft_rule_set(actor: User | None, programme: Programme, criteria: list[dict[str, Any]] | None = None, *,
                   note: str = "") -> RuleSet:
    """A new draft version: of `criteria` (dicts of the declarative form), or, when None, a copy
    of the active version to change. One draft at a time per programme."""
    _check_actor(actor)
    lock_programme(programme.pk, shared=False)
    draft = RuleSet.objects.filter(programme=programme, status=RuleSetStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError({"criteria": _("Version %(version)s is already a draft: change it or activate it "
                                             "first.") % {"version": draft.version}})
    if criteria is None:
        current = _active(programme)
        if current is None:
            raise ValidationError({"criteria": _("There is no active version to copy; give the criteria.")})
        criteria = _criteria_of(current)
    specs = C.check_all(criteria)
    last = RuleSet.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0
    rule_set = RuleSet.objects.create(programme=programme, version=last + 1, status=RuleSetStatus.DRAFT,
                                      note=note[:300], created_by=actor)
    _write(rule_set, specs)
    audit.record_change(actor, audit.Action.RULE_SET_DRAFTED, rule_set, details={
        "programme": programme.pk, "version": rule_set.version, "criteria": _criteria_of(rule_set)})
    return rule_set


@transaction.atomic
def change_draft(actor: User | None, rule_set: RuleSet, criteria: list[dict[str, Any]], *,
                 note: str | None = None) -> RuleSet:
    """Replace a draft's criteria (an active or retired version never changes)."""
    _check_actor(actor)
    current = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if current.status != RuleSetStatus.DRAFT:
        raise ValidationError({"status": _("Version %(version)s is %(status)s: only a draft can be changed; draft a "
                                           "new version.") % {"version": current.version,
                                                              "status": current.get_status_display().lower()}})
    specs = C.check_all(criteria)
    _write(current, specs)
    if note is not None:
        current.note = note[:300]
        current.save(update_fields=["note"])
    audit.record_change(actor, audit.Action.RULE_SET_DRAFTED, current, details={
        "programme": current.programme_id, "version": current.version, "changed": True,
        "criteria": _criteria_of(current)})
    return current


@transaction.atomic
def activate_rule_set(actor: User | None, rule_set: RuleSet) -> RuleSet:
    """Make a draft the programme's active version and retire the one before it. Refused for a
    version that is not a draft or has no essential criterion."""
    _check_actor(actor)
    # The programme row first, exclusively: waits for evaluations reading the active version.
    lock_programme(rule_set.programme_id, shared=False)
    current = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if current.status != RuleSetStatus.DRAFT:
        raise ValidationError({"status": _("Version %(version)s is %(status)s, not a draft: it cannot be "
                                           "activated.") % {"version": current.version,
                                                            "status": current.get_status_display().lower()}})
    if not current.criteria.filter(essential=True).exists():
        raise ValidationError({"criteria": _("A rule set needs at least one essential criterion (one that must be "
                                             "met to graduate); mark one as essential before activating.")})
    now = timezone.now()
    before = _active(current.programme_id)
    if before is not None:
        before.status, before.retired_at = RuleSetStatus.RETIRED, now
        before.save(update_fields=["status", "retired_at"])
    current.status, current.activated_at, current.activated_by = RuleSetStatus.ACTIVE, now, actor
    current.save(update_fields=["status", "activated_at", "activated_by"])
    audit.record_change(actor, audit.Action.RULE_SET_ACTIVATED, current, details={
        "programme": current.programme_id, "version": current.version,
        "retired": before.version if before is not None else None})
    rule_set.refresh_from_db()
    return current


def create_rule_set(actor: User | None, programme: Programme, criteria: list[dict[str, Any]], *,
                    note: str = "") -> RuleSet:
    """Draft and activate in one step (scripts, the demo, tests): the new version replaces the
    active one, which is kept, retired."""
    with transaction.atomic():
        return activate_rule_set(actor, draft_rule_set(actor, programme, criteria, note=note))


def preview(rule_set: RuleSet, enrolments: QuerySet[Enrolment] | None = None) -> dict[str, Any]:
    """How many of the programme's active or ready families (or of `enrolments`) meet the rule set
    on their latest assessment now: in total, all essential criteria, and each criterion (met where
    it applies). One query for the counts."""
    if enrolments is None:
        enrolments = Enrolment.objects.filter(programme_id=rule_set.programme_id)
    definition = C.definition(rule_set)
    found = counts(definition, enrolments.filter(status__in=PREVIEWED))
    found["criteria"] = [{**item, "text": C.describe(item), **found["criteria"][item["code"]]}
                         for item in definition["criteria"]]
    return found
