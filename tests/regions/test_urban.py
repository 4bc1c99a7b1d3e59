"""Which villages are urban: kelurahan by kind, desa from a list loaded as data."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from entas.regions.models import Region
from entas.regions.urban import area_of, load_urban_villages

pytestmark = pytest.mark.django_db
DESA, OTHER_DESA, KELURAHAN = "33.10.01.2001", "33.10.01.2002", "33.01.21.1001"


def test_a_kelurahan_is_urban_and_a_desa_is_rural_until_listed(tmp_path: Path) -> None:
    assert area_of(Region.objects.get(code=KELURAHAN)) == "urban"
    assert area_of(Region.objects.get(code=DESA)) == "rural"
    listed = tmp_path / "urban.csv"
    listed.write_text(f"code\n{DESA}\n99.99.99.9999\n", encoding="utf-8")
    result = load_urban_villages(listed)
    assert (result.urban, result.unknown) == (1, ["99.99.99.9999"])
    assert area_of(Region.objects.get(code=DESA)) == "urban"
    # The file is the whole list: loading another one unflags the desa it no longer names.
    listed.write_text(f"code\n{OTHER_DESA}\n", encoding="utf-8")
    load_urban_villages(listed)
    assert list(Region.objects.filter(urban=True).values_list("code", flat=True)) == [OTHER_DESA]


def test_the_command_reads_the_configured_file_and_names_a_bad_line(tmp_path: Path) -> None:
    listed = tmp_path / "urban.csv"
    listed.write_text(f"kode\n{DESA}\n33.10\n", encoding="utf-8")
    with override_settings(URBAN_VILLAGES_FILE=str(listed)), pytest.raises(CommandError) as error:
        call_command("load_urban_villages")
    assert "urban.csv line 3: code: '33.10' is not a village" in str(error.value)
    assert not Region.objects.filter(urban=True).exists()
    listed.write_text(f"kode\n{DESA}\n", encoding="utf-8")
    with override_settings(URBAN_VILLAGES_FILE=str(listed)):
        call_command("load_urban_villages")
    assert Region.objects.get(code=DESA).urban is True


def test_the_command_without_a_file_says_how_to_give_one() -> None:
    with override_settings(URBAN_VILLAGES_FILE=""), pytest.raises(CommandError, match="ENTAS_URBAN_VILLAGES_FILE"):
        call_command("load_urban_villages")
