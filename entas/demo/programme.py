"""The demo programme through the services: a graduation programme running since two years ago,
its graduation rule set, the province poverty lines and about 20 facilitators (the demo
`pendamping` among them) in the demo regions."""

from datetime import date
from typing import Any

from entas.accounts import services as accounts
from entas.accounts.demo import DEMO_PASSWORD
from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.demo import calendar, lines
from entas.graduation import poverty, rules
from entas.programmes import services
from entas.programmes.models import Facilitator, Programme

PROGRAMME = "Graduasi Keluarga Miskin Ekstrem"
PENDAMPING_AREA = "33.10.01"  # Kecamatan Prambanan, Klaten: the demo facilitator's and manager's district
# (regency, facilitators there): together about 1,000 families at CAPACITY each.
TEAMS = [("33.10", 7), ("53.01", 6), ("32.04", 4), ("73.71", 2)]
CAPACITY = 55
NAMES = ["Rina Kurniasih", "Yohanes Tefa", "Dedi Supriadi", "Andi Makkasau", "Wahyu Hidayat", "Maria Nenobais",
         "Asep Saepudin", "Nurhayati Daeng", "Eko Prasetyo", "Fransiska Lake", "Ujang Rohman", "Sri Rahayu",
         "Yosef Banunaek", "Iis Suryani", "Joko Susilo", "Agustina Tlonaen", "Tuti Handayani", "Bambang Riyadi",
         "Hasnah Rahman"]
# Essential: income above the province line, two income sources, no food shortage, all school-age
# children in school (where there are any). Not essential: savings, a business running six months,
# membership.
HAS_CHILDREN = {"field": "school_age_children", "operator": ">", "value": 0}
HAS_BUSINESS = {"field": "business_months", "operator": ">", "value": 0}
CRITERIA: list[dict[str, Any]] = [
    {"code": "income_above_line", "field": "per_capita_income", "operator": ">=", "threshold": 1,
     "unit": "poverty_line"},
    {"code": "income_sources", "field": "income_sources", "operator": ">=", "threshold": 2, "unit": "count"},
    {"code": "no_food_shortage", "field": "food_shortage", "operator": "=", "threshold": 0, "unit": "yes_no"},
    {"code": "children_in_school", "field": "children_in_school_share", "operator": ">=", "threshold": 100,
     "unit": "percent", "essential": True, "condition": HAS_CHILDREN},
    {"code": "savings", "field": "savings", "operator": ">=", "threshold": 100_000, "unit": "rp", "essential": False},
    {"code": "business_running", "field": "business_months", "operator": ">=", "threshold": 6, "unit": "months",
     "essential": False, "condition": HAS_BUSINESS},
    {"code": "cooperative_member", "field": "cooperative_member", "operator": "=", "threshold": 1, "unit": "yes_no",
     "essential": False},
]


def ensure_programme(today: date) -> Programme:
    found = Programme.objects.filter(name=PROGRAMME).first()
    if found is not None:
        return found
    start = calendar.programme_start(today)
    agencies = {a.code: a for a in Agency.objects.filter(code__in=["kemensos", "kemenkop", "bptaskin"])}
    programme = services.create_programme(
        None, name=PROGRAMME, lead_agency=agencies["kemensos"],
        partner_agencies=[agencies["kemenkop"], agencies["bptaskin"]], start=start, end=date(start.year + 4, 12, 31),
        budget=48_000_000_000, decile_max=2, priority_locations_only=False, yearly_target=10)
    draft = rules.draft_rule_set(None, programme, CRITERIA, note="Kriteria graduasi demo (pola BRAC/PROPEL)")
    rules.activate_rule_set(None, draft)
    for province, area, valid_from, amount, source in lines.table(today):
        poverty.set_poverty_line(None, province_code=province, area=area, valid_from=valid_from, amount=amount,
                                 source=source)
    return programme


def ensure_facilitators() -> list[Facilitator]:
    """The demo `pendamping` for her district, and a team per demo regency (accounts pendamping-02…)."""
    kemensos = Agency.objects.get(code="kemensos")
    made = [_facilitator(User.objects.get(username="pendamping"), kemensos, PENDAMPING_AREA, 35)]
    number = 2
    for regency, count in TEAMS:
        for _ in range(count):
            username = f"pendamping-{number:02d}"
            user = User.objects.filter(username=username).first() or _account(username, NAMES[number - 2], kemensos,
                                                                              regency)
            made.append(_facilitator(user, kemensos, regency, CAPACITY))
            number += 1
    return made


def _account(username: str, name: str, agency: Agency, region: str) -> User:
    first, _, last = name.partition(" ")
    return accounts.create_user(None, username=username, password=DEMO_PASSWORD, role=Role.FACILITATOR,
                                agency=agency, region_code=region, first_name=first, last_name=last)


def _facilitator(user: User, agency: Agency, region: str, capacity: int) -> Facilitator:
    found = Facilitator.objects.filter(user=user).first()
    return found or services.register_facilitator(None, user=user, agency=agency, region_code=region,
                                                  capacity=capacity, yearly_target=10)
