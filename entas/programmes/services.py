"""Every change to programmes, priority lists and facilitators goes through these functions: checked
(a ValidationError naming the field), in a transaction, audited. Enrolling families and what is
done for them are `entas.graduation.services`'."""

from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from entas.accounts import services as accounts
from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core import audit, numbers
from entas.programmes import priority
from entas.programmes.checks import fail, rupiah
from entas.programmes.models import Facilitator, PriorityList, PriorityLocation, Programme
from entas.regions.codes import within
from entas.regions.models import Region
from entas.registry.models import Programme as Assistance

# What change_programme may change, with how a value is written in the audit entry.
PROGRAMME_FIELDS = ("name", "lead_agency", "partner_agencies", "start", "end", "budget", "decile_min", "decile_max",
                    "extreme_poor_only", "assistance", "priority_locations_only", "priority_list", "yearly_target")


def may_manage_programmes(user: User | None) -> bool:
    """A programme's target group decides who may be enrolled everywhere: a national decision
    (None is the system: the demo, a command)."""
    return user is None or user.role == Role.NATIONAL_ADMIN


def _check_programme(programme: Programme | None, values: dict[str, Any]) -> dict[str, Any]:
    """The programme's fields after the change, checked together; a ValidationError naming the
    first field that is wrong."""
    name = str(values["name"]).strip()
    if not name:
        raise fail("name", _("A programme needs a name."))
    others = Programme.objects.exclude(pk=programme.pk) if programme else Programme.objects.all()
    if others.filter(name=name).exists():
        raise fail("name", _("A programme named '%(name)s' already exists.") % {"name": name})
    if values["end"] < values["start"]:
        raise fail("end", _("%(end)s is before the start %(start)s") % {
            "end": numbers.day(values["end"]), "start": numbers.day(values["start"])})
    values["budget"] = rupiah("budget", values["budget"])
    for field in ("decile_min", "decile_max"):
        value = values[field]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise fail(field, _("%(value)s is not a decile: give a desil from 1 to 10") % {"value": value})
    if values["decile_min"] > values["decile_max"]:
        raise fail("decile_min", _("The desil range is reversed: the lowest desil %(low)s is above the highest "
                                   "%(high)s") % {"low": values["decile_min"], "high": values["decile_max"]})
    unknown = [code for code in values["assistance"] if code not in Assistance.values]
    if unknown:
        raise fail("assistance", _("Unknown assistance programme(s): %(codes)s") % {"codes": ", ".join(
            map(str, unknown))})
    values["assistance"] = sorted(set(values["assistance"]))
    chosen = values["priority_list"]
    if chosen is not None and (programme is None or chosen.programme_id != programme.pk):
        raise fail("priority_list", _("The priority list '%(list)s' belongs to another programme; choose one of "
                                      "this programme's lists") % {"list": chosen.name})
    target = values["yearly_target"]
    if isinstance(target, bool) or not isinstance(target, int) or target < 1:
        raise fail("yearly_target", _("%(value)s: give a yearly target of at least 1 graduation") % {"value": target})
    values["name"] = name
    return values


@transaction.atomic
def create_programme(
    actor: User | None, *, name: str, lead_agency: Agency, start: date, end: date, budget: int = 0,
    partner_agencies: list[Agency] | None = None, decile_min: int = 1, decile_max: int = 2,
    extreme_poor_only: bool = False, assistance: list[str] | None = None, priority_locations_only: bool = True,
    yearly_target: int = 10,
) -> Programme:
    """A new programme. Its priority list is chosen afterwards (change_programme): the lists are
    saved for a programme that exists."""
    if not may_manage_programmes(actor):
        raise fail("programme", _("Only a national administrator creates programmes."))
    values = _check_programme(None, {
        "name": name, "lead_agency": lead_agency, "start": start, "end": end, "budget": budget,
        "decile_min": decile_min, "decile_max": decile_max, "extreme_poor_only": extreme_poor_only,
        "assistance": list(assistance or []), "priority_locations_only": priority_locations_only,
        "priority_list": None, "yearly_target": yearly_target})
    programme = Programme.objects.create(**values)
    programme.partner_agencies.set(partner_agencies or [])
    audit.record_change(actor, audit.Action.PROGRAMME_CREATED, programme, details={"name": programme.name})
    return programme


def _shown(value: Any) -> Any:
    """A field's value as the audit entry keeps it (JSON)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(_shown(v) for v in value)
    return value


@transaction.atomic
def change_programme(actor: User | None, programme: Programme, **fields: Any) -> Programme:
    """Change any of PROGRAMME_FIELDS; the audit entry names each changed field with its value
    before and after. The priority list must be one of the programme's own."""
    if not may_manage_programmes(actor):
        raise fail("programme", _("Only a national administrator changes programmes."))
    unknown = sorted(set(fields) - set(PROGRAMME_FIELDS))
    if unknown:
        raise fail(unknown[0], _("This field cannot be changed here."))
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    before: dict[str, Any] = {f: getattr(programme, f) for f in PROGRAMME_FIELDS if f != "partner_agencies"}
    before["partner_agencies"] = list(programme.partner_agencies.all())
    after = _check_programme(programme, {**before, **fields})
    changed = {f: [_shown(before[f]), _shown(after[f])] for f in PROGRAMME_FIELDS
               if _shown(before[f]) != _shown(after[f])}
    if not changed:
        return programme
    for field, value in after.items():
        if field != "partner_agencies":
            setattr(programme, field, value)
    programme.save()
    if "partner_agencies" in changed:
        programme.partner_agencies.set(after["partner_agencies"])
    audit.record_change(actor, audit.Action.PROGRAMME_CHANGED, programme, details={"changed": changed})
    return programme


@transaction.atomic
def save_priority_list(actor: User | None, programme: Programme, *, name: str, weights: dict[str, Any],
                       quotas: dict[str, int] | None = None, limit: int | None = None, level: str = "regency",
                       within: str | None = None) -> PriorityList:
    """Rank all regencies or districts (inside `within`), keep the chosen ones with their measures
    and a one-line explanation. The programme's latest list decides who may be enrolled."""
    if not name.strip():
        raise fail("name", _("Give the list a name."))
    clean = priority.check_weights(weights)
    within = priority.check_within(within, level)
    chosen = priority.choose(priority.rank(clean, level, within), quotas or {}, limit, level, within)
    saved = PriorityList.objects.create(programme=programme, name=name.strip(), weights=clean, quotas=quotas or {},
                                        level=level, within=within or "")
    rows = []
    for position, row in enumerate(chosen, start=1):
        row.rank = position
        rows.append(PriorityLocation(priority_list=saved, region_id=row.code, rank=position, score=row.score,
                                     measures=row.measures, explanation=priority.explain(row)))
    PriorityLocation.objects.bulk_create(rows)
    audit.record_change(actor, audit.Action.PRIORITY_LIST_SAVED, saved, details={
        "programme": programme.pk, "level": level, "within": within or "", "weights": clean, "quotas": quotas or {},
        "chosen": len(rows)})
    return saved


# Who makes users facilitators and changes them: national administrators everywhere, regional
# officers inside their region (None is the system: the demo, a command).
MANAGES_FACILITATORS = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}


def may_manage_facilitators(user: User | None) -> bool:
    return user is None or user.role in MANAGES_FACILITATORS


def check_may_manage_in(actor: User | None, region_code: str, field: str = "region") -> None:
    """The actor may make or change a facilitator working in `region_code`."""
    if not may_manage_facilitators(actor):
        raise fail(field, _("Only national administrators and regional officers manage facilitators."))
    if actor is not None and actor.role == Role.REGIONAL_OFFICER and not within(region_code, actor.region_id):
        raise fail(field, _("%(code)s is outside your region %(scope)s") % {"code": region_code,
                                                                            "scope": actor.region_id or "—"})


def area_or_error(region_code: str, field: str = "region") -> Region:
    region = Region.objects.filter(code=region_code.strip()).first()
    if region is None:
        raise fail(field, _("'%(code)s' is not a region code") % {"code": region_code})
    return region


def account_region(area: str) -> str:
    """A user's scope is a province, regency or district: a facilitator of one village gets its
    district (what she sees is narrowed to her caseload anyway, core.scoping)."""
    return area[:8]


def check_numbers(capacity: Any, yearly_target: Any) -> None:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise fail("capacity", _("%(value)s: a facilitator needs room for at least one family") % {"value": capacity})
    if isinstance(yearly_target, bool) or not isinstance(yearly_target, int) or yearly_target < 0:
        raise fail("yearly_target", _("%(value)s: give a yearly target of 0 or more graduations") % {
            "value": yearly_target})


@transaction.atomic
def register_facilitator(actor: User | None, *, user: User | None = None, username: str = "", first_name: str = "",
                         last_name: str = "", email: str = "", agency: Agency, region_code: str, capacity: int = 30,
                         yearly_target: int = 10) -> Facilitator:
    """Make `user` a facilitator, or create the account `username` (role facilitator, scope the
    area's district or above, an unusable password: she chooses hers on the link of
    programmes.welcome) and make it one."""
    region = area_or_error(region_code)
    check_may_manage_in(actor, region.code)
    check_numbers(capacity, yearly_target)
    if user is None:
        if not username.strip():
            raise fail("username", _("Choose an existing user or give the new account's username."))
        user = accounts.create_user(actor, username=username.strip(), password=None, role=Role.FACILITATOR,
                                    agency=agency, region_code=account_region(region.code), first_name=first_name,
                                    last_name=last_name, email=email)
    elif actor is not None and actor.role == Role.REGIONAL_OFFICER and not (
            user.region_id and within(user.region_id, actor.region_id)):
        raise fail("user", _("%(user)s works outside your region") % {"user": user.get_username()})
    if Facilitator.objects.filter(user=user).exists():
        raise fail("user", _("%(user)s is already a facilitator") % {"user": user.get_username()})
    facilitator = Facilitator.objects.create(user=user, agency=agency, region=region, capacity=capacity,
                                             yearly_target=yearly_target)
    audit.record_change(actor, audit.Action.FACILITATOR_REGISTERED, facilitator, details={
        "user": user.get_username(), "region": region.code, "capacity": capacity, "yearly_target": yearly_target})
    return facilitator


@transaction.atomic
def change_facilitator(actor: User | None, facilitator: Facilitator, *, capacity: int | None = None,
                       yearly_target: int | None = None, region_code: str | None = None,
                       caseload: int | None = None) -> Facilitator:
    """Change capacity, yearly target or area. `caseload` is her open families, counted by the
    caller that knows enrolments (graduation.handover.change_capacity, which the pages use): the
    capacity may not go below it."""
    facilitator = Facilitator.objects.select_for_update().get(pk=facilitator.pk)
    check_may_manage_in(actor, facilitator.region_id, "facilitator")
    after: dict[str, Any] = {"capacity": facilitator.capacity if capacity is None else capacity,
             "yearly_target": facilitator.yearly_target if yearly_target is None else yearly_target,
             "region": facilitator.region_id if region_code is None else area_or_error(region_code).code}
    check_numbers(after["capacity"], after["yearly_target"])
    if after["region"] != facilitator.region_id:
        check_may_manage_in(actor, after["region"])
    if caseload is not None and after["capacity"] < caseload:
        raise fail("capacity", _("%(capacity)s is below her current caseload of %(caseload)s families: hand some "
                                 "families to another facilitator first") % {
            "capacity": after["capacity"], "caseload": caseload})
    before: dict[str, Any] = {"capacity": facilitator.capacity, "yearly_target": facilitator.yearly_target,
              "region": facilitator.region_id}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        return facilitator
    facilitator.capacity, facilitator.yearly_target = after["capacity"], after["yearly_target"]
    facilitator.region_id = after["region"]
    facilitator.save(update_fields=["capacity", "yearly_target", "region"])
    audit.record_change(actor, audit.Action.FACILITATOR_CHANGED, facilitator, details={"changed": changed},
                        places=[before["region"]])
    return facilitator
