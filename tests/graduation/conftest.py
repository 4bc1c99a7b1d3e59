import datetime

import pytest

from entas.accounts.models import Agency
from entas.graduation import services
from entas.graduation.models import Enrolment, RuleSet
from entas.programmes.models import Programme
from tests.graduation.factories import enrol
from tests.programmes.factories import programme


@pytest.fixture
def prog(agency: Agency) -> Programme:
    return programme(agency)


@pytest.fixture
def rules(prog: Programme) -> RuleSet:
    services.set_poverty_line(None, province_code="33", valid_from=datetime.date(2025, 3, 1), amount=550_000,
                              source="BPS Maret 2025, Jawa Tengah")
    return services.create_rule_set(None, prog, [
        {"code": "income_above_line", "essential": True},
        {"code": "no_food_shortage", "essential": True},
        {"code": "business_running", "essential": True, "applies_when": "has_business"},
        {"code": "children_in_school", "essential": False, "applies_when": "has_school_age_children"},
        {"code": "cooperative_member", "essential": False},
    ])


@pytest.fixture
def enrolment(prog: Programme) -> Enrolment:
    return enrol(prog)
