"""Making users facilitators: one at a time (an existing user, or her account created with her)
and in bulk from a file, all or nothing, each bad row named with its row and field."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core import sheets
from entas.core.models import AuditEntry
from entas.programmes import facilitator_import, services, welcome
from entas.programmes.models import Facilitator

pytestmark = pytest.mark.django_db

HEADER = ["username", "first_name", "last_name", "email", "agency", "region", "capacity", "yearly_target"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def xlsx(tmp_path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    out = io.BytesIO()
    book = sheets.workbook(out, in_memory=True)
    sheet = book.add_worksheet("Pendamping")
    for number, row in enumerate([header, *rows]):
        sheets.write_row(book, sheet, number, row)
    book.close()
    path = tmp_path / "pendamping.xlsx"
    path.write_bytes(out.getvalue())
    return path


def good(n: int, region: str = "33.10.01") -> list[list[object]]:
    return [[f"pendamping{i}", "Siti", f"Nomor {i}", "", "kemenkop", region, 30, 10] for i in range(n)]


def problems(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " | ".join(error.value.message_dict["file"])


def nothing_written() -> bool:
    return not User.objects.filter(username__startswith="pendamping").exists() and not Facilitator.objects.exists()


def test_an_account_is_created_with_the_facilitator_and_signs_in_by_link(agency: Agency, klaten_officer: User) -> None:
    made = services.register_facilitator(klaten_officer, username="siti", first_name="Siti", agency=agency,
                                         region_code="33.10.01.2001", capacity=25, yearly_target=12)
    user = made.user
    assert (user.role, user.region_id, user.has_usable_password()) == (Role.FACILITATOR, "33.10.01", False)
    assert (made.region_id, made.capacity, made.yearly_target) == ("33.10.01.2001", 25, 12)
    assert welcome.waiting(Facilitator.objects.all()).get() == made
    assert welcome.FIRST_SIGN_IN.check_token(user, welcome.link_path(user).rstrip("/").rsplit("/", 1)[1])


def test_an_existing_user_becomes_a_facilitator(agency: Agency, make_user: object) -> None:
    user = make_user("lama", Role.FACILITATOR, "33.10")  # type: ignore[operator]
    made = services.register_facilitator(None, user=user, agency=agency, region_code="33.10.01")
    assert made.user == user and user.has_usable_password()
    with pytest.raises(ValidationError) as error:
        services.register_facilitator(None, user=user, agency=agency, region_code="33.10.01")
    assert "already a facilitator" in error.value.message_dict["user"][0]


def test_an_officer_may_not_register_outside_her_region(agency: Agency, klaten_officer: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.register_facilitator(klaten_officer, username="jauh", agency=agency, region_code="53.01.04")
    assert "outside your region" in error.value.message_dict["region"][0]
    assert not User.objects.filter(username="jauh").exists()


def test_a_file_makes_every_account_and_facilitator(agency: Agency, tmp_path: Path, national_admin: User) -> None:
    result = facilitator_import.register_facilitators(national_admin, xlsx(tmp_path, good(50)))
    assert result.created == 50
    made = Facilitator.objects.select_related("user")
    assert made.count() == 50 and not any(f.user.has_usable_password() for f in made)
    assert {f.user.role for f in made} == {Role.FACILITATOR}
    assert AuditEntry.objects.get(action="facilitator.registered").details["rows"] == 50


def test_a_file_with_an_unknown_region_code_writes_nothing(agency: Agency, tmp_path: Path) -> None:
    rows = good(3)
    rows[1][5] = "99.99"
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, xlsx(tmp_path, rows))
    assert "row 3, region: '99.99' is not a region code" in problems(error)
    assert nothing_written()


def test_a_file_with_a_duplicate_username_writes_nothing(agency: Agency, tmp_path: Path) -> None:
    rows = good(3)
    rows[2][0] = "pendamping0"
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, xlsx(tmp_path, rows))
    assert "row 4, username: 'pendamping0' is already on row 2" in problems(error)
    assert nothing_written()


def test_a_username_already_taken_is_named(agency: Agency, tmp_path: Path, make_user: object) -> None:
    make_user("pendamping1")  # type: ignore[operator]
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, xlsx(tmp_path, good(2)))
    assert "row 3, username: 'pendamping1' is taken" in problems(error)
    assert not Facilitator.objects.exists()


def test_a_file_with_a_missing_agency_writes_nothing(agency: Agency, tmp_path: Path) -> None:
    rows = good(2)
    rows[0][4] = ""
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, xlsx(tmp_path, rows))
    assert "row 2, agency: missing" in problems(error)
    assert nothing_written()


def test_a_file_with_a_non_numeric_capacity_writes_nothing(agency: Agency, tmp_path: Path) -> None:
    rows = good(2)
    rows[1][6] = "tiga puluh"
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, xlsx(tmp_path, rows))
    assert "row 3, capacity: 'tiga puluh' is not a whole number of 1 or more" in problems(error)
    assert nothing_written()


def test_a_truncated_file_is_refused(agency: Agency, tmp_path: Path) -> None:
    whole = xlsx(tmp_path, good(20)).read_bytes()
    broken = tmp_path / "putus.xlsx"
    broken.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, broken)
    assert "cannot be read" in problems(error)
    assert nothing_written()


def test_a_file_in_a_wrong_encoding_is_refused(agency: Agency, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    text = ",".join(HEADER) + "\npendamping0,Siti,,,kemenkop,33.10.01,30,10\n"
    path.write_bytes(text.encode("utf-16-le"))
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, path)
    assert "cannot be read" in problems(error) or "header" in problems(error)
    assert nothing_written()


def test_a_file_without_the_required_columns_names_them(agency: Agency, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(None, xlsx(tmp_path, [["x", "y"]], header=["username", "nama"]))
    assert "lacks the column(s) agency, region" in problems(error)


def test_an_officers_file_stays_inside_her_region(agency: Agency, tmp_path: Path, klaten_officer: User) -> None:
    rows = good(2)
    rows[1][5] = "53.01.04"
    with pytest.raises(ValidationError) as error:
        facilitator_import.register_facilitators(klaten_officer, xlsx(tmp_path, rows))
    assert "row 3, region: 53.01.04 is outside your region 33.10" in problems(error)
    assert nothing_written()


def test_the_template_has_the_columns_and_the_agency_codes(agency: Agency) -> None:
    content = facilitator_import.template_workbook()
    assert content.startswith(b"PK")
