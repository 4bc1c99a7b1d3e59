"""`entas synth` on a database that is not ready says what to run, instead of a traceback."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from entas.regions.models import Region

pytestmark = pytest.mark.django_db


def test_synth_on_a_database_without_regions_says_to_load_them(tmp_path: Path) -> None:
    # Straight SQL (parents are protected row by row); the foreign keys are checked at commit,
    # and the test's transaction is rolled back instead.
    Region.objects.all()._raw_delete(Region.objects.db)
    with pytest.raises(CommandError, match=r"no villages are loaded in the database: .* Run `entas demo` first, "
                                           r"or `entas manage migrate` and then `entas load-regions`"):
        call_command("synth", "--out", str(tmp_path), "--people", "10")


def test_synth_on_a_database_that_is_not_migrated_says_to_migrate(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Region._meta, "db_table", "regions_not_migrated")
    with pytest.raises(CommandError, match=r"the database is not set up .* `entas manage migrate`"):
        call_command("synth", "--out", str(tmp_path), "--people", "10")
    monkeypatch.undo()
    assert Region.objects.exists()  # the connection is still usable after the refused command
