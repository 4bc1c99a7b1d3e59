from django_tasks import task

from entas.core.context import origin


@task()
def run_impact_analysis(analysis_id: int) -> None:
    from entas.impact.services import run_analysis

    with origin("task", f"impact {analysis_id}"):
        run_analysis(analysis_id)
