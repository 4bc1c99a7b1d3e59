"""The link job's background half: the worker that `entas serve` starts runs the queued job."""

from django_tasks import task

from entas.core.context import origin
from entas.linkage.services import run_job


@task()
def run_link_job(job_id: int) -> None:
    """Runs in the background worker; the job row carries the progress its page polls, and its
    outcome (done with a report, or failed with the error)."""
    with origin("task", f"link job {job_id}"):
        run_job(job_id)
