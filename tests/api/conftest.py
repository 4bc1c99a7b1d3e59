"""A small world with one record of every kind the API serves, made through the services."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from entas.accounts.models import Agency, User
from entas.enterprises import groups
from entas.enterprises import services as enterprises
from entas.enterprises.models import Cooperative, Enterprise, Group, Job, Membership
from entas.graduation import services as graduation
from entas.graduation.models import Enrolment, Loan, MarketAccess, TrainingSession
from entas.impact.models import ImpactAnalysis
from entas.impact.services import request_analysis
from entas.linkage.models import Link, LinkCandidate, LinkJob
from entas.monitoring import rollups
from entas.monitoring import services as monitoring
from entas.partnerships.models import Agreement, Partner
from entas.programmes import services as programmes
from entas.programmes.models import PriorityList, Programme
from entas.registry.models import Household, Person
from tests.conftest import english_client
from tests.enterprises.factories import cooperative, enterprise
from tests.graduation.factories import enrol
from tests.linkage.factories import waiting_pair
from tests.monitoring.factories import indicator
from tests.partnerships.factories import agreement, partner
from tests.programmes.factories import TODAY, programme

in_english = english_client  # the checks of the API tests quote the English messages


@dataclass
class World:
    admin: User
    programme: Programme
    enrolment: Enrolment
    household: Household
    person: Person
    enterprise: Enterprise
    cooperative: Cooperative
    membership: Membership
    job: Job
    group: Group
    loan: Loan
    market_access: MarketAccess
    session: TrainingSession
    priority_list: PriorityList
    partner: Partner
    agreement: Agreement
    link_job: LinkJob
    link_pair: LinkCandidate
    link: Link
    impact: ImpactAnalysis


@pytest.fixture
def world(agency: Agency, national_admin: User, settings: Any, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return make_world(agency, national_admin)


def make_world(agency: Agency, admin: User) -> World:
    """One record of every kind, in Klaten (33.10.01.2001), made through the services."""
    prog = programme(agency)
    family = enrol(prog)
    household = family.household
    person = household.members.get()
    business, coop = enterprise(), cooperative()
    membership = enterprises.join_cooperative(None, coop, person, joined=TODAY)
    job = enterprises.record_job(None, business, person, start=TODAY, position="penjual")
    group = groups.form_group(None, name="KUBE Sukamaju", kind="kelompok", sector="C", region_code="33.10.01",
                              formed=TODAY)
    loan = graduation.record_loan(None, family, scheme="kur_super_mikro", lender="BRI", amount=5_000_000, on=TODAY)
    access = graduation.record_market_access(None, family, channel="e_catalogue", sales_value=2_500_000, on=TODAY)
    session = graduation.record_training(None, prog, kind="training", topic="Pembukuan", on=TODAY,
                                         region_code="33.10.01", attendees=[family])
    saved = programmes.save_priority_list(None, prog, name="Prioritas 2025", weights={"extreme_poor": 1},
                                          limit=5)
    bank = partner()
    mou = agreement([bank])
    monitoring.open_year(None, 2025)
    counted = indicator()
    monitoring.set_target(None, indicator=counted, region_code="33.10", year=2025, quarter=None, value=10)
    rollups.refresh()
    link_job, link_pair, link = waiting_pair(admin, person)  # record linkage (issue 16)
    impact = request_analysis(admin, prog, "income", seed=1, queue=False)
    return World(admin=admin, programme=prog, enrolment=family, household=household, person=person,
                 enterprise=business, cooperative=coop, membership=membership, job=job, group=group, loan=loan,
                 market_access=access, session=session, priority_list=saved, partner=bank, agreement=mou,
                 link_job=link_job, link_pair=link_pair, link=link, impact=impact)

