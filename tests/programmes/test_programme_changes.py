"""Creating and changing a programme (services and pages): the target group, and bad input named
by field with nothing written."""

import datetime
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import Agency, User
from entas.core.models import AuditEntry
from entas.programmes import services
from entas.programmes.models import PriorityList, Programme
from tests.conftest import english_client
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The messages are checked in English; Indonesian is the default (their translations: the .po).
    with translation.override("en"):
        yield


def fields(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.value.message_dict.items()}


def saved_list(prog: Programme, name: str = "Daftar") -> PriorityList:
    return services.save_priority_list(None, prog, name=name, weights={"extreme_poor": 1}, limit=2)


def test_it_changes_the_target_group_and_audits_the_changed_fields(agency: Agency, national_admin: User) -> None:
    prog = programme(agency)
    chosen = saved_list(prog)
    services.change_programme(national_admin, prog, decile_min=1, decile_max=3, extreme_poor_only=True,
                              assistance=["PKH", "SEMBAKO"], priority_list=chosen, budget=7)
    prog.refresh_from_db()
    assert (prog.decile_max, prog.extreme_poor_only, prog.assistance, prog.priority_list) == (
        3, True, ["PKH", "SEMBAKO"], chosen)
    entry = AuditEntry.objects.filter(action="programme.changed").get()
    assert entry.details["changed"]["decile_max"] == [2, 3]
    assert entry.details["changed"]["priority_list"] == [None, chosen.pk]
    assert "name" not in entry.details["changed"]


def test_a_programme_ending_before_it_starts_is_refused_on_change(agency: Agency) -> None:
    prog = programme(agency)
    with pytest.raises(ValidationError) as error:
        services.change_programme(None, prog, end=datetime.date(2024, 12, 31))
    assert "31 December 2024 is before the start 1 January 2025" in fields(error)["end"]
    prog.refresh_from_db()
    assert prog.end == datetime.date(2027, 12, 31)
    assert not AuditEntry.objects.filter(action="programme.changed").exists()


def test_a_reversed_desil_range_is_refused(agency: Agency) -> None:
    with pytest.raises(ValidationError) as error:
        programme(agency, decile_min=4, decile_max=2)
    assert "reversed" in fields(error)["decile_min"]
    assert not Programme.objects.exists()


def test_a_priority_list_of_another_programme_is_refused(agency: Agency) -> None:
    mine, other = programme(agency), programme(agency, name="Lain")
    theirs = saved_list(other)
    with pytest.raises(ValidationError) as error:
        services.change_programme(None, mine, priority_list=theirs, decile_max=3)
    assert "belongs to another programme" in fields(error)["priority_list"]
    mine.refresh_from_db()
    assert mine.priority_list is None and mine.decile_max == 2


def test_an_unknown_assistance_code_is_refused(agency: Agency) -> None:
    with pytest.raises(ValidationError) as error:
        programme(agency, assistance=["PKH", "BLT"])
    assert "BLT" in fields(error)["assistance"]


def test_only_a_national_administrator_changes_a_programme(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    with pytest.raises(ValidationError):
        services.change_programme(klaten_officer, prog, budget=1)


def form_data(agency: Agency, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Graduasi Baru", "lead_agency": agency.pk, "start": "2026-01-01", "end": "2028-12-31",
        "budget": "1000000", "decile_min": "1", "decile_max": "2", "extreme_poor_only": "on",
        "assistance": ["PKH"], "priority_locations_only": "", "yearly_target": "10"}
    data.update(changes)
    return data


def test_an_administrator_creates_and_edits_a_programme_in_the_browser_forms(agency: Agency,
                                                                            national_admin: User) -> None:
    client = english_client(national_admin)
    assert "programmes/new/" in client.get("/programmes/").content.decode()
    answer = client.post("/programmes/new/", form_data(agency))
    prog = Programme.objects.get(name="Graduasi Baru")
    assert answer.status_code == 302 and answer["Location"] == f"/programmes/{prog.pk}/"
    assert prog.extreme_poor_only and prog.assistance == ["PKH"]
    page = client.get(f"/programmes/{prog.pk}/edit/").content.decode()
    assert 'value="2026-01-01"' in page  # ISO in type=date, whatever the locale
    chosen = saved_list(prog)
    answer = client.post(f"/programmes/{prog.pk}/edit/", form_data(agency, priority_list=chosen.pk, decile_max="3",
                                                                   priority_locations_only="on"))
    assert answer.status_code == 302
    prog.refresh_from_db()
    assert prog.priority_list == chosen and prog.decile_max == 3 and prog.priority_locations_only


def test_the_edit_page_names_the_field_of_a_reversed_desil_range(agency: Agency, national_admin: User) -> None:
    prog = programme(agency)
    client = english_client(national_admin)
    answer = client.post(f"/programmes/{prog.pk}/edit/", form_data(agency, decile_min="5", decile_max="2"),
                         HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert "desil range is reversed" in answer.content.decode()
    prog.refresh_from_db()
    assert prog.decile_min == 1 and prog.name == "Graduasi KPM 2025"


def test_the_edit_page_refuses_another_programmes_list(agency: Agency, national_admin: User) -> None:
    prog, other = programme(agency), programme(agency, name="Lain")
    answer = english_client(national_admin).post(f"/programmes/{prog.pk}/edit/", form_data(
        agency, name=prog.name, priority_list=saved_list(other).pk))
    assert answer.status_code == 400
    prog.refresh_from_db()
    assert prog.priority_list is None


def test_an_officer_may_not_open_the_programme_forms(agency: Agency, klaten_officer: User) -> None:
    prog = programme(agency)
    client = english_client(klaten_officer)
    assert client.get("/programmes/new/").status_code == 403
    assert client.post(f"/programmes/{prog.pk}/edit/", form_data(agency)).status_code == 403
    assert "programmes/new/" not in client.get("/programmes/").content.decode()
