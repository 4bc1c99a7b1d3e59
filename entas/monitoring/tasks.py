"""Rollup refreshes in the background worker, so an import or a service that touched some villages
can ask for their numbers to be recomputed without waiting for it:

    refresh_villages.enqueue(None, ["33.10.01.2001", ...])
"""

from django_tasks import task

from entas.core.context import origin
from entas.monitoring import rollups


@task()
def refresh_villages(indicator_codes: list[str] | None, village_codes: list[str] | None) -> int:
    with origin("task", "refresh rollups"):
        return rollups.refresh(indicator_codes, village_codes)
