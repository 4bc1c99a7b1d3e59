from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from entas.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from entas.core.context import origin
from entas.demo import calendar, extracts, pathway
from entas.demo import linkage as demo_linkage
from entas.demo.field import ensure_field_work
from entas.demo.impact import ensure_impact_analyses
from entas.demo.indicators import ensure_demo_indicators
from entas.demo.partners import ensure_partners
from entas.demo.programme import PROGRAMME
from entas.demo.sharing import CLIENT_ID as DCI_CLIENT
from entas.demo.sharing import ensure_dci_client
from entas.demo.sharing import folder as sharing_folder
from entas.demo.targets import ensure_targets
from entas.demo.warnings import ensure_at_risk_families
from entas.enterprises.models import Enterprise
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.programmes.models import Programme
from entas.registry.models import Household

# The demo users' regions (Klaten, Kupang) and a city, so every demo login finds families.
DEMO_REGIONS = "33.10,53.01,32.04,73.71"
EXTRACT_DATE = date(2025, 7, 31)  # the synthetic registry's reference date: its latest quarterly extract
SEED = 2025


class Command(BaseCommand):
    help = (
        "Prepare a demo: migrate the database, load the regions, create demo agencies and one user "
        "per role, load synthetic households for the demo regions, a graduation programme with two years "
        "of families on its pathway, the registry's earlier quarterly extracts with the programme's effect "
        "on income planted in them, targets and partners, a partner agency's file linked to the registry "
        "(record linkage), then print the logins. "
        "Safe to run again: what exists is kept, and a loaded demo is recognised and skipped."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--people", type=int, default=40_000, help="synthetic people to load (default 40,000)")
        parser.add_argument("--families", type=int, default=1_000,
                            help="about how many families to enrol in the demo programme (default 1,000)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = calendar.today()
        with origin("cli", "demo"):
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_regions", stdout=self.stdout)
            users = ensure_demo_accounts()
            synthetic = self._load_registry(options["people"])
            self._load_kumkm()
            fresh = not pathway.loaded()
            if fresh:
                # Before the indicators exist, so the programme's events move no rollup one by one:
                # the refresh below counts everything once.
                loaded = pathway.load_programme(today, share=options["families"] / 1_000)
                self.stdout.write(f"Demo programme: {loaded.enrolments:,} families, {loaded.sessions} sessions, "
                                  f"{loaded.consents} consents, {loaded.overrides} override requests.")
                if synthetic:
                    self._load_extracts(options["people"], today)
            else:
                self.stdout.write("Demo programme already loaded; not loaded again.")
            ensure_at_risk_families(today)
            for analysis in ensure_impact_analyses():
                estimate = analysis.result.get("estimate")
                found = f"{estimate['shown']:+.1f} % ({estimate['shown_low']:+.1f} to {estimate['shown_high']:+.1f})" \
                    if estimate else "no estimate: " + ", ".join(s["code"] for s in analysis.result["statements"])
                self.stdout.write(f"Demo impact analysis on income ({analysis.region_id or 'Indonesia'}): {found}.")
            ensure_demo_indicators()
            programme = Programme.objects.filter(name=PROGRAMME).first()
            if programme is not None:
                ensure_targets(programme, today)
            ensure_partners(programme, today)
            self._link_agency_file()
            if ensure_dci_client(today) is not None:
                self.stdout.write(f"Demo DCI client '{DCI_CLIENT}' registered: its key and secret are in "
                                  f"{sharing_folder()}; `.venv/bin/python scripts/dci_search.py` makes a signed "
                                  "search.")
            if ensure_field_work(today) is not None:
                self.stdout.write("Demo field app: a phone of 'pendamping' with synced visits and one conflict "
                                  "for 'petugas-klaten' (/field/conflicts/); the app itself is at /field/.")
            if fresh:
                # The dashboard reads rollups: compute them once the demo data is in.
                call_command("refresh_rollups", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for user in users:
            scope = user.region or "Indonesia"
            self.stdout.write(f"  {user.username:<20} {user.role.label:<28} scope {scope}")
        self.stdout.write("  (and pendamping-02 … pendamping-20: the other facilitators, same password)")
        self.stdout.write(self.style.WARNING("These are demo accounts: do not run `entas demo` on a live system."))

    def _load_registry(self, people: int) -> bool:
        """Load the synthetic registry unless households are there; whether it was loaded."""
        if Household.objects.exists():
            self.stdout.write("Registry already holds households; demo data not loaded again.")
            return False
        out = settings.DATA_DIR / "demo"
        call_command("synth", people=people, regions=DEMO_REGIONS, out=out, seed=SEED, stdout=self.stdout)
        for kind in ("households", "people", "assistance"):
            batch = import_file(None, "registry", out / f"{kind}.csv", kind=kind, mode=ImportBatch.Mode.ACCEPT_VALID,
                                source=extracts.SOURCE, extract_date=EXTRACT_DATE)
            if batch.status != ImportBatch.Status.DONE:
                raise CommandError(f"Demo {kind} import failed: {batch.error_message}")
            self.stdout.write(f"Imported {batch.inserted:,} {kind} rows (demo).")
        return True

    def _load_extracts(self, people: int, today: date) -> None:
        """Earlier quarterly extracts of the same households, the programme's effect planted in them."""
        try:
            loaded = extracts.load_extracts(people, DEMO_REGIONS, SEED, EXTRACT_DATE, today,
                                            settings.DATA_DIR / "demo")
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        households = [path.name for path in loaded.files if path.name.startswith("households-")]
        self.stdout.write(f"Imported {len(households)} quarterly extracts ({households[0]} … {households[-1]}); "
                          f"{loaded.treated:,} of the programme's {loaded.families:,} families carry a planted "
                          f"+{extracts.EFFECT:.0%} income effect after their enrolment (programme.csv).")

    def _link_agency_file(self) -> None:
        """A partner agency's file of about 300 people, linked once (entas.demo.linkage)."""
        job = demo_linkage.load_linkage()
        if job is None:
            return
        seconds = job.report.get("seconds", {}).get("total", 0.0)
        self.stdout.write(f"Demo agency file linked ({job.records:,} records against {job.people:,} people in "
                          f"{seconds:.1f} s): {job.exact_nik} by exact NIK, {job.by_model} by the model, "
                          f"{job.review} to review.")

    def _load_kumkm(self) -> None:
        if Enterprise.objects.exists():
            return
        call_command("synth_kumkm", out=settings.DATA_DIR / "demo-kumkm", seed=2025, load=True, stdout=self.stdout)
