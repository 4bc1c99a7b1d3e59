import shutil
from pathlib import Path

import pytest

from entas.regions.codes import Kind
from entas.regions.loader import DATA_DIR, RegionFileError, load_regions
from entas.regions.models import Region

pytestmark = pytest.mark.django_db


def test_it_holds_every_region_of_kemendagri_2025() -> None:
    assert Region.objects.filter(level=1).count() == 38
    assert Region.objects.filter(level=2).count() == 514
    assert Region.objects.filter(level=3).count() == 7285
    assert Region.objects.filter(level=4).count() == 83762
    assert Region.objects.filter(kind=Kind.KABUPATEN).count() == 416
    assert Region.objects.filter(kind=Kind.KOTA).count() == 98
    assert Region.objects.filter(kind=Kind.DESA).count() == 75252
    assert Region.objects.filter(kind=Kind.DESA_ADAT).count() == 14
    assert Region.objects.filter(kind=Kind.KELURAHAN).count() == 8496


def test_a_second_load_of_unchanged_files_is_skipped() -> None:
    assert load_regions(progress=lambda _: None).skipped


def test_a_forced_reload_changes_nothing() -> None:
    before = Region.objects.get(code="33.10")
    result = load_regions(force=True, progress=lambda _: None)
    assert not result.skipped
    assert Region.objects.count() == 91599
    assert Region.objects.get(code="33.10").name == before.name


def _copy_with(tmp_path: Path, name: str, extra_line: str) -> Path:
    for item in DATA_DIR.glob("*.csv"):
        shutil.copy(item, tmp_path / item.name)
    with (tmp_path / name).open("a", encoding="utf-8") as handle:
        handle.write(extra_line)
    return tmp_path


def test_it_rejects_a_village_whose_district_is_unknown(tmp_path: Path) -> None:
    folder = _copy_with(tmp_path, "villages.csv", "99.99.99.2001,99.99.99,Desa Tidak Ada\n")
    with pytest.raises(RegionFileError, match=r"villages.csv line 83764: code: parent region '99.99.99'"):
        load_regions(folder, progress=lambda _: None)
    assert not Region.objects.filter(code="99.99.99.2001").exists()


def test_it_rejects_a_malformed_code_naming_file_and_line(tmp_path: Path) -> None:
    folder = _copy_with(tmp_path, "regencies.csv", "33.1,33,Kabupaten Salah\n")
    with pytest.raises(RegionFileError, match=r"regencies.csv line 516: code: '33.1' is not"):
        load_regions(folder, progress=lambda _: None)
