"""What an enrolled family receives, recorded at its visits through the services: a loan (KUR super
mikro, PNM Mekaar or UMi) that goes through its status steps, market access once its business runs,
membership of its village's cooperative and now and then a job at an enterprise of its district."""

import random
from datetime import date
from typing import Protocol

from entas.demo import calendar
from entas.enterprises import services as enterprises
from entas.enterprises.models import Cooperative, CooperativeStatus, Enterprise, EnterpriseStatus, Job, Membership
from entas.graduation import services as graduation
from entas.graduation.models import Channel, Enrolment, LoanStatus, Scheme
from entas.registry.models import Person

# (scheme, lender, smallest, largest amount)
LOANS = [(Scheme.KUR_SUPER_MIKRO, "PT Bank Rakyat Indonesia (Persero) Tbk", 5_000_000, 10_000_000),
         (Scheme.MEKAAR, "PT Permodalan Nasional Madani (PNM)", 2_000_000, 5_000_000),
         (Scheme.UMI, "PT Pegadaian", 3_000_000, 10_000_000)]
POSITIONS = ["Pekerja produksi", "Tenaga penjualan", "Pekerja kebun", "Juru masak", "Penjahit"]


class Visited(Protocol):
    """What a visit reads of a demo family (entas.demo.families.Family, which imports this module)."""
    enrolment: Enrolment
    rng: random.Random
    kind: str
    ratio: float
    business_from: date | None


class Support:
    def __init__(self, enrolments: list[Enrolment], today: date, keep_out: str = "") -> None:
        """`keep_out`: a village whose families join no cooperative here (the demo cooperative's
        candidates, who are to be asked by its manager)."""
        self.today, self.keep_out = today, keep_out
        households = [e.household_id for e in enrolments]
        self.heads = {p.household_id: p for p in Person.objects.filter(household_id__in=households,
                                                                        relationship="head")}
        heads = [p.pk for p in self.heads.values()]
        self.members = set(Membership.objects.filter(person_id__in=heads, left__isnull=True)
                           .values_list("person_id", flat=True))
        villages = {e.village_id for e in enrolments}
        self.cooperatives = {c.village_id: c for c in Cooperative.objects.filter(
            village_id__in=villages, status=CooperativeStatus.ACTIVE).order_by("-id")}
        self.employers: dict[str, list[Enterprise]] = {}
        for enterprise in Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, village_id__in=villages
                                                    ).order_by("id"):
            self.employers.setdefault(enterprise.village_id[:8], []).append(enterprise)

    def member(self, e: Enrolment) -> bool:
        head = self.heads.get(e.household_id)
        return head is not None and head.pk in self.members

    def at_visit(self, family: Visited, day: date, visits: int) -> None:
        e, rng = family.enrolment, family.rng
        if visits in (1, 2) and not e.loans.exists() and rng.random() < 0.3:
            self._loan(e, rng, day)
        if family.business_from and rng.random() < 0.25:
            graduation.record_market_access(None, e, channel=rng.choice(Channel.values), on=day,
                                            sales_value=rng.randrange(300_000, 3_000_000, 50_000))
        head = self.heads.get(e.household_id)
        if head is None or family.kind != "rising" or family.ratio < 0.8:
            return
        cooperative = self.cooperatives.get(e.village_id)
        if cooperative and e.village_id != self.keep_out and head.pk not in self.members and rng.random() < 0.2:
            enterprises.join_cooperative(None, cooperative, head, joined=day, share_principal=100_000)
            self.members.add(head.pk)
        employers = self.employers.get(e.village_id[:8])
        if employers and rng.random() < 0.05:
            employer = rng.choice(employers)
            if not Job.objects.filter(enterprise=employer, person=head, end__isnull=True).exists():
                enterprises.record_job(None, employer, head, start=day, position=rng.choice(POSITIONS))

    def _loan(self, e: Enrolment, rng: random.Random, day: date) -> None:
        scheme, lender, low, high = rng.choice(LOANS)
        loan = graduation.record_loan(None, e, scheme=scheme, lender=lender, amount=rng.randrange(low, high, 500_000),
                                      on=day)
        draw = rng.random()
        steps = ([LoanStatus.REJECTED] if draw < 0.1 else
                 [LoanStatus.APPROVED, LoanStatus.DISBURSED] + ([LoanStatus.DEFAULTED] if draw < 0.18 else
                                                                [LoanStatus.REPAID] if draw < 0.75 else []))
        for step, after in zip(steps, (14, 21, 360), strict=False):
            on = calendar.days_after(day, after)
            if on > self.today:
                return
            graduation.set_loan_status(None, loan, step, on=on)
