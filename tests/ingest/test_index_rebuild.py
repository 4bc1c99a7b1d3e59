"""A merge that grows its table by a third or more builds the secondary indexes anew (PostgreSQL), and
leaves them exactly as they were, whether the import lands or fails."""

from datetime import date
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from entas.ingest import upsert
from entas.ingest.models import ImportBatch
from entas.ingest.staging import rows
from entas.registry.models import Person
from tests.ingest.samples import (
    KK1,
    PEOPLE_HEADER,
    indexes,
    load_households,
    nik,
    person,
    run,
    statements_of,
    write,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="index rebuilds are a PostgreSQL path"),
]


def people(count: int) -> list[str]:
    return [person(nik(date(1990, 1, 1), serial=i), name=f"Orang {i}", born="1990-01-01") for i in range(1, count + 1)]


@pytest.fixture
def rebuild_small_merges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upsert, "REBUILD_MIN_ROWS", 0)


@pytest.mark.usefixtures("rebuild_small_merges")
def test_a_first_load_rebuilds_the_indexes_as_they_were(tmp_path: Path) -> None:
    load_households(tmp_path, KK1)
    before = {Person._meta.db_table: indexes(Person._meta.db_table)}
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *people(50)]))
    assert (batch.status, batch.inserted) == (ImportBatch.Status.DONE, 50)
    assert {table: indexes(table) for table in before} == before
    assert Person.objects.filter(member_since__isnull=False).count() == 50


@pytest.mark.usefixtures("rebuild_small_merges")
def test_the_rebuilt_unique_index_still_refuses_a_second_nik(tmp_path: Path) -> None:
    load_households(tmp_path, KK1)
    run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *people(10)]))
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(nik=Person.objects.first().nik, full_name="Dua")  # type: ignore[union-attr]


@pytest.mark.usefixtures("rebuild_small_merges")
def test_a_failed_merge_leaves_the_indexes_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_households(tmp_path, KK1)
    before = indexes(Person._meta.db_table)

    def broken(*args: object, **kwargs: object) -> dict[str, int]:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("entas.registry.importer.open_memberships", broken)
    with pytest.raises(RuntimeError, match="the disk is full"):
        run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *people(20)]))
    assert indexes(Person._meta.db_table) == before
    assert Person.objects.count() == 0


def test_a_small_merge_into_a_large_table_keeps_its_indexes(tmp_path: Path) -> None:
    # The default threshold: 30 new people are far below it, so nothing is dropped.
    load_households(tmp_path, KK1)
    statements = statements_of(lambda: run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *people(30)])))
    assert not [sql for sql in statements if "DROP INDEX" in sql or "DROP CONSTRAINT" in sql]


def test_ids_keep_growing_after_a_bulk_insert_drew_them_in_blocks(tmp_path: Path) -> None:
    load_households(tmp_path, KK1)
    first = run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *people(20)]))
    highest = max(Person.objects.values_list("id", flat=True))
    # The rest of the block is dropped: a row written by hand, and the next import, come after it.
    by_hand = Person.objects.create(nik="3310014101900999", full_name="Tangan")
    assert by_hand.pk > highest
    more = run(write(tmp_path, "more.csv", [PEOPLE_HEADER, *people(25)]))
    assert (first.inserted, more.inserted, more.unchanged) == (20, 5, 20)
    assert min(Person.objects.filter(batch=more).values_list("id", flat=True)) > by_hand.pk
    assert rows("SELECT seqcache FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence(%s, 'id')::regclass",
                [Person._meta.db_table]) == [(1,)]
