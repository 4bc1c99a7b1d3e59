"""A family's consent to be contacted by a cooperative: recorded by its facilitator or an officer of
its region on the family's page (graduation.consent), audited, the phone checked; withdrawn at once."""

import datetime
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.graduation import services
from entas.graduation.consent import phone_number, record_contact_consent
from entas.graduation.models import Enrolment
from entas.programmes.models import Facilitator, Programme
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.programmes.factories import KUPANG_VILLAGE, TODAY, facilitator

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(agency: Agency) -> Facilitator:
    return facilitator(agency, "pendamping")


@pytest.fixture
def colleague(agency: Agency) -> Facilitator:
    return facilitator(agency, "rekan")


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client: Client, enrolment: Enrolment, **data: str) -> tuple[int, str]:
    response = client.post(f"/programmes/enrolments/{enrolment.pk}/consent/", data)
    return response.status_code, response.content.decode()


def test_her_facilitator_records_consent_on_the_family_page(prog: Programme, mine: Facilitator) -> None:
    enrolment = enrol(prog, fac=mine)
    client = english(mine.user)
    page = client.get(f"/programmes/enrolments/{enrolment.pk}/").content.decode()
    assert f"/programmes/enrolments/{enrolment.pk}/consent/" in page
    assert client.get(f"/programmes/enrolments/{enrolment.pk}/consent/").status_code == 200
    status, _ = post(client, enrolment, consent="on", phone="0812 3456 7890", on="2025-08-01")
    assert status == 302
    enrolment.refresh_from_db()
    assert (enrolment.contact_consent, enrolment.contact_consent_on, enrolment.contact_phone) == (
        True, datetime.date(2025, 8, 1), "081234567890")
    entry = AuditEntry.objects.get(action="enrolment.consent_recorded", actor=mine.user)
    assert entry.details["consent"] is True and "081234567890" not in str(entry.details)


def test_an_officer_of_the_region_records_it_too(prog: Programme, klaten_officer: User) -> None:
    enrolment = enrol(prog)
    assert post(english(klaten_officer), enrolment, consent="on", phone="+62 812-3456-7890")[0] == 302
    enrolment.refresh_from_db()
    assert enrolment.contact_phone == "+6281234567890" and enrolment.contact_consent_on is not None


def test_a_facilitator_cannot_record_consent_outside_her_caseload(
        prog: Programme, mine: Facilitator, colleague: Facilitator) -> None:
    theirs = enrol(prog, fac=colleague)
    client = english(mine.user)
    assert client.get(f"/programmes/enrolments/{theirs.pk}/consent/").status_code == 404
    assert post(client, theirs, consent="on", phone="081234567890")[0] == 404
    assert AuditEntry.objects.filter(action="scope.denied", actor=mine.user).count() == 2
    with pytest.raises(ValidationError) as refused:
        record_contact_consent(mine.user, theirs, consent=True, phone="081234567890")
    assert "enrolment" in refused.value.message_dict
    theirs.refresh_from_db()
    assert not theirs.contact_consent


def test_an_officer_of_another_region_gets_404(prog: Programme, kupang_officer: User) -> None:
    assert post(english(kupang_officer), enrol(prog), consent="on")[0] == 404


def test_a_cooperative_manager_and_an_analyst_are_refused(
        prog: Programme, make_user: Callable[..., User]) -> None:
    enrolment = enrol(prog)
    for role in (Role.COOPERATIVE_MANAGER, Role.ANALYST):
        user = make_user(f"u-{role}", role, "33.10.01")
        assert post(english(user), enrolment, consent="on")[0] == 403
        with pytest.raises(ValidationError):
            record_contact_consent(user, enrolment, consent=True)
    enrolment.refresh_from_db()
    assert not enrolment.contact_consent


@pytest.mark.parametrize("phone", ["12345", "0812", "+1 202 555 0100", "08123456789012345", "telepon", "0012345678"])
def test_a_bad_phone_number_is_refused_naming_the_field(prog: Programme, klaten_officer: User, phone: str) -> None:
    enrolment = enrol(prog)
    status, body = post(english(klaten_officer), enrolment, consent="on", phone=phone)
    assert status == 400 and "is not an Indonesian phone number" in body
    with pytest.raises(ValidationError) as refused:
        record_contact_consent(klaten_officer, enrolment, consent=True, phone=phone)
    assert list(refused.value.message_dict) == ["phone"]
    enrolment.refresh_from_db()
    assert not enrolment.contact_consent and not AuditEntry.objects.filter(action="enrolment.consent_recorded").exists()


@pytest.mark.parametrize(("typed", "kept"), [("081234567890", "081234567890"), ("(0274) 496-123", "0274496123"),
                                             ("6281234567890", "+6281234567890"), ("+62.812.3456.7890",
                                                                                    "+6281234567890")])
def test_indonesian_numbers_are_kept_without_separators(typed: str, kept: str) -> None:
    assert phone_number(typed) == kept


def test_a_consent_without_a_phone_is_kept(prog: Programme) -> None:
    enrolment = record_contact_consent(None, enrol(prog), consent=True, on=TODAY)
    assert enrolment.contact_consent and enrolment.contact_phone == ""


def test_withdrawing_consent_forgets_the_phone(prog: Programme, klaten_officer: User) -> None:
    enrolment = record_contact_consent(None, enrol(prog), consent=True, phone="081234567890", on=TODAY)
    assert post(english(klaten_officer), enrolment, phone="081234567890")[0] == 302  # box unticked
    enrolment.refresh_from_db()
    assert (enrolment.contact_consent, enrolment.contact_consent_on, enrolment.contact_phone) == (False, None, "")


def test_a_date_before_enrolment_or_in_the_future_is_refused(prog: Programme, klaten_officer: User) -> None:
    enrolment = enrol(prog)
    client = english(klaten_officer)
    for day in ("2025-07-30", "2999-01-01"):
        status, body = post(client, enrolment, consent="on", on=day)
        assert status == 400 and day in body
    enrolment.refresh_from_db()
    assert not enrolment.contact_consent


def test_a_family_that_left_the_programme_cannot_consent(prog: Programme) -> None:
    enrolment = enrol(prog)
    services.exit_enrolment(None, enrolment, reason="moved", on=TODAY)
    with pytest.raises(ValidationError) as refused:
        record_contact_consent(None, enrolment, consent=True, on=TODAY)
    assert list(refused.value.message_dict) == ["consent"]


def test_a_kupang_family_is_not_recorded_by_a_klaten_facilitator(prog: Programme, agency: Agency) -> None:
    far = enrol(prog, KUPANG_VILLAGE, fac=facilitator(agency, "kupang", "53.01.04"))
    with pytest.raises(ValidationError):
        record_contact_consent(facilitator(agency, "klaten").user, far, consent=True)
