"""The synthetic KUMKM generator: same seed, same tables; everything it writes imports cleanly;
members, units, jobs and groups link the demo people to it."""

from pathlib import Path

import polars as pl
import pytest

from entas.enterprises import synth
from entas.enterprises.models import Cooperative, Membership
from entas.enterprises.synth_links import load_links
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from tests.enterprises.factories import KLATEN_OTHER_VILLAGE, KLATEN_VILLAGE, person

pytestmark = pytest.mark.django_db


def population() -> synth.Population:
    rows = [(f"33100141058{i:01d}{j:04d}"[:16], f"Siti{j} Aminah", "P", village, 1 + j % 10)
            for i, village in enumerate((KLATEN_VILLAGE, KLATEN_OTHER_VILLAGE)) for j in range(1, 60)]
    return synth.Population(pl.DataFrame(rows, orient="row", schema=["nik", "full_name", "sex", "village_code",
                                                                       "decile"]))


def test_the_same_seed_gives_the_same_tables() -> None:
    first, again = synth.generate(population(), 200, seed=7), synth.generate(population(), 200, seed=7)
    assert first.enterprises.equals(again.enterprises) and first.cooperatives.equals(again.cooperatives)
    assert not first.enterprises.equals(synth.generate(population(), 200, seed=8).enterprises)


def test_what_it_writes_imports_without_a_reject(tmp_path: Path) -> None:
    written = synth.write_tables(synth.generate(population(), 300), tmp_path)
    for path, rows in reversed(written):
        batch = import_file(None, "kumkm", path, mode=ImportBatch.Mode.ACCEPT_VALID)
        assert (batch.status, batch.rejected, batch.inserted) == (ImportBatch.Status.DONE, 0, rows), batch.error_message


def test_links_put_demo_people_into_the_cooperatives(tmp_path: Path) -> None:
    for j in range(1, 30):
        person(f"33100101018{j:05d}", KLATEN_VILLAGE, decile=1 + j % 10, name=f"Warga {j}")
    tables = synth.generate(synth.from_database(["33.10.01"]), 40, seed=1)
    for path, _ in reversed(synth.write_tables(tables, tmp_path)):
        import_file(None, "kumkm", path, mode=ImportBatch.Mode.ACCEPT_VALID)
    counts = load_links(None, ["33.10.01"], seed=1)
    assert Cooperative.objects.filter(type="merah_putih", village_id=KLATEN_VILLAGE).exists()
    assert counts["members"] == Membership.objects.count() > 0
    assert counts["units"] == 7
    with pytest.raises(ValueError, match="already loaded"):
        load_links(None, ["33.10.01"], seed=1)
