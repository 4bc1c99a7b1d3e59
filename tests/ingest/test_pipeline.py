"""The streaming step, the command line, and the import as a whole with small chunks."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from entas.ingest.models import ImportBatch
from entas.ingest.pipeline import prefetched
from entas.registry.models import Person
from tests.ingest.samples import KK1, PEOPLE_HEADER, load_households, nik, person, run, write


def test_prefetching_keeps_order_and_hands_errors_to_the_consumer() -> None:
    def items() -> Iterator[int]:
        yield from range(5)
        raise ValueError("chunk 6 is broken")

    seen: list[int] = []
    with pytest.raises(ValueError, match="chunk 6 is broken"):
        seen.extend(prefetched(items()))
    assert seen == [0, 1, 2, 3, 4]


def test_a_consumer_that_stops_early_stops_the_producer() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for i in range(1000):
            produced.append(i)
            yield i

    for item in prefetched(items()):
        if item == 2:
            break
    assert len(produced) < 10


@pytest.mark.django_db
def test_a_file_imported_in_many_small_chunks_streams_through_staging(tmp_path: Path) -> None:
    load_households(tmp_path, KK1)
    people = [person(nik(date(1990, 1, 1), serial=i), name=f"Orang {i}", born="1990-01-01") for i in range(1, 3001)]
    batch = run(write(tmp_path, "people.csv", [PEOPLE_HEADER, *people]), chunk_bytes=4096)
    assert (batch.status, batch.inserted, batch.rows_total) == (ImportBatch.Status.DONE, 3000, 3000)
    assert Person.objects.filter(member_since=date(2025, 7, 31)).count() == 3000


@pytest.mark.django_db
def test_the_command_imports_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load_households(tmp_path, KK1)
    path = write(tmp_path, "people.csv", [PEOPLE_HEADER, person(nik(date(1980, 5, 17)))])
    call_command("import_data", "registry", str(path), "--no-progress", "--date", "2025-07-31")
    assert "1 inserted, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_fails_with_the_reason(tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", [PEOPLE_HEADER, person(nik(date(1980, 5, 17))[:15])])
    with translation.override("en"), pytest.raises(CommandError, match=r"row 2: nik: 15 digits, expected 16"):
        call_command("import_data", "registry", str(path), "--no-progress")
    with pytest.raises(CommandError, match=r"--kind: choose one of households, people, assistance, auto"):
        call_command("import_data", "registry", str(path), "--kind", "enterprises", "--no-progress")
