"""BPS poverty lines per province, area and period: entered one at a time or imported from a file
through the shared pipeline, all or nothing, with a message naming the row and the field."""

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.graduation import rules
from entas.graduation.models import Area, PovertyLine
from entas.graduation.poverty import line_for
from entas.ingest.models import ImportBatch
from entas.ingest.services import import_file
from entas.regions.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
HEADER = "province,area,valid_from,amount,source\n"


def imported(tmp_path: Path, actor: User, body: str, name: str = "garis.csv") -> ImportBatch:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return import_file(actor, "poverty_lines", path)


def test_a_file_sets_lines_by_province_code_or_name_area_and_period(tmp_path: Path, national_admin: User) -> None:
    batch = imported(tmp_path, national_admin, "33,perkotaan,2025-03,598.000,BPS Maret 2025\n"
                                               "Jawa Tengah,perdesaan,Maret 2025,560000,BPS Maret 2025\n"
                                               "jawa tengah,total,2025-09-01,575000,\n")
    assert batch.status == ImportBatch.Status.DONE, batch.error_message
    assert sorted(PovertyLine.objects.values_list("province_id", "area", "valid_from", "amount")) == [
        ("33", "rural", datetime.date(2025, 3, 1), 560_000), ("33", "total", datetime.date(2025, 9, 1), 575_000),
        ("33", "urban", datetime.date(2025, 3, 1), 598_000)]
    again = imported(tmp_path, national_admin, "33,urban,2025-03,600000,BPS revisi\n")
    assert (again.inserted, again.updated) == (0, 1)
    assert PovertyLine.objects.get(area=Area.URBAN).amount == 600_000


@pytest.mark.parametrize(("body", "words"), [
    ("99,perkotaan,2025-03,598000,\n", "row 2: province: '99' is not a province code or name"),
    ("Atlantis,perkotaan,2025-03,598000,\n", "row 2: province: 'Atlantis' is not a province code or name"),
    ("33,perkotaan,2025-03,-598000,\n", "row 2: amount: -598000: a poverty line is an amount of rupiah above 0"),
    ("33,pegunungan,2025-03,598000,\n", "row 2: area: 'pegunungan' is not an area"),
    ("33,perkotaan,Maretan,598000,\n", "row 2: valid_from: 'Maretan' is not a period"),
    ("33,perkotaan,2025-03,598000,\nJawa Tengah,urban,2025-03-01,600000,\n",
     "row 2: valid_from: appears 2 times in this file (rows 2 and 3)"),
])
def test_a_bad_poverty_line_file_writes_nothing_and_names_the_row(tmp_path: Path, national_admin: User, body: str,
                                                                   words: str) -> None:
    batch = imported(tmp_path, national_admin, "33,perdesaan,2025-03,560000,\n" + body.replace("row 2", "row 3"))
    assert batch.status == ImportBatch.Status.FAILED
    assert words.replace("row 2", "row 3").replace("rows 2 and 3", "rows 3 and 4") in batch.error_message
    assert not PovertyLine.objects.exists()


def test_only_a_national_administrator_imports_poverty_lines(tmp_path: Path, make_user: Callable[..., User]) -> None:
    officer = make_user("pejabat", Role.REGIONAL_OFFICER, "33.10")
    batch = imported(tmp_path, officer, "33,perkotaan,2025-03,598000,\n")
    assert batch.status == ImportBatch.Status.FAILED
    assert "only a national administrator" in batch.error_message
    assert not PovertyLine.objects.exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"province_code": "99"}, "province"), ({"amount": -5}, "amount"), ({"amount": 0}, "amount"),
    ({"area": "pegunungan"}, "area"),
])
def test_a_bad_poverty_line_is_refused_naming_the_field(fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"province_code": "33", "valid_from": datetime.date(2025, 3, 1), "amount": 550_000,
                                 "area": Area.URBAN} | fields
    with translation.override("en"), pytest.raises(ValidationError) as error:
        rules.set_poverty_line(None, **values)  # type: ignore[arg-type]
    assert list(error.value.message_dict) == [field]
    assert not PovertyLine.objects.exists()


def test_a_village_reads_its_area_line_valid_on_the_date(db: None) -> None:
    march, september = datetime.date(2025, 3, 1), datetime.date(2025, 9, 1)
    rules.set_poverty_line(None, province_code="33", area=Area.URBAN, valid_from=march, amount=598_000)
    rules.set_poverty_line(None, province_code="33", area=Area.RURAL, valid_from=march, amount=560_000)
    rules.set_poverty_line(None, province_code="33", area=Area.RURAL, valid_from=september, amount=570_000)
    kelurahan, desa = Region.objects.get(code="33.01.21.1001"), Region.objects.get(code="33.10.01.2001")
    found = line_for(desa, datetime.date(2025, 8, 31)).line
    assert found is not None and found.amount == 560_000
    found = line_for(desa, datetime.date(2025, 9, 1)).line
    assert found is not None and found.amount == 570_000
    found = line_for(kelurahan, datetime.date(2025, 12, 1)).line
    assert found is not None and found.amount == 598_000
    missing = line_for(kelurahan, datetime.date(2025, 2, 1))
    assert missing.line is None
    with translation.override("en"):
        assert missing.missing(datetime.date(2025, 2, 1)) == "no poverty line for Jawa Tengah, urban (perkotaan), 2025"
