"""Rollup refreshes in the background worker: a large request (an import that touched many
villages) is recomputed there instead of in the process that committed the change.

    process_request.enqueue(request_id)
"""

from django_tasks import task

from entas.core.context import origin
from entas.monitoring import rollups


@task()
def process_request(request_id: int) -> int:
    with origin("task", "refresh rollups"):
        return rollups.process(request_id)


@task()
def refresh_villages(indicator_codes: list[str] | None, village_codes: list[str] | None) -> int:
    with origin("task", "refresh rollups"):
        return rollups.refresh(indicator_codes, village_codes)
