"""Graduated families at risk of falling back into poverty in the demo (graduation.warnings), so the
early-warning list of petugas-klaten (Klaten) and the "my families" section of `pendamping` each
show every reason. Added once the rest of the demo is in, through the services:

- a loan in default: a new loan of a graduated family that goes approved, disbursed, defaulted;
- a missed follow-up: a family enrolled eleven months ago and graduated eight months ago, whose
  6-month follow-up (due two months ago) nobody recorded;
- income fell and is below the line: a family graduated seven months ago well above the line,
  found at its 6-month follow-up (made once the latest BPS line applies) with an income just above
  the line its assessment was read against, but below the newer one;
- a poorer desil: a DTSEN update two weeks ago (`SOURCE`) that puts one graduated family of each
  facilitator a desil lower than the record on or before its graduation.

The new families are households never enrolled in the programme (Klaten: a district the programme
did not take; Prambanan, where every eligible household is enrolled: households whose enrolment
ended with an exit, other than a death, more than eleven months ago, enrolled again; failing those,
desil-3 households whose latest decile record is corrected to desil 2, in place).

The desil update is written as the registry's decile history (DecileRecord and the household's
current desil), not through the registry import: an import also writes the welfare history
(registry.history), whose dates the impact analysis reads as the registry's extract dates, and a
two-household "extract" would enter its panel. Safe to run again: a demo that has the update is left
alone."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from entas.demo import calendar
from entas.demo.programme import PENDAMPING_AREA, PROGRAMME
from entas.graduation import interventions
from entas.graduation import services as graduation
from entas.graduation.models import OPEN_STATUSES, Enrolment, ExitReason, LoanStatus, Scheme, Status
from entas.graduation.poverty import line_for
from entas.programmes.models import Facilitator, Programme
from entas.registry.models import DecileRecord, Household

SOURCE = "DTSEN pemutakhiran (demo)"
KLATEN = "33.10"


@dataclass
class Planted:
    families: int = 0
    loans: int = 0
    deciles: int = 0
    notes: list[str] = field(default_factory=list)


def _measures(income: int) -> dict[str, object]:
    """An assessment that meets every essential criterion of the demo's rule set at this income."""
    return {"per_capita_income": income, "income_sources": 2, "business_months": 8, "savings": 150_000,
            "cooperative_member": False, "school_age_children": 0, "children_in_school": 0, "food_shortage": False}


def _line(e: Enrolment, day: date) -> int:
    found = line_for(e.village, day).line
    return found.amount if found is not None else 600_000


def _up(amount: float) -> int:
    return int(-(-amount // 1000) * 1000)


def _graduated(programme: Programme, household: Household, facilitator: Facilitator, enrolled: date,
               graduated: date, income: int | None = None) -> Enrolment:
    e = graduation.enrol_household(None, programme, household, facilitator=facilitator, on=enrolled)
    graduation.activate(None, e, on=enrolled)
    start = _line(e, enrolled)
    interventions.record_visit(None, e, on=calendar.days_after(enrolled, 20), notes="Kunjungan pertama.",
                               assessment=_measures(_up(start * 0.8)) | {"income_sources": 1, "food_shortage": True})
    ready = calendar.days_after(graduated, -30)
    interventions.record_visit(None, e, on=ready, notes="Kunjungan rumah rutin.",
                               assessment=_measures(income or _up(_line(e, ready) * 1.2)))
    graduation.mark_ready(None, e, on=ready)
    graduation.graduate(None, e, on=graduated)
    e.refresh_from_db()
    return e


def _latest_line_start(today: date) -> date:
    return date(today.year, 9, 1) if today.month >= 9 else date(today.year, 3, 1) if today.month >= 3 else \
        date(today.year - 1, 9, 1)


def _income_fell(programme: Programme, household: Household, facilitator: Facilitator, today: date) -> Enrolment:
    """Graduated seven months ago at 1.35 x the line; at the 6-month follow-up just above the line its
    assessment was read against (an earlier one), below the line of the follow-up's day."""
    graduated = calendar.months_after(today, -7)
    e = _graduated(programme, household, facilitator, calendar.months_after(today, -10), graduated)
    newest = _latest_line_start(today)
    assessed = max(calendar.days_after(newest, -10), calendar.days_after(graduated, 7))
    interventions.record_visit(None, e, on=assessed, notes="Usaha sepi; pendapatan menurun.",
                               assessment=_measures(_up(_line(e, assessed) * 1.005)))
    due = calendar.months_after(graduated, 6)
    graduation.record_follow_up(None, e, month=6, on=min(today, max(due, newest)))
    return e


def _missed(programme: Programme, household: Household, facilitator: Facilitator, today: date) -> Enrolment:
    return _graduated(programme, household, facilitator, calendar.months_after(today, -11),
                      calendar.months_after(today, -8))


def _defaulted_loan(e: Enrolment, today: date) -> None:
    taken = max(calendar.days_after(today, -160), e.enrolled_on)
    loan = interventions.record_loan(None, e, scheme=Scheme.MEKAAR, lender="PT Permodalan Nasional Madani (PNM)",
                                     amount=4_000_000, on=taken)
    for status, after in ((LoanStatus.APPROVED, 14), (LoanStatus.DISBURSED, 21), (LoanStatus.DEFAULTED, 130)):
        interventions.set_loan_status(None, loan, status, on=min(today, calendar.days_after(taken, after)))


def _free_households(programme: Programme, area: str, today: date, count: int) -> list[Household]:
    """`count` eligible households of `area` with no open enrolment in the programme: never enrolled
    (desil 2 first, a family that may later be seen a desil lower), else enrolled once and exited
    (not by a death) more than eleven months ago, else lifted into the target (`_lifted`)."""
    eligible = Household.objects.filter(village__pk__startswith=area + ".", decile__lte=programme.decile_max)
    found = list(eligible.exclude(enrolments__programme=programme).order_by("-decile", "kk_number")[:count])
    if len(found) < count:
        exited = (Enrolment.objects.filter(programme=programme, village__pk__startswith=area + ".",
                                           status=Status.EXITED, exited_on__lt=calendar.months_after(today, -11))
                  .exclude(exit_reason=ExitReason.DIED)
                  .exclude(household__enrolments__status__in=OPEN_STATUSES, household__enrolments__programme=programme)
                  .filter(household__decile__lte=programme.decile_max).order_by("exited_on", "id"))
        seen = {h.pk for h in found}
        for e in exited:
            if e.household_id not in seen and len(found) < count:
                found.append(e.household)
                seen.add(e.household_id)
    if len(found) < count:
        found += _lifted(programme, area, count - len(found))
    return found


def _lifted(programme: Programme, area: str, count: int) -> list[Household]:
    """Households of `area` one desil above the programme's target, never enrolled, read as inside
    it in their latest decile record (corrected in place: no new record, no new extract date)."""
    above = list(Household.objects.filter(village__pk__startswith=area + ".", decile=programme.decile_max + 1)
                 .exclude(enrolments__programme=programme).order_by("kk_number")[:count])
    for h in above:
        latest = DecileRecord.objects.filter(household=h).order_by("-date", "-id").first()
        if latest is not None:
            DecileRecord.objects.filter(pk=latest.pk).update(decile=programme.decile_max)
        Household.objects.filter(pk=h.pk).update(decile=programme.decile_max)
        h.refresh_from_db()
    return above


def _room(facilitator: Facilitator) -> int:
    return facilitator.capacity - facilitator.enrolments.filter(status__in=OPEN_STATUSES).count()


def _plant(programme: Programme, facilitator: Facilitator, area: str, today: date, planted: Planted) -> list[Enrolment]:
    """Two new graduated families (missed follow-up; income fell below the line) and a defaulted loan
    for one of the facilitator's graduated families; the families to move a desil down."""
    made: list[Enrolment] = []
    households = _free_households(programme, area, today, 2) if _room(facilitator) >= 2 else []
    if len(households) == 2:
        made = [_missed(programme, households[0], facilitator, today),
                _income_fell(programme, households[1], facilitator, today)]
        planted.families += 2
    else:
        planted.notes.append(f"{facilitator}: no room or no free household in {area}: no new families")
    graduated = list(Enrolment.objects.filter(programme=programme, facilitator=facilitator, status=Status.GRADUATED)
                     .exclude(pk__in=[e.pk for e in made]).order_by("id"))
    if graduated and not any(e.loans.filter(status=LoanStatus.DEFAULTED).exists() for e in graduated):
        _defaulted_loan(graduated[0], today)
        planted.loans += 1
    return made[:1] + graduated[1:2]


def _team_member(programme: Programme) -> Facilitator | None:
    """The first Klaten team facilitator (not `pendamping`) with room for two more families."""
    for facilitator in Facilitator.objects.filter(region__pk=KLATEN).order_by("id"):
        if _room(facilitator) >= 2:
            return facilitator
    return None


def _free_area(programme: Programme) -> str:
    """A Klaten district with eligible households the programme has not enrolled."""
    enrolled = {code[:8] for code in Enrolment.objects.filter(programme=programme).values_list("village_id", flat=True)}
    codes = (Household.objects.filter(village__pk__startswith=KLATEN + ".", decile__lte=programme.decile_max)
             .exclude(enrolments__programme=programme).order_by("village_id").values_list("village_id", flat=True))
    return next((code[:8] for code in codes if code[:8] not in enrolled), next((c[:8] for c in codes), KLATEN))


def _lower_deciles(families: list[tuple[Enrolment, int]], today: date, planted: Planted) -> None:
    """A DTSEN update two weeks ago with each family one desil below its record on or before
    graduation (`baseline`, above 1): a history row, and the household's current desil."""
    extract = calendar.days_after(today, -14)
    for e, baseline in families:
        DecileRecord.objects.create(household_id=e.household_id, decile=baseline - 1, source=SOURCE, date=extract)
        Household.objects.filter(pk=e.household_id).update(decile=baseline - 1, decile_source=SOURCE,
                                                            decile_date=extract)
        planted.deciles += 1


@transaction.atomic
def ensure_at_risk_families(today: date) -> Planted | None:
    """Plant the early-warning cases once (None when the demo already has them or no programme)."""
    programme = Programme.objects.filter(name=PROGRAMME).first()
    if programme is None or DecileRecord.objects.filter(source=SOURCE).exists():
        return None
    planted = Planted()
    pendamping = Facilitator.objects.filter(user__username="pendamping").first()
    team = _team_member(programme)
    movers: list[Enrolment] = []
    if pendamping is not None:
        movers += _plant(programme, pendamping, PENDAMPING_AREA, today, planted)
    if team is not None:
        movers += _plant(programme, team, _free_area(programme), today, planted)
    # One family per facilitator moves a desil down: a new one first, else one of her graduated
    # families, whichever has a record above desil 1 on or before its graduation.
    candidates = movers + list(
        Enrolment.objects.filter(programme=programme, status=Status.GRADUATED,
                                 facilitator__in=[f for f in (pendamping, team) if f is not None])
        .exclude(pk__in=[e.pk for e in movers]).order_by("id"))
    chosen: dict[int | None, tuple[Enrolment, int]] = {}
    for e in candidates:
        if e.facilitator_id in chosen or e.graduated_on is None or e.graduated_on >= calendar.days_after(today, -14):
            continue
        baseline = (DecileRecord.objects.filter(household_id=e.household_id, date__lte=e.graduated_on)
                    .order_by("-date", "-id").values_list("decile", flat=True).first())
        if baseline is not None and baseline > 1:
            chosen[e.facilitator_id] = (e, baseline)
    _lower_deciles(list(chosen.values()), today, planted)
    return planted
