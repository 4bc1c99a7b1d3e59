"""Import targets: each declares what every kind of its files writes, and `import_file` runs any
registered target from start to end with nothing of the feature app in between."""

from pathlib import Path

import pytest
from django.apps import apps

from entas.core.models import AuditEntry
from entas.ingest import targets
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.registry.models import Household
from tests.ingest import samples

HOUSEHOLDS_ONLY = {"households": ("registry.Household", "registry.DecileRecord")}


def households_target(name: str = "test-households", source: str = "TEST") -> targets.Target:
    """A target of its own over the registry's plans: what a new feature app would register."""
    return targets.Target(name, ("households", targets.AUTO), targets.get("registry").plans, HOUSEHOLDS_ONLY,
                          source=source)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> targets.Target:
    target = households_target()
    monkeypatch.setitem(targets._targets, target.name, target)  # gone again after the test
    return target


def test_every_target_declares_the_models_each_kind_writes() -> None:
    assert targets.names() == ["kumkm", "kumkm-people", "poverty_lines", "registry", "targets"]
    for name in targets.names():
        target = targets.get(name)
        assert set(target.writes) == set(target.kinds) - {targets.AUTO}, name
        for labels in target.writes.values():
            assert all(apps.get_model(label) for label in labels)  # raises on a model that does not exist
    assert targets.get("registry").writes["people"][:2] == ("registry.Household", "registry.Person")


def test_a_target_that_leaves_a_kind_undeclared_is_refused() -> None:
    with pytest.raises(ValueError, match="does not declare what people writes"):
        targets.Target("half", ("households", "people", targets.AUTO), targets.get("registry").plans, HOUSEHOLDS_ONLY)


@pytest.mark.django_db
def test_import_file_runs_any_registered_target(tmp_path: Path, registered: targets.Target) -> None:
    path = samples.write(tmp_path, "households.csv", [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1)])
    batch = import_file(None, registered.name, path)
    assert (batch.target, batch.kind, batch.status, batch.inserted) == (registered.name, "households",
                                                                      ImportBatch.Status.DONE, 1)
    assert batch.source == "TEST"  # the target's, as the caller named none
    assert Household.objects.filter(kk_number=samples.KK1, batch=batch).exists()
    assert AuditEntry.objects.filter(action="import.done", details__target="test-households").count() == 1


@pytest.mark.django_db
def test_the_callers_source_wins_over_the_targets(tmp_path: Path) -> None:
    path = samples.write(tmp_path, "households.csv", [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1)])
    assert import_file(None, "registry", path).source == "DTSEN"
    assert import_file(None, "registry", path, source="Dinsos Klaten").source == "Dinsos Klaten"


@pytest.mark.django_db
def test_an_unknown_target_or_mode_is_refused_before_a_batch_exists(tmp_path: Path) -> None:
    path = samples.write(tmp_path, "households.csv", [samples.HOUSEHOLD_HEADER, samples.household(samples.KK1)])
    with pytest.raises(LookupError, match="'nowhere' cannot be imported; known targets: kumkm, kumkm-people"):
        import_file(None, "nowhere", path)
    with pytest.raises(ValueError, match="mode must be one of"):
        import_file(None, "registry", path, mode="some-rows")
    assert not ImportBatch.objects.exists()
