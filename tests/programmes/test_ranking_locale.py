"""The ranking page in Bahasa Indonesia: the weights' number inputs hold numbers the browser can
read ("2.0", not "2,0", which a type=number field drops, so "Hitung ulang" sent empty weights),
and weights are shown by their meaning, not their codes."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from entas.accounts.models import Agency, User
from entas.programmes.models import PriorityList
from entas.programmes.priority import WEIGHT_LABELS
from tests.conftest import client_for
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db


@override_settings(LANGUAGE_CODE="id")
def test_the_weights_are_written_with_a_dot_in_the_indonesian_locale(national_admin: User) -> None:
    page = client_for(national_admin).get("/programmes/priority/", {"sectors": "0.5"}).content.decode()
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    assert values["extreme_poor"] == "2.0" and values["sectors"] == "0.5"
    assert not any("," in values[name] for name in ("extreme_poor", "low_decile_share", "sectors"))


@override_settings(LANGUAGE_CODE="id")
def test_the_weights_are_labelled_not_coded(national_admin: User) -> None:
    page = client_for(national_admin).get("/programmes/priority/").content.decode()
    with translation.override("id"):
        assert all(str(label) in page for label in WEIGHT_LABELS.values())
    assert ">extreme_poor <" not in page and "enterprises_per_1000 <input" not in page


def test_a_saved_list_keeps_its_weights_quotas_and_explanations(agency: Agency, national_admin: User) -> None:
    prog = programme(agency)
    client = client_for(national_admin)
    answer = client.post("/programmes/priority/?level=regency&extreme_poor=3&sectors=0", {
        "programme": prog.pk, "name": "Prioritas NTT", "quotas": "53=2", "limit": ""})
    assert answer.status_code == 302
    saved = PriorityList.objects.get(name="Prioritas NTT")
    assert saved.weights["extreme_poor"] == 3.0 and saved.weights["sectors"] == 0.0 and saved.quotas == {"53": 2}
    assert saved.locations.count() == 2 and all(loc.explanation for loc in saved.locations.all())
    page = client.get(f"/programmes/priority/lists/{saved.pk}/").content.decode()
    with translation.override("id"):
        assert str(WEIGHT_LABELS["low_decile_share"]) in page
