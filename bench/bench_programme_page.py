"""A programme's page for a national administrator over many enrolments: the page as served
(graduation and relapse rates by cohort and by regency, read from the programme tally) against
computing the same numbers from the enrolments themselves in the same run, and what keeping the
tally costs a change (one pathway step with and without the tally's recount).

  .venv/bin/python bench/bench_programme_page.py --db postgres --enrolments 1000000
  .venv/bin/python bench/bench_programme_page.py --db sqlite --enrolments 1000000

Enrolments are made with SQL (issue 14's target: p95 < 300 ms at 1 M enrolments).
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_programmes import series, setup  # noqa: E402  (needs ROOT on the path)
from bench.harness import percentiles, timed  # noqa: E402

STATUSES = ("enrolled", "active", "active", "ready", "graduated", "graduated", "sustained", "exited")
COHORTS = [f"{year}-Q{q}" for year in (2024, 2025, 2026) for q in (1, 2, 3, 4)]


def make_enrolments(programme_id: int, n: int) -> None:
    from django.db import connection, transaction

    statuses = " ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(STATUSES))
    cohorts = " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(COHORTS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_village (i INTEGER PRIMARY KEY, code VARCHAR(13))")
        cursor.execute("INSERT INTO bench_village SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code "
                       "FROM regions_region WHERE level = 4")
        cursor.execute("SELECT COUNT(*) FROM bench_village")
        villages = cursor.fetchone()[0]
        cursor.execute(f"""
            INSERT INTO graduation_enrolment (programme_id, household_id, village_id, status, enrolled_on, cohort,
                                              relapses, exit_reason, contact_consent, contact_phone)
            SELECT {programme_id}, g, v.code, CASE g % {len(STATUSES)} {statuses} END, '2025-01-01',
                   CASE (g * 7) % {len(COHORTS)} {cohorts} END, CASE WHEN g % 13 = 0 THEN 1 ELSE 0 END, '', FALSE, ''
            FROM ({series(n)}) s JOIN bench_village v ON v.i = (g * 104729) % {villages}""")
        cursor.execute("DROP TABLE bench_village")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup(args.db)
    import datetime

    from django.db import transaction
    from django.test import Client

    from entas.accounts.models import Agency, User
    from entas.accounts.roles import Role
    from entas.graduation import reports, services, tally
    from entas.graduation.models import Enrolment, Status
    from entas.programmes.services import create_programme

    print(f"{args.db}, {args.enrolments:,} enrolments")
    agency = Agency.objects.create(code="kemensos", name="Kementerian Sosial", kind="ministry")
    prog = create_programme(None, name="Bench", lead_agency=agency, start=datetime.date(2024, 1, 1),
                            end=datetime.date(2027, 12, 31), priority_locations_only=False)
    timed("enrolments (SQL)", lambda: make_enrolments(prog.pk, args.enrolments))
    timed("tally rebuilt from the enrolments", tally.rebuild)
    admin = User.objects.create_user("bench-admin", password="x", role=Role.NATIONAL_ADMIN)
    client = Client()
    client.force_login(admin)
    assert all(reports.programme_rates(admin, prog, by) == reports.rates(Enrolment.objects.filter(programme=prog), by)
               for by in ("cohort", "regency")), "the tally and the enrolments disagree"
    page = percentiles("the programme page (tally)", lambda: client.get(f"/programmes/{prog.pk}/"), args.runs)
    numbers = percentiles("its numbers from the tally", lambda: [
        reports.programme_rates(admin, prog, by) for by in ("cohort", "regency")], args.runs)
    base = percentiles("the same numbers grouped from the enrolments", lambda: [
        reports.rates(Enrolment.objects.filter(programme=prog), by) for by in ("cohort", "regency")], args.runs)
    print(f"  the tally's numbers are {base['p95'] / numbers['p95']:.0f} times faster at p95")

    active = list(Enrolment.objects.filter(programme=prog, status=Status.ACTIVE).values_list("pk", flat=True)[:40])
    day = datetime.date(2026, 1, 5)

    def step(pks: list[int]) -> None:
        for pk in pks:
            with transaction.atomic():
                services.exit_enrolment(None, Enrolment.objects.get(pk=pk), reason="moved", on=day)

    with_tally = timed("20 exits, each recounting its tally", lambda: step(active[:20]))[0]
    from entas.core import events

    events._handlers.remove(tally.on_events)
    without = timed("20 exits without the tally", lambda: step(active[20:]))[0]
    print(f"  keeping the tally adds {(with_tally - without) / 20 * 1000:.1f} ms to a change")
    ok = page["p95"] < 300
    print(f"target p95 < 300 ms for the page: {'met' if ok else 'MISSED'} ({page['p95']:.0f} ms)")


if __name__ == "__main__":
    main()
