"""Work for the confined demo users, made through the services: the facilitator's caseload and the
cooperative the cooperative manager acts for. Without them both would log in to empty pages, since
a facilitator sees only her families and a manager only his cooperative (core.scoping)."""

from datetime import date

from django.db.models import Count, Q

from entas.accounts.models import Agency, User
from entas.enterprises import access
from entas.enterprises.models import Cooperative, CooperativeAccess
from entas.graduation import services as graduation
from entas.programmes import services
from entas.programmes.models import Facilitator, Programme
from entas.registry.models import Household

PROGRAMME = "Graduasi KPM Klaten 2025"
AREA = "33.10.01"  # Kecamatan Prambanan, Kabupaten Klaten: the demo facilitator's and manager's region
CASELOAD = 30
ENROLLED_ON = date(2025, 8, 4)


def ensure_demo_work() -> None:
    _caseload()
    _cooperative_access()


def _caseload() -> None:
    user = User.objects.filter(username="pendamping").first()
    if user is None or Facilitator.objects.filter(user=user).exists():
        return
    kemensos = Agency.objects.get(code="kemensos")
    programme = Programme.objects.filter(name=PROGRAMME).first() or services.create_programme(
        None, name=PROGRAMME, lead_agency=kemensos, start=date(2025, 1, 1), end=date(2027, 12, 31),
        budget=2_500_000_000, priority_locations_only=False)
    facilitator = services.register_facilitator(None, user=user, agency=kemensos, region_code=AREA, capacity=CASELOAD)
    poorest = Household.objects.filter(village__pk__startswith=AREA + ".", decile__lte=programme.decile_max).exclude(
        enrolments__programme=programme).order_by("decile", "kk_number")[:CASELOAD]
    for household in poorest:
        graduation.enrol_household(None, programme, household, facilitator=facilitator, on=ENROLLED_ON)


def _cooperative_access() -> None:
    manager = User.objects.filter(username="pengurus-koperasi").first()
    admin = User.objects.filter(username="admin").first()
    if manager is None or admin is None or CooperativeAccess.objects.filter(user=manager).exists():
        return
    largest = Cooperative.objects.filter(village__pk__startswith=AREA + ".").annotate(
        members=Count("memberships", filter=Q(memberships__left__isnull=True))).order_by("-members", "id").first()
    if largest is not None:
        access.grant_access(admin, largest, manager)
