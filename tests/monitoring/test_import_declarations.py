"""Monitoring learns what an import changed from its target's declaration (`Target.writes`), not
from a list of its own: a new target is followed without editing monitoring."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from entas.ingest import targets
from entas.ingest.services import import_file
from entas.monitoring import services
from entas.monitoring.models import RefreshRequest, Rollup
from tests.ingest import samples
from tests.monitoring.factories import indicator

pytestmark = pytest.mark.django_db
Commit = Callable[..., Any]  # pytest-django's django_capture_on_commit_callbacks


def households_target(monkeypatch: pytest.MonkeyPatch, writes: tuple[str, ...]) -> str:
    """A target of its own over the registry's plans, declaring `writes` for its households files."""
    target = targets.Target("test-households", ("households",), targets.get("registry").plans,
                            {"households": writes})
    monkeypatch.setitem(targets._targets, target.name, target)  # gone again after the test
    return target.name


def import_households(tmp_path: Path, target: str, commit: Commit) -> None:
    path = samples.write(tmp_path, "households.csv", [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1)])
    with commit(execute=True):
        batch = import_file(None, target, path, kind="households")
    assert batch.status == "done", batch.error_message


@pytest.fixture(autouse=True)
def extreme_poor() -> None:
    services.open_year(None, 2025)
    indicator()


def test_a_new_target_that_declares_households_refreshes_their_rollups(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Commit) -> None:
    import_households(tmp_path, households_target(monkeypatch, ("registry.Household",)),
                      django_capture_on_commit_callbacks)
    rows = Rollup.objects.filter(indicator__code="kk-ekstrem", period__year=2025, period__quarter=None)
    assert dict(rows.values_list("village_id", "value")) == {samples.VILLAGE: 1}


def test_a_target_that_declares_nothing_counted_asks_for_no_refresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Commit) -> None:
    import_households(tmp_path, households_target(monkeypatch, ("registry.DecileRecord",)),
                      django_capture_on_commit_callbacks)
    assert not Rollup.objects.exists() and not RefreshRequest.objects.exists()
