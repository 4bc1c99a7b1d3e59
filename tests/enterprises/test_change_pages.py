"""The pages that join and remove members, record and end jobs, form groups, add group members and
register cooperatives: each goes through its service (audited, rules checked), shows a refusal on
the form naming the field, writes nothing then, and answers 404 for anything outside the scope."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises import services
from entas.enterprises.models import Cooperative, Enterprise, Group, GroupMember, Job, Membership
from entas.registry.models import Person
from tests.conftest import client_for
from tests.enterprises.factories import KLATEN_VILLAGE, KUPANG_VILLAGE, cooperative, enterprise, person

pytestmark = pytest.mark.django_db
D = datetime.date
SITI = "3310014105850001"
MARIA = "5301044105850001"


@pytest.fixture
def world() -> dict[str, object]:
    siti = person("3310010101850001", KLATEN_VILLAGE, name="Siti Aminah")
    maria = person("5301040101850001", KUPANG_VILLAGE, name="Maria Bria")
    kupang_coop = cooperative("KDMP Kupang", KUPANG_VILLAGE, registration_number="5301040001")
    kupang = enterprise("Tenun Ikat Kupang", KUPANG_VILLAGE, nib="5301000000001", kbli_code="14111")
    return {
        "siti": siti, "maria": maria, "coop": cooperative("KDMP Klaten", KLATEN_VILLAGE),
        "kupang_coop": kupang_coop, "enterprise": enterprise("Keripik Klaten", KLATEN_VILLAGE), "kupang": kupang,
        "kupang_membership": services.join_cooperative(None, kupang_coop, maria, joined=D(2025, 1, 1)),
        "kupang_job": services.record_job(None, kupang, maria, start=D(2025, 1, 1)),
        "kupang_group": services.form_group(None, name="Kelompok Tenun", kind="kelompok", sector="C",
                                            region_code="53.01", formed=D(2025, 1, 1)),
    }


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_officer_joins_a_person_to_a_cooperative(klaten_officer: User, world: dict) -> None:
    coop, client = world["coop"], english(klaten_officer)
    response = client.post(f"/enterprises/cooperatives/{coop.pk}/join/", {
        "nik": SITI, "joined": "2025-02-01", "share_principal": "100000", "share_mandatory": "20000"})
    assert response.status_code == 302 and response["Location"] == f"/enterprises/cooperatives/{coop.pk}/"
    member = Membership.objects.get(cooperative=coop)
    assert (member.person, member.share_principal, member.share_mandatory) == (world["siti"], 100_000, 20_000)
    assert AuditEntry.objects.filter(action="cooperative.member_joined", actor=klaten_officer).exists()
    page = client.get(f"/enterprises/cooperatives/{coop.pk}/").content.decode()
    assert f"/enterprises/memberships/{member.pk}/leave/" in page and "The member has joined." in page


def test_joining_twice_is_refused_on_the_form(klaten_officer: User, world: dict) -> None:
    services.join_cooperative(None, world["coop"], world["siti"], joined=D(2025, 1, 1))
    response = english(klaten_officer).post(f"/enterprises/cooperatives/{world['coop'].pk}/join/", {
        "nik": SITI, "joined": "2025-03-01", "share_principal": "0", "share_mandatory": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors["nik"] == [
        "Siti Aminah is already a member of 'KDMP Klaten' since 2025-01-01."]
    assert Membership.objects.filter(cooperative=world["coop"]).count() == 1


def test_shares_given_as_text_are_refused(klaten_officer: User, world: dict) -> None:
    response = english(klaten_officer).post(f"/enterprises/cooperatives/{world['coop'].pk}/join/", {
        "nik": SITI, "joined": "2025-03-01", "share_principal": "2 M", "share_mandatory": "-5"})
    errors = response.context["form"].errors
    assert response.status_code == 400 and "share_principal" in errors and "share_mandatory" in errors
    assert not Membership.objects.filter(cooperative=world["coop"]).exists()


def test_a_person_outside_the_scope_cannot_be_joined(klaten_officer: User, world: dict) -> None:
    response = english(klaten_officer).post(f"/enterprises/cooperatives/{world['coop'].pk}/join/", {
        "nik": MARIA, "joined": "2025-03-01", "share_principal": "0", "share_mandatory": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors["nik"] == [
        f"No person with NIK {MARIA} in the registry inside your region."]


def test_leaving_before_joining_is_refused_then_a_leave_is_recorded(klaten_officer: User, world: dict) -> None:
    member = services.join_cooperative(None, world["coop"], world["siti"], joined=D(2025, 1, 1))
    client = english(klaten_officer)
    early = client.post(f"/enterprises/memberships/{member.pk}/leave/", {"left": "2024-12-31"})
    assert early.status_code == 400 and early.context["form"].errors["left"] == [
        "The leave date 2024-12-31 must be after the join date 2025-01-01."]
    assert client.post(f"/enterprises/memberships/{member.pk}/leave/", {"left": "2025-06-30"}).status_code == 302
    member.refresh_from_db()
    assert member.left == D(2025, 6, 30)
    assert AuditEntry.objects.filter(action="cooperative.member_left").count() == 1


def test_jobs_are_recorded_refused_twice_and_ended(klaten_officer: User, world: dict) -> None:
    firm, client = world["enterprise"], english(klaten_officer)
    data = {"nik": SITI, "start": "2025-02-01", "position": "penjual"}
    assert client.post(f"/enterprises/{firm.pk}/jobs/new/", data).status_code == 302
    again = client.post(f"/enterprises/{firm.pk}/jobs/new/", data | {"start": "2025-03-01"})
    assert again.status_code == 400
    assert again.context["form"].errors["nik"] == [
        "Siti Aminah already works at 'Keripik Klaten' since 1 February 2025."]
    job = Job.objects.get(enterprise=firm)
    early = client.post(f"/enterprises/jobs/{job.pk}/end/", {"end": "2025-01-01"})
    assert early.status_code == 400 and "must be after the start date" in early.context["form"].errors["end"][0]
    assert client.post(f"/enterprises/jobs/{job.pk}/end/", {"end": "2025-05-01"}).status_code == 302
    job.refresh_from_db()
    assert job.end == D(2025, 5, 1)
    assert AuditEntry.objects.filter(action__in=["job.recorded", "job.ended"], actor=klaten_officer).count() == 2


def test_a_group_is_formed_and_members_added(klaten_officer: User, world: dict) -> None:
    client = english(klaten_officer)
    response = client.post("/enterprises/groups/new/", {
        "name": "Sentra Keripik", "kind": "sentra", "sector": "C", "region": "33.10.01", "formed": "2025-01-10",
        "cooperative": "3310010001"})
    group = Group.objects.get(name="Sentra Keripik")
    assert response.status_code == 302 and response["Location"] == f"/enterprises/groups/{group.pk}/"
    assert group.cooperative == world["coop"]
    url = f"/enterprises/groups/{group.pk}/members/new/"
    assert client.post(url, {"nib": "1234567890123", "joined": "2025-01-10"}).status_code == 302
    assert client.post(url, {"nik": SITI, "joined": "2025-01-10"}).status_code == 302
    twice = client.post(url, {"nib": "1234567890123", "joined": "2025-02-10"})
    assert twice.status_code == 400 and twice.context["form"].errors["nib"] == [
        "Keripik Klaten is already a member of 'Sentra Keripik'."]
    both = client.post(url, {"nib": "1234567890123", "nik": SITI, "joined": "2025-02-10"})
    assert both.status_code == 400 and both.context["form"].non_field_errors()
    assert GroupMember.objects.filter(group=group).count() == 2


def test_a_group_outside_the_scope_is_refused(klaten_officer: User, world: dict) -> None:
    client = english(klaten_officer)
    outside = client.post("/enterprises/groups/new/", {
        "name": "Kelompok Lain", "kind": "kelompok", "sector": "A", "region": "53.01", "formed": "2025-01-10"})
    assert outside.status_code == 400
    assert outside.context["form"].errors["region"] == ["53.01 lies outside your region 33.10."]
    foreign_coop = client.post("/enterprises/groups/new/", {
        "name": "Kelompok Lain", "kind": "kelompok", "sector": "A", "region": "33.10", "formed": "2025-01-10",
        "cooperative": "5301040001"})
    assert foreign_coop.status_code == 400 and "cooperative" in foreign_coop.context["form"].errors
    assert not Group.objects.filter(name="Kelompok Lain").exists()


def test_a_second_merah_putih_in_a_village_is_refused_on_the_form(klaten_officer: User, world: dict) -> None:
    data = {"name": "KDMP Kedua", "type": "merah_putih", "village": KLATEN_VILLAGE, "registration_number": "3310010002"}
    response = english(klaten_officer).post("/enterprises/cooperatives/new/", data)
    assert response.status_code == 400
    assert "already has a Koperasi Desa/Kelurahan Merah Putih: 'KDMP Klaten'" in response.context["form"].errors[
        "village"][0]
    made = english(klaten_officer).post("/enterprises/cooperatives/new/", data | {"type": "savings_loan"})
    assert made.status_code == 302 and Cooperative.objects.get(name="KDMP Kedua").type == "savings_loan"


def test_a_klaten_officer_cannot_act_on_kupang_objects(klaten_officer: User, world: dict) -> None:
    client = english(klaten_officer)
    urls = {
        f"/enterprises/cooperatives/{world['kupang_coop'].pk}/join/": {
            "nik": MARIA, "joined": "2025-03-01", "share_principal": "0", "share_mandatory": "0"},
        f"/enterprises/memberships/{world['kupang_membership'].pk}/leave/": {"left": "2025-06-30"},
        f"/enterprises/{world['kupang'].pk}/jobs/new/": {"nik": MARIA, "start": "2025-03-01"},
        f"/enterprises/jobs/{world['kupang_job'].pk}/end/": {"end": "2025-06-30"},
        f"/enterprises/groups/{world['kupang_group'].pk}/members/new/": {"nik": MARIA, "joined": "2025-03-01"},
    }
    for url, data in urls.items():
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    kupang_village = english(klaten_officer).post("/enterprises/cooperatives/new/", {
        "name": "KSP Kupang", "type": "savings_loan", "village": KUPANG_VILLAGE})
    assert kupang_village.status_code == 400 and "village" in kupang_village.context["form"].errors
    assert Membership.objects.get().left is None and Job.objects.get().end is None
    assert (Membership.objects.count(), Job.objects.count(), GroupMember.objects.count()) == (1, 1, 0)
    assert not Cooperative.objects.filter(name="KSP Kupang").exists()


def test_the_kupang_officer_can_act_on_kupang_objects(kupang_officer: User, world: dict) -> None:
    url = f"/enterprises/memberships/{world['kupang_membership'].pk}/leave/"
    assert english(kupang_officer).post(url, {"left": "2025-06-30"}).status_code == 302


def test_an_analyst_only_reads(make_user: object, world: dict) -> None:
    analyst = make_user("analis", Role.ANALYST, "33.10")  # type: ignore[operator]
    client = english(analyst)
    assert client.get(f"/enterprises/cooperatives/{world['coop'].pk}/join/").status_code == 403
    assert client.post("/enterprises/groups/new/", {}).status_code == 403
    page = client.get(f"/enterprises/cooperatives/{world['coop'].pk}/").content.decode()
    assert "/join/" not in page
    assert Enterprise.objects.count() == 2 and Person.objects.count() == 2
