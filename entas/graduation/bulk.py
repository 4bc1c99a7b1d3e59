"""Bulk enrolment: every eligible household in the chosen regions staged in a temporary table by
one SELECT, facilitators assigned on the staged rows by area and remaining room with window
functions, one UPDATE per region level (village, district, regency, province: the most local
facilitator first), then one INSERT … SELECT of the enrolments, already assigned. No statement
runs per household, so 100,000 families take the same handful of queries as ten. The households
not enrolled are counted by reason (in the audit entry), not stored one row each: the refused set
is usually far larger than the enrolled one and goes stale with each DTSEN update;
`eligibility.why_not_eligible()` gives the reason for one household when asked.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DateField, Exists, F, Max, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit
from entas.core.dates import happened
from entas.core.refusals import listed
from entas.graduation.eligibility import eligible, receiving_any, within_any
from entas.graduation.enrolment import cohort_of
from entas.graduation.models import OPEN_STATUSES, CaseloadAssignment, Enrolment, Status
from entas.programmes.checks import fail
from entas.programmes.models import Facilitator, Programme
from entas.regions.models import Region
from entas.registry.models import Household

CODE_LENGTHS = (13, 8, 5, 2)  # village, district, regency, province
INSERT_COLUMNS = ("programme_id", "household_id", "village_id", "status", "enrolled_on", "cohort", "relapses",
                  "exit_reason")


@dataclass
class BulkResult:
    enrolled: int = 0
    assigned: int = 0
    unassigned: int = 0
    not_enrolled: dict[str, int] = field(default_factory=dict)


def _check_regions(codes: list[str]) -> None:
    if not codes:
        raise fail("regions", _("Choose at least one region."))
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    if unknown := [c for c in codes if c not in known]:
        raise fail("regions", _("Unknown region code(s): %(codes)s.") % {"codes": listed(unknown)})


def _decile_limit(programme: Programme, decile_max: int | None) -> int:
    if decile_max is None:
        return programme.decile_max
    if not 1 <= decile_max <= programme.decile_max:
        raise fail("decile_max", _("Decile %(decile)s is not possible: choose a decile from 1 to the programme's "
                                  "%(max)s.") % {"decile": decile_max, "max": programme.decile_max})
    return decile_max


STAGE = "graduation_bulk_rows"

# Fills the staged rows' facilitator for one region level (codes of length {n}).
ASSIGN_SQL = """
UPDATE {stage} SET c_facilitator = m.facilitator_id
FROM (
  SELECT h.c_household AS household_id, f.id AS facilitator_id
  FROM (
    SELECT b.c_household, SUBSTR(b.c_village, 1, {n}) AS area,
           ROW_NUMBER() OVER (PARTITION BY SUBSTR(b.c_village, 1, {n}) ORDER BY b.c_household) AS rn
    FROM {stage} b
    WHERE b.c_facilitator IS NULL
  ) h
  JOIN (
    SELECT r.id, r.region_id AS area,
           SUM(r.room) OVER (PARTITION BY r.region_id ORDER BY r.id) - r.room AS lo,
           SUM(r.room) OVER (PARTITION BY r.region_id ORDER BY r.id) AS hi
    FROM (
      SELECT f.id, f.region_id, f.capacity - COALESCE(c.n, 0) AS room
      FROM {facilitators} f
      LEFT JOIN (SELECT facilitator_id, COUNT(*) AS n FROM {enrolments}
                 WHERE facilitator_id IS NOT NULL AND status IN ({open}) GROUP BY facilitator_id) c
             ON c.facilitator_id = f.id
      WHERE f.active AND LENGTH(f.region_id) = {n}
    ) r
    WHERE r.room > 0
  ) f ON f.area = h.area AND h.rn > f.lo AND h.rn <= f.hi
) m
WHERE {stage}.c_household = m.household_id
"""

HISTORY_SQL = """
INSERT INTO {assignments} (enrolment_id, from_facilitator_id, to_facilitator_id, reason, at)
SELECT id, NULL, facilitator_id, 'automatic assignment', %s FROM {enrolments}
WHERE programme_id = %s AND id > %s AND facilitator_id IS NOT NULL
"""


def _stage(programme: Programme, households: Any, day: date) -> None:
    rows = households.order_by().annotate(
        c_programme=Value(programme.pk), c_household=F("id"), c_village=F("village_id"),
        c_status=Value(Status.ENROLLED.value), c_day=Value(day, output_field=DateField()),
        c_cohort=Value(cohort_of(day)), c_relapses=Value(0), c_exit=Value(""),
    ).values_list("c_programme", "c_household", "c_village", "c_status", "c_day", "c_cohort", "c_relapses", "c_exit")
    sql, params = rows.query.sql_with_params()
    # Staged in a temporary table: an INSERT whose SELECT also reads the table being filled (the
    # "not yet enrolled" test) can make PostgreSQL rescan the growing table for every row.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} AS {sql}", params)
        cursor.execute(f"ALTER TABLE {STAGE} ADD COLUMN c_facilitator BIGINT")


def _assign_staged() -> None:
    """Facilitators chosen on the staged rows (no index to maintain), so each enrolment is written
    once, already assigned: updating freshly inserted enrolments costs more than inserting them
    (docs/architecture.md, Departures).

    Inside each area the new families are numbered 1, 2, 3 … by household id, and the area's
    facilitators get consecutive ranges of those numbers as wide as their free places (a running
    sum of room): family number r goes to the facilitator whose range holds r. What is left over
    when the room runs out stays enrolled without a facilitator and is counted."""
    open_list = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    with connection.cursor() as cursor:
        for n in CODE_LENGTHS:
            cursor.execute(ASSIGN_SQL.format(n=n, open=open_list, stage=STAGE, facilitators=Facilitator._meta.db_table,
                                             enrolments=Enrolment._meta.db_table))


def _insert_staged(programme: Programme, after_id: int) -> tuple[int, int]:
    """(enrolled, assigned): the staged rows inserted, their assignment history written."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Enrolment._meta.db_table} ({', '.join(INSERT_COLUMNS)}, facilitator_id) "
                       f"SELECT * FROM {STAGE}")
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute(HISTORY_SQL.format(assignments=CaseloadAssignment._meta.db_table,
                                          enrolments=Enrolment._meta.db_table), [now, programme.pk, after_id])
        return inserted, cursor.rowcount


@transaction.atomic
def enrol_in_bulk(actor: User | None, programme: Programme, *, region_codes: list[str], on: date | None = None,
                  decile_max: int | None = None) -> BulkResult:
    """Enrol every eligible household of the regions not yet enrolled; say why the others were not.
    `decile_max` narrows the programme's rule for this run (poorest first); it never widens it."""
    day = on or timezone.localdate()
    happened("on", day)
    _check_regions(region_codes)
    top = _decile_limit(programme, decile_max)
    in_regions = within_any(Household.objects.all(), region_codes)
    already = Enrolment.objects.filter(programme=programme, household=OuterRef("pk"), status__in=OPEN_STATUSES)
    # Each reason counts the households that passed the rules before it and fail this one.
    in_decile = Q(decile__gte=programme.decile_min, decile__lte=top)
    poorest = in_decile & Q(extreme_poor=True) if programme.extreme_poor_only else in_decile
    receiving = poorest & Q(receiving_any(programme)) if programme.assistance else poorest
    counts = in_regions.aggregate(total=Count("id"), n_decile=Count("id", filter=in_decile),
                                  n_poorest=Count("id", filter=poorest), n_receiving=Count("id", filter=receiving))
    candidates = eligible(programme, in_regions.filter(decile__lte=top))
    n_eligible = candidates.count()
    after_id = Enrolment.objects.aggregate(last=Max("id"))["last"] or 0
    _stage(programme, candidates.exclude(Exists(already)), day)
    _assign_staged()
    enrolled, assigned = _insert_staged(programme, after_id)
    result = BulkResult(enrolled=enrolled, assigned=assigned, unassigned=enrolled - assigned)
    result.not_enrolled = {
        "decile_outside_rule": counts["total"] - counts["n_decile"],
        "not_extreme_poor": counts["n_decile"] - counts["n_poorest"],
        "no_assistance": counts["n_poorest"] - counts["n_receiving"],
        "outside_priority_locations": counts["n_receiving"] - n_eligible,
        "already_enrolled": n_eligible - result.enrolled,
    }
    # Too many to name one by one: the event names the places the new enrolments are counted under
    # (their villages and their facilitators' regions).
    made = Enrolment.objects.filter(programme=programme, pk__gt=after_id).order_by()
    places = {*made.values_list("village_id", flat=True).distinct(),
              *made.filter(facilitator__isnull=False).values_list("facilitator__region_id", flat=True).distinct()}
    audit.record_change(actor, audit.Action.ENROLMENT_BULK_CREATED, programme, changed=Enrolment, ids=[],
                        places=places, details={
                            "programme": programme.pk, "regions": region_codes, "decile_max": top,
                            "enrolled": result.enrolled,
                            "assigned": result.assigned, "not_enrolled": result.not_enrolled, "after_id": after_id})
    return result
