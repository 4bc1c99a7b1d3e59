"""The service rules: each refusal is a ValidationError naming the field, nothing is written, and
each change leaves one audit record."""

import datetime
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.core.models import AuditEntry
from entas.enterprises import services
from entas.enterprises.models import Cooperative, Enterprise, Job, Membership
from tests.enterprises.factories import (
    KLATEN_OTHER_VILLAGE,
    KLATEN_VILLAGE,
    KUPANG_VILLAGE,
    cooperative,
    enterprise,
    person,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The refusals are checked by their msgids (Indonesian is the default language)."""
    with translation.override("en"):
        yield


def refused(error: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    assert field in error.value.message_dict, error.value.message_dict
    return " ".join(error.value.message_dict[field])


def test_registering_an_enterprise_links_the_owner_derives_section_and_scale_and_is_audited() -> None:
    owner = person("3310010101250001")
    made = enterprise(owner_nik=owner.nik)
    assert (made.owner, made.kbli_section, made.scale, made.is_formal) == (owner, "C", "micro", True)
    assert AuditEntry.objects.filter(action="enterprise.registered", object_id=str(made.pk),
                                     region_code=KLATEN_VILLAGE).exists()


def test_an_owner_nik_not_in_the_registry_is_kept() -> None:
    made = enterprise(nib=None, owner_nik="3310015505800001")
    assert made.owner is None and made.owner_nik == "3310015505800001" and not made.is_formal


def test_it_rejects_a_nib_with_12_digits() -> None:
    with pytest.raises(ValidationError) as error:
        enterprise(nib="123456789012")
    assert refused(error, "nib") == "12 digits: a NIB is 13 digits."
    assert not Enterprise.objects.exists()


def test_it_rejects_an_unknown_kbli_code() -> None:
    with pytest.raises(ValidationError) as error:
        enterprise(kbli_code="99999")
    assert refused(error, "kbli_code") == "'99999' is not a KBLI 2020 code in Entas's list."


def test_it_rejects_a_kbli_2025_code_labelled_as_2020() -> None:
    with pytest.raises(ValidationError) as error:
        enterprise(kbli_code="18113", kbli_version="2020")
    assert refused(error, "kbli_code") == "'18113' is a KBLI 2025 code, not KBLI 2020."
    assert enterprise(kbli_code="18113", kbli_version="2025").kbli_section == "C"


def test_it_rejects_negative_capital() -> None:
    with pytest.raises(ValidationError) as error:
        enterprise(capital=-5_000_000)
    assert refused(error, "capital") == "-5000000 is below 0: an amount cannot be negative."


@pytest.mark.parametrize("sales", ["2 M", "Rp 1.500.000"])
def test_it_rejects_sales_given_as_text(sales: str) -> None:
    with pytest.raises(ValidationError) as error:
        enterprise(annual_sales=sales)
    assert f"'{sales}' is not a whole number of rupiah" in refused(error, "annual_sales")


def test_it_rejects_an_unknown_village() -> None:
    with pytest.raises(ValidationError) as error:
        enterprise(village="33.10.01.9999")
    assert refused(error, "village") == "'33.10.01.9999' is not a village in the Kemendagri 2025 list."


def test_it_rejects_a_duplicate_nib() -> None:
    enterprise()
    with pytest.raises(ValidationError) as error:
        enterprise(name="Another name")
    assert refused(error, "nib") == "NIB 1234567890123 is already registered, for 'Keripik Tempe Bu Siti'."
    assert Enterprise.objects.count() == 1


def test_an_informal_enterprise_needs_an_owner_nik() -> None:
    with pytest.raises(ValidationError) as error:
        enterprise(nib=None)
    assert "without NIB" in refused(error, "owner_nik")


def test_a_person_cannot_be_a_member_twice_at_the_same_time() -> None:
    coop, siti = cooperative(), person("3310010101250001")
    services.join_cooperative(None, coop, siti, joined=D(2025, 1, 10), share_principal=100_000)
    with pytest.raises(ValidationError) as error:
        services.join_cooperative(None, coop, siti, joined=D(2025, 3, 1))
    assert refused(error, "person") == (
        "Siti Aminah is already a member of 'Koperasi Desa Merah Putih Sukamaju' since 2025-01-10.")
    assert Membership.objects.count() == 1


def test_a_person_may_join_again_after_leaving() -> None:
    coop, siti = cooperative(), person("3310010101250001")
    first = services.join_cooperative(None, coop, siti, joined=D(2024, 1, 10))
    services.leave_cooperative(None, first, left=D(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.join_cooperative(None, coop, siti, joined=D(2024, 5, 1))  # inside the first period
    services.join_cooperative(None, coop, siti, joined=D(2025, 1, 1))
    assert coop.memberships.count() == 2
    actions = list(AuditEntry.objects.filter(action__startswith="cooperative.member").values_list("action", flat=True))
    assert sorted(actions) == ["cooperative.member_joined", "cooperative.member_joined", "cooperative.member_left"]


def test_the_leave_date_must_be_after_the_join_date() -> None:
    membership = services.join_cooperative(None, cooperative(), person("3310010101250001"), joined=D(2025, 1, 10))
    for day in (D(2025, 1, 10), D(2024, 12, 31)):
        with pytest.raises(ValidationError) as error:
            services.leave_cooperative(None, membership, left=day)
        assert refused(error, "left") == f"The leave date {day} must be after the join date 2025-01-10."
    membership.refresh_from_db()
    assert membership.left is None


def test_a_village_has_one_merah_putih_cooperative() -> None:
    cooperative()
    with pytest.raises(ValidationError) as error:
        cooperative(name="Koperasi Kedua", registration_number="3310010002")
    assert "already has a Koperasi Desa/Kelurahan Merah Putih" in refused(error, "village")
    cooperative(name="KSP Sukamaju", type="savings_loan", registration_number="3310010003")
    cooperative(name="KDMP Tetangga", village=KLATEN_OTHER_VILLAGE, registration_number="3310010004")
    assert Cooperative.objects.count() == 3


def test_business_units_are_one_per_kind() -> None:
    coop = cooperative()
    unit = services.add_business_unit(None, coop, kind="sembako_outlet")
    services.set_unit_status(None, unit, status="operating", opened=D(2025, 7, 1))
    with pytest.raises(ValidationError) as error:
        services.add_business_unit(None, coop, kind="sembako_outlet")
    assert "already has a business unit of this kind" in refused(error, "kind")
    assert "(sembako_outlet)" in refused(error, "kind")


def test_a_job_is_recorded_once_and_ends_after_it_starts() -> None:
    shop, siti = enterprise(), person("3310010101250001")
    job = services.record_job(None, shop, siti, start=D(2025, 2, 1), position="produksi")
    with pytest.raises(ValidationError) as error:
        services.record_job(None, shop, siti, start=D(2025, 4, 1))
    assert "already works at" in refused(error, "person")
    with pytest.raises(ValidationError):
        services.end_job(None, job, end=D(2025, 1, 1))
    services.end_job(None, job, end=D(2025, 6, 30))
    services.record_job(None, shop, siti, start=D(2025, 8, 1))
    assert Job.objects.count() == 2
    assert AuditEntry.objects.filter(action="job.recorded").count() == 2


def test_a_group_takes_members_from_its_region_only() -> None:
    coop = cooperative()
    group = services.form_group(None, name="Kelompok Keripik", kind="kelompok", sector="C", region_code="33.10.01",
                                formed=D(2025, 5, 1), cooperative=coop)
    services.add_group_member(None, group, enterprise=enterprise(), joined=D(2025, 5, 1))
    services.add_group_member(None, group, person=person("3310010101250001"), joined=D(2025, 5, 1))
    with pytest.raises(ValidationError) as error:
        services.add_group_member(None, group, person=person("5301040101250001", KUPANG_VILLAGE), joined=D(2025, 5, 1))
    assert "outside the group's region 33.10.01" in refused(error, "person")
    with pytest.raises(ValidationError) as error:
        services.form_group(None, name="Klaster X", kind="klaster", sector="Z", region_code="33.10",
                            formed=D(2025, 1, 1))
    assert "not a KBLI section letter" in refused(error, "sector")
    assert group.members.count() == 2
