"""Programme services: bad input answered with a clear message naming the field, nothing half-written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from entas.accounts.models import Agency
from entas.programmes import services
from entas.programmes.models import PriorityList, PriorityLocation
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db


def message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(f"{field}: {' '.join(texts)}" for field, texts in error.value.message_dict.items())


def test_weights_that_sum_to_zero_are_refused(agency: Agency) -> None:
    prog = programme(agency)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.save_priority_list(None, prog, name="Nol", weights={"extreme_poor": 0, "sectors": 0}, limit=5)
    assert "weights: The weights sum to zero" in message(error)
    assert not PriorityList.objects.exists()


def test_a_quota_larger_than_the_province_is_refused(agency: Agency) -> None:
    prog = programme(agency)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.save_priority_list(None, prog, name="Jateng", weights={"extreme_poor": 1}, quotas={"33": 36})
    assert "The quota 36 for province 33 is larger than its 35 regencies" in message(error)
    assert not PriorityList.objects.exists() and not PriorityLocation.objects.exists()


def test_a_programme_period_must_not_end_before_it_starts(agency: Agency) -> None:
    with pytest.raises(ValidationError) as error:
        programme(agency, end=datetime.date(2024, 1, 1))
    assert "end: 1 Januari 2024 lebih awal dari tanggal mulai 1 Januari 2025" in message(error)
