""""Keluarga dampingan saya" for a facilitator with 50 families, side by side in one run:

  page        the page as served (GET /programmes/my-families/, the facilitator signed in)
  set-based   what the page reads: every family with its latest visit, assessment, evaluation,
              waiting override and follow-up in one query (graduation.due.families)
  per family  the same answers asked family by family (6 queries each), as a loop over the
              caseload would

  .venv/bin/python bench/bench_my_families.py --db postgres
  .venv/bin/python bench/bench_my_families.py --db sqlite

Her 50 families are made through the services (visits with assessments over two years, families
marked ready, graduated, followed up, an override asked); around them --others enrolments of
other facilitators, each with visits, an assessment and an evaluation, are inserted in bulk so
the tables the page reads are not small. Issue 14's target: p95 < 150 ms for the page.
"""

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_programmes import setup  # noqa: E402  (needs ROOT on the path)
from bench.harness import percentiles, timed  # noqa: E402

VILLAGE = "33.10.01.2001"  # Sengon, Prambanan, Klaten
GOOD = {"per_capita_income": 720_000, "income_sources": 2, "business_months": 10, "savings": 300_000,
        "food_shortage": False}
POOR = {**GOOD, "per_capita_income": 310_000, "savings": 0, "food_shortage": True}


def households(n: int, start: int, village: str) -> list[Any]:
    from entas.registry.models import Household, Person

    homes = Household.objects.bulk_create([
        Household(kk_number=f"3310010101{start + i:06d}", village_id=village, decile=1, extreme_poor=True)
        for i in range(n)], batch_size=2000)
    Person.objects.bulk_create([Person(nik=f"3310014101{start + i:06d}", household=h, full_name=f"Kepala {start + i}",
                                       relationship="head") for i, h in enumerate(homes)], batch_size=2000)
    return homes


def others(prog: Any, agency: Any, n: int, today: datetime.date) -> None:
    """`n` enrolments of other facilitators with two visits, an assessment and an evaluation each."""
    from django.utils import timezone

    from entas.accounts.models import User
    from entas.accounts.roles import Role
    from entas.graduation.models import Assessment, Enrolment, Evaluation, Visit
    from entas.programmes.models import Facilitator

    # No password hashing: 500 accounts would take minutes.
    users = User.objects.bulk_create([User(username=f"rekan{i}", password="!", role=Role.FACILITATOR,
                                           region_id="33.10.01") for i in range(n // 40 + 1)])
    colleagues = Facilitator.objects.bulk_create([Facilitator(user=u, agency=agency, region_id="33.10.01",
                                                              capacity=50) for u in users])
    homes = households(n, 100_000, VILLAGE)
    rule_set = prog.rule_sets.get(status="active")
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(programme=prog, household=h, village_id=VILLAGE, facilitator=colleagues[i // 40], status="active",
                  enrolled_on=today - datetime.timedelta(days=400), cohort="2025-Q3")
        for i, h in enumerate(homes)], batch_size=2000)
    visits = Visit.objects.bulk_create([Visit(enrolment=e, date=today - datetime.timedelta(days=d), notes="")
                                        for e in enrolments for d in (50, 20)], batch_size=2000)
    assessments = Assessment.objects.bulk_create([Assessment(enrolment=v.enrolment, visit=v, date=v.date, **GOOD)
                                                  for v in visits[1::2]], batch_size=2000)
    Evaluation.objects.bulk_create([Evaluation(enrolment=a.enrolment, rule_set=rule_set, assessment=a,
                                               at=timezone.now(), essentials_met=True, results=[])
                                    for a in assessments], batch_size=2000)


def caseload(prog: Any, mine: Any, n: int, today: datetime.date) -> None:
    """Her `n` families through the services, spread over the pathway."""
    from entas.graduation import services

    for i, home in enumerate(households(n, 1, VILLAGE)):
        enrolled = today - datetime.timedelta(days=700 - i)
        e = services.enrol_household(None, prog, home, facilitator=mine, on=enrolled)
        if i % 10 == 0:
            continue  # never visited
        kind = i % 5
        for months in range(0, 24, 3 if kind else 6):
            day = enrolled + datetime.timedelta(days=30 * months + i % 7)
            if day > today - datetime.timedelta(days=200 if kind == 4 else 5):
                break
            services.record_visit_with_assessment(None, e, date=day, notes="kunjungan",
                                                  measures=GOOD if kind in (1, 2, 4) and months >= 9 else POOR)
        e.refresh_from_db()
        if kind in (2, 4) and e.status == "active":
            day = e.visits.first().date  # type: ignore[union-attr]
            services.mark_ready(None, e, on=day)
            if kind == 4:
                services.graduate(None, e, on=day)
        elif kind == 3 and e.status == "active":
            services.request_override(mine.user, e, reason="Usaha berjalan; pendapatan musiman")


def per_family(enrolments: Any, today: datetime.date) -> list[tuple[int, list[Any]]]:
    """The naive way: the caseload, then six queries per family for what is due."""
    from entas.graduation import due
    from entas.graduation.models import OPEN_STATUSES, OverrideDecision
    from entas.registry.models import Person

    found = []
    for e in enrolments.filter(status__in=OPEN_STATUSES).select_related("household", "village", "programme"):
        head = Person.objects.filter(household_id=e.household_id, relationship="head").order_by("pk").first()
        e.head_name = head.full_name if head else None
        visit = e.visits.order_by("-date", "-id").first()
        e.last_visit = visit.date if visit else None
        assessment = e.assessments.order_by("-date", "-id").first()
        e.last_assessment = assessment.date if assessment else None
        evaluation = e.evaluations.order_by("-at", "-id").first()
        e.criteria_met = evaluation.essentials_met if evaluation else None
        e.override_pending = e.overrides.filter(decision=OverrideDecision.PENDING).exists()
        done = e.follow_ups.filter(on__gte=e.graduated_on).order_by("-month").first() if e.graduated_on else None
        e.follow_up_done = done.month if done else None
        found.append(due.Family(e, due.due_actions(e, today)))
    found.sort(key=lambda f: (f.next.rank, f.next.on or today, f.enrolment.pk))
    return [(f.enrolment.pk, f.actions) for f in found]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--families", type=int, default=50)
    parser.add_argument("--others", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup(args.db)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from entas.accounts.models import Agency, User
    from entas.accounts.roles import Role
    from entas.graduation import due, services
    from entas.graduation.queries import enrolments_for
    from entas.programmes.models import Facilitator
    from entas.programmes.services import create_programme

    print(f"{args.db}: a facilitator with {args.families} families among {args.others:,} other enrolments")
    today = timezone.localdate()
    agency = Agency.objects.create(code="kemensos", name="Kementerian Sosial", kind="ministry")
    prog = create_programme(None, name="Bench", lead_agency=agency, start=today - datetime.timedelta(days=1000),
                            end=today + datetime.timedelta(days=1000), priority_locations_only=False)
    services.set_poverty_line(None, province_code="33", valid_from=today - datetime.timedelta(days=1500),
                              amount=550_000, source="bench")
    services.create_rule_set(None, prog, [{"code": "income_above_line", "essential": True},
                                          {"code": "no_food_shortage", "essential": True},
                                          {"code": "savings", "essential": False}])
    user = User.objects.create_user("pendamping", password="!", role=Role.FACILITATOR, region_id="33.10.01")
    mine = Facilitator.objects.create(user=user, agency=agency, region_id="33.10.01", capacity=args.families)
    timed("other enrolments (bulk)", lambda: others(prog, agency, args.others, today))
    timed(f"her {args.families} families (services)", lambda: caseload(prog, mine, args.families, today))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    own = enrolments_for(user).filter(facilitator=mine)
    set_based = [(f.enrolment.pk, f.actions) for f in due.families(own, today)]
    assert set_based == per_family(own, today), "the two ways disagree"
    kinds = sorted({a[0].kind for _pk, a in set_based})
    print(f"  {len(set_based)} families; next due actions seen: {', '.join(kinds)}")
    with CaptureQueriesContext(connection) as seen:
        due.families(own, today)
    with CaptureQueriesContext(connection) as naive_seen:
        per_family(own, today)
    print(f"  queries: set-based {len(seen)}, per family {len(naive_seen)}")

    client = Client()
    client.force_login(user)
    assert client.get("/programmes/my-families/").status_code == 200
    page = percentiles("the page (GET /programmes/my-families/)", lambda: client.get("/programmes/my-families/"),
                       args.runs, width=46)
    fast = percentiles("set-based (graduation.due.families)", lambda: due.families(own, today), args.runs, width=46)
    slow = percentiles("per family (6 queries each)", lambda: per_family(own, today), args.runs, width=46)
    print(f"  per family / set-based: {slow['p50'] / fast['p50']:.1f} times at p50, "
          f"{slow['p95'] / fast['p95']:.1f} times at p95")
    ok = page["p95"] < 150
    print(f"target p95 < 150 ms for the page: {'met' if ok else 'MISSED'} ({page['p95']:.0f} ms)")


if __name__ == "__main__":
    main()
