from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from entas.linkage.files import FileProblem, describe, link_files
from entas.linkage.model import Thresholds
from entas.linkage.run import Report

KEY_HELP = ("KEY=COLUMN,... where KEY is record_id, nik, kk_number, name, sex, birth_date, address or "
            "village_code; record_id and name are required")


class Command(BaseCommand):
    help = ("Link people across files or sources: `entas link files A.csv B.csv --map-a ... --map-b ... "
            "--out links.csv` links B's records to A's people; `entas link cooperative-members` (or "
            "enterprise-owners, job-holders, agency --upload ID) runs a link job of the registry against that "
            "source, national unless --region is given, and prints its report.")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="mode", required=True, parser_class=ArgumentParser)
        files = commands.add_parser("files", help="link the records of file B to the people of file A")
        files.add_argument("a", type=Path, help="the registry side (CSV or XLSX)")
        files.add_argument("b", type=Path, help="the file whose records are linked to A's people")
        files.add_argument("--map-a", required=True, help=KEY_HELP)
        files.add_argument("--map-b", required=True, help=KEY_HELP)
        files.add_argument("--out", required=True, type=Path, help="accepted links (CSV)")
        files.add_argument("--review", type=Path, help="the review band (default: OUT.review.csv)")
        files.add_argument("--labels", type=Path, help="earlier decisions: record_id_a,record_id_b,is_match")
        _thresholds(files)
        files.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
        for mode, what in SOURCES.items():
            source = commands.add_parser(mode, help=f"a link job of the registry against {what}")
            if mode == "agency":
                source.add_argument("--upload", required=True, type=int, help="the agency file's id (linkage page)")
            source.add_argument("--region", help="only this region (a dotted code, e.g. 33.10); default national")
            _thresholds(source)
            source.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args: Any, **options: Any) -> None:
        thresholds = Thresholds(upper=options["upper"], lower=options["lower"])
        if not 0 <= thresholds.lower <= thresholds.upper <= 1:
            raise CommandError("--lower and --upper must be probabilities with lower <= upper")
        if options["mode"] != "files":
            self._job(options, thresholds)
            return
        try:
            with _bar(options["no_progress"]) as progress:
                result, review = link_files(
                    options["a"], options["b"], options["map_a"], options["map_b"], options["out"],
                    review=options["review"], labels=options["labels"], thresholds=thresholds, progress=progress,
                )
        except FileProblem as problem:
            raise CommandError(str(problem)) from problem
        for line in describe(result.report):
            self.stdout.write(line)
        self.stdout.write(f"links: {options['out']}; review band: {review}")


    def _job(self, options: dict[str, Any], thresholds: Thresholds) -> None:
        """A link job of a source, run here (not by the worker) with the system as its actor."""
        from entas.linkage import services
        from entas.linkage.models import AgencyUpload, JobStatus, Source
        from entas.regions.codes import CODE_PATTERN
        from entas.regions.models import Region

        region = options.get("region")
        if region and (not CODE_PATTERN.match(region) or not Region.objects.filter(code=region).exists()):
            raise CommandError(f"--region {region}: not a Kemendagri region code in the region list")
        source = Source.AGENCY_FILE if options["mode"] == "agency" else Source(options["mode"].replace("-", "_"))
        upload = None
        if source == Source.AGENCY_FILE:
            upload = AgencyUpload.objects.filter(pk=options["upload"]).first()
            if upload is None:
                raise CommandError(f"--upload {options['upload']}: no such agency file")
        try:
            job = services.start_job(None, source, upload, thresholds=thresholds, region=region or None, enqueue=False)
        except services.LinkageRefused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(f"link job {job.pk}: {source.label}, {region or 'national'}")
        with _bar(options["no_progress"]) as progress:
            job = services.run_job(job.pk, progress=progress)
        if job.status != JobStatus.DONE:
            raise CommandError(f"link job {job.pk} failed: {job.error}")
        self.stdout.write(f"linked by exact NIK {job.exact_nik}, by the model {job.by_model}; "
                          f"to review {job.review}, rejected {job.rejected}")
        known = {name: value for name, value in job.report.items() if name in Report.__dataclass_fields__}
        for line in describe(Report(**known)):
            self.stdout.write(line)
        if job.report.get("refused"):
            self.stdout.write(f"the source refused {job.report['refused']} link(s): "
                              + "; ".join(f"{k}: {v}" for k, v in job.report.get("refused_examples", {}).items()))


SOURCES = {"enterprise-owners": "the KUMKM enterprise owners", "cooperative-members": "the cooperative members",
           "job-holders": "the job holders", "agency": "an uploaded agency file"}


def _thresholds(parser: ArgumentParser) -> None:
    default = Thresholds()
    parser.add_argument("--upper", type=float, default=default.upper,
                        help=f"accept at or above (default {default.upper})")
    parser.add_argument("--lower", type=float, default=default.lower, help=f"reject below (default {default.lower})")


class _bar:
    """A rich progress bar over the job's stages, or nothing."""

    def __init__(self, quiet: bool) -> None:
        self.bar = None if quiet else Progress(TextColumn("{task.description:<10}"), BarColumn(), TimeElapsedColumn())
        self.task = self.bar.add_task("link", total=1.0) if self.bar else None

    def __enter__(self) -> Any:
        if self.bar is None:
            return None
        self.bar.start()
        return self.update

    def update(self, stage: str, share: float) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, description=stage, completed=share)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
