"""Early warning: the graduated families at risk of falling back into poverty, each with the reasons
it is flagged, most urgent first (issue 19, "Keluarga berisiko kembali miskin").

Definitions (what the list means):

- Families concerned: enrolments now "graduated" or "sustained" (`FAMILY_STATUSES`). A family that
  relapsed is back on the pathway ("active": its facilitator already works with it) and an exited
  one has left the programme: neither is listed. The caller scopes the queryset (visible()).
- Graduation: the family's current graduation, `Enrolment.graduated_on` (a relapse clears it, a new
  graduation sets it again), and the latest StatusChange "graduate"; its evaluation's assessment is
  the income per person read at graduation.
- Follow-ups: those recorded since that graduation (on or after `graduated_on`), each with the
  income its evaluation read (the evaluation's assessment). Only the LATEST follow-up is judged: a
  fall found at 6 months and made good at 12 no longer flags the family.
- `income_fell`: the latest follow-up's income per person is lower than at graduation or than at
  the follow-up before it; the comparison shown is with the higher of the two (the larger drop),
  with both figures and the drop in percent of the earlier figure. Equal is not a fall.
- `below_line`: the latest follow-up's income per person is below the poverty line of the family's
  province and area valid on the follow-up's date (graduation.poverty, the same rule as the
  evaluation's). Equal to the line is not below it.
- `follow_up_missed`: the next follow-up (6, 12 or 24 months after graduation, graduation.due) is
  overdue by more than `MISSED_AFTER_DAYS` days: due on D, flagged from D + 31 days on. Since: D.
- `decile_down`: the latest DTSEN decile record (registry.DecileRecord) dated after graduation shows
  a lower desil (poorer; desil 1 is the poorest) than the last record dated on or before graduation.
  A family with no record on or before graduation shows no movement and is not flagged: the demo's
  and many real extracts predate graduation for some families but not others, and a desil without a
  "from" cannot be said to move back. Moving back inside the programme's target (desil <=
  programme.decile_max, from above it) is one such movement and says so (`inside_target`).
- `loan_defaulted`: one reason per loan of the family whose status is "defaulted" (since
  `status_on`), whenever the loan was taken.
- Nothing dated after `today` is read.
- Urgency: reasons rank below_line, loan_defaulted, decile_down, income_fell, follow_up_missed (an
  income already under the line first, missing news last). A family's reasons are in that order
  (the oldest first within one code); families sort by their most urgent reason, then by how many
  reasons they have (more first), then by the earliest `since`, then by enrolment id.

`at_risk()` runs a fixed number of queries whatever the number of families: one for the families
with every reading as correlated subqueries (as graduation.due and graduation.permanence do), one
for their defaulted loans.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entas.core import numbers
from entas.graduation.due import head_name, next_follow_up
from entas.graduation.models import Enrolment, FollowUp, Loan, LoanStatus, Scheme, Status, StatusChange
from entas.graduation.poverty import line_subquery
from entas.regions.urban import area_expression
from entas.registry.models import DecileRecord

FAMILY_STATUSES = (Status.GRADUATED, Status.SUSTAINED)
MISSED_AFTER_DAYS = 30

# code -> (rank, label): the rank orders reasons and families, the label is what people read.
REASONS: dict[str, tuple[int, Promise]] = {
    "below_line": (0, gettext_lazy("Income below the poverty line")),
    "loan_defaulted": (1, gettext_lazy("Loan in default")),
    "decile_down": (2, gettext_lazy("Poorer desil in a new DTSEN extract")),
    "income_fell": (3, gettext_lazy("Income fell at a follow-up")),
    "follow_up_missed": (4, gettext_lazy("Follow-up missed")),
}


def label(code: str) -> str:
    """A reason's words in the active language."""
    return str(REASONS[code][1])


@dataclass(frozen=True)
class Reason:
    code: str
    words: str  # the reason's label, in the language active when it was found
    since: datetime.date
    details: dict[str, Any]
    explanation: str  # the figures in one sentence, same language

    @property
    def rank(self) -> int:
        return REASONS[self.code][0]


@dataclass
class AtRisk:
    enrolment_id: int
    household_id: int
    kk_number: str
    head_name: str
    village_code: str
    village_name: str
    facilitator_id: int | None
    facilitator_name: str
    status: str
    graduated_on: datetime.date
    reasons: list[Reason] = field(default_factory=list)

    @property
    def regency(self) -> str:
        return self.village_code[:5]

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(r.code for r in self.reasons))

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    def urgency(self) -> tuple[int, int, datetime.date, int]:
        return (min(r.rank for r in self.reasons), -len(self.reasons), min(r.since for r in self.reasons),
                self.enrolment_id)


def candidates(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """The families the list considers: graduated or sustained, with a graduation date."""
    return enrolments.filter(status__in=FAMILY_STATUSES, graduated_on__isnull=False)


def _rows(enrolments: QuerySet[Enrolment], today: datetime.date) -> QuerySet[Enrolment]:
    per = OuterRef("pk")
    graduation = StatusChange.objects.filter(enrolment=per, action="graduate", on__lte=today).order_by("-on", "-id")
    since = FollowUp.objects.filter(enrolment=per, on__gte=OuterRef("graduated_on"), on__lte=today)
    decile = DecileRecord.objects.filter(household_id=OuterRef("household_id"))
    before = decile.filter(date__lte=OuterRef("graduated_on")).order_by("-date", "-id")
    after = decile.filter(date__gt=OuterRef("graduated_on"), date__lte=today).order_by("-date", "-id")
    months: dict[str, Any] = {}
    for month in FollowUp.MONTHS:
        one = since.filter(month=month).order_by("-on", "-id")
        months[f"fu{month}_on"] = Subquery(one.values("on")[:1])
        months[f"fu{month}_income"] = Subquery(one.values("evaluation__assessment__per_capita_income")[:1])
    return (candidates(enrolments).order_by()
            .select_related("household", "village", "facilitator__user")
            .annotate(
                head_name=head_name(),
                grad_income=Subquery(graduation.values("evaluation__assessment__per_capita_income")[:1]),
                follow_up_done=Subquery(since.order_by("-month").values("month")[:1]),
                latest_on=Subquery(since.order_by("-on", "-id").values("on")[:1]),
                area=area_expression("village"),
                decile_before=Subquery(before.values("decile")[:1]),
                decile_before_on=Subquery(before.values("date")[:1]),
                decile_after=Subquery(after.values("decile")[:1]),
                decile_after_on=Subquery(after.values("date")[:1]),
                decile_after_source=Subquery(after.values("source")[:1]),
                decile_max=F("programme__decile_max"),
                **months,
            )
            .annotate(line=line_subquery("village_id", "area", "latest_on")))


def _drop(before: int, after: int) -> float:
    return round((before - after) * 100 / before, 1) if before else 0.0


def _income(e: Any) -> list[Reason]:
    readings = [(m, getattr(e, f"fu{m}_on"), getattr(e, f"fu{m}_income")) for m in FollowUp.MONTHS
                if getattr(e, f"fu{m}_on") is not None]
    if not readings or readings[-1][2] is None:
        return []
    month, on, income = readings[-1]
    previous_month, previous = (readings[-2][0], readings[-2][2]) if len(readings) > 1 else (None, None)
    found: list[Reason] = []
    lower = [(value, where) for value, where in ((e.grad_income, "graduation"), (previous, "follow_up"))
             if value is not None and income < value]
    if lower:
        before, where = max(lower, key=lambda pair: pair[0])
        drop = _drop(before, income)
        figures = {"before": numbers.rupiah(before), "after": numbers.rupiah(income), "month": month,
                   "on": numbers.day(on), "drop": numbers.percent(drop), "previous": previous_month}
        text = (_("%(before)s at graduation → %(after)s at the %(month)s-month follow-up on %(on)s: %(drop)s lower")
                if where == "graduation" else
                _("%(before)s at the %(previous)s-month follow-up → %(after)s at the %(month)s-month follow-up on "
                  "%(on)s: %(drop)s lower")) % figures
        found.append(Reason("income_fell", label("income_fell"), on, {
            "month": month, "on": on, "income": income, "compared_with": where, "before": before,
            "graduation_income": e.grad_income, "previous_month": previous_month, "previous_income": previous,
            "drop_percent": drop}, text))
    if e.line is not None and income < e.line:
        text = _("%(income)s per person at the %(month)s-month follow-up on %(on)s, below the poverty line of "
                 "%(line)s") % {"income": numbers.rupiah(income), "month": month, "on": numbers.day(on),
                                "line": numbers.rupiah(e.line)}
        found.append(Reason("below_line", label("below_line"), on,
                            {"month": month, "on": on, "income": income, "line": e.line}, text))
    return found


def _missed(e: Any, today: datetime.date) -> list[Reason]:
    follow_up = next_follow_up(e.graduated_on, e.follow_up_done)
    if follow_up is None:
        return []
    month, due = follow_up
    late = (today - due).days
    if late <= MISSED_AFTER_DAYS:
        return []
    text = _("The %(month)s-month follow-up was due on %(due)s: %(days)s days overdue") % {
        "month": month, "due": numbers.day(due), "days": numbers.count(late)}
    return [Reason("follow_up_missed", label("follow_up_missed"), due,
                   {"month": month, "due": due, "days_overdue": late}, text)]


def _decile(e: Any) -> list[Reason]:
    before, after = e.decile_before, e.decile_after
    if before is None or after is None or after >= before:
        return []
    inside = after <= e.decile_max < before
    figures = {"before": before, "after": after, "source": e.decile_after_source, "on": numbers.day(e.decile_after_on),
               "max": e.decile_max}
    text = (_("Desil %(before)s → %(after)s in %(source)s of %(on)s: back inside the programme's target "
              "(desil up to %(max)s)") if inside else
            _("Desil %(before)s → %(after)s in %(source)s of %(on)s")) % figures
    return [Reason("decile_down", label("decile_down"), e.decile_after_on, {
        "from": before, "from_on": e.decile_before_on, "to": after, "on": e.decile_after_on,
        "source": e.decile_after_source, "inside_target": inside, "decile_max": e.decile_max}, text)]


def _loans(enrolments: QuerySet[Enrolment], today: datetime.date) -> dict[int, list[Reason]]:
    found: dict[int, list[Reason]] = defaultdict(list)
    loans = (Loan.objects.filter(enrolment__in=enrolments.values("pk"), status=LoanStatus.DEFAULTED,
                                 status_on__lte=today)
             .order_by("status_on", "id").values_list("enrolment_id", "id", "scheme", "lender", "amount", "status_on"))
    for enrolment_id, pk, scheme, lender, amount, on in loans:
        scheme_label = str(Scheme(scheme).label) if scheme in Scheme.values else scheme
        text = _("%(scheme)s from %(lender)s, %(amount)s, in default since %(on)s") % {
            "scheme": scheme_label, "lender": lender, "amount": numbers.rupiah(amount), "on": numbers.day(on)}
        found[enrolment_id].append(Reason("loan_defaulted", label("loan_defaulted"), on, {
            "loan": pk, "scheme": scheme, "scheme_label": scheme_label, "lender": lender, "amount": amount,
            "on": on}, text))
    return found


def at_risk(enrolments: QuerySet[Enrolment], *, today: datetime.date) -> list[AtRisk]:
    """The graduated or sustained families of `enrolments` (scoped by the caller) with at least one
    reason, most urgent first; two queries whatever their number."""
    loans = _loans(candidates(enrolments), today)
    result: list[AtRisk] = []
    row: Any
    for row in _rows(enrolments, today):
        e = row
        reasons = [*_income(e), *loans.get(e.pk, []), *_decile(e), *_missed(e, today)]
        if not reasons:
            continue
        reasons.sort(key=lambda r: (r.rank, r.since))
        facilitator = e.facilitator
        result.append(AtRisk(
            enrolment_id=e.pk, household_id=e.household_id, kk_number=e.household.kk_number,
            head_name=e.head_name or "", village_code=e.village_id, village_name=e.village.name,
            facilitator_id=e.facilitator_id, facilitator_name=str(facilitator) if facilitator else "",
            status=e.status, graduated_on=e.graduated_on, reasons=reasons))
    result.sort(key=AtRisk.urgency)
    return result


def counts(found: Iterable[AtRisk]) -> dict[str, int]:
    """How many families have each reason (a family with two defaulted loans counts once), every
    code in the order of urgency, zero included."""
    tally = Counter(code for family in found for code in family.codes)
    return {code: tally[code] for code in REASONS}


def with_reason(found: list[AtRisk], code: str) -> list[AtRisk]:
    return [family for family in found if code in family.codes]
