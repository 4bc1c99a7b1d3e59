"""Work waiting for the confined and regional demo users, made through the services: the cooperative
the `pengurus-koperasi` acts for (in the village of Prambanan with the most enrolled families), those
families' consent to be contacted by it (his candidates), and readiness-override requests from
facilitators of Klaten and Kupang (for `petugas-klaten` and `petugas-kupang` to decide). Without them
a facilitator, a manager and an officer would log in to empty pages (core.scoping)."""

from datetime import date

from django.db.models import Max, OuterRef, Subquery

from entas.accounts.models import User
from entas.demo import calendar
from entas.demo.programme import PENDAMPING_AREA
from entas.enterprises import access
from entas.enterprises.models import Cooperative, CooperativeAccess, CooperativeStatus, Membership
from entas.graduation import consent
from entas.graduation import services as graduation
from entas.graduation.models import OPEN_STATUSES, Enrolment, Evaluation, Status
from entas.programmes.models import Programme

OVERRIDES = {"pendamping": 3, "pendamping-09": 2}  # the demo facilitator (Klaten) and one of Kupang
REASON = ("Pendapatan keluarga sudah hampir di atas garis kemiskinan dan usahanya stabil; "
          "mohon persetujuan siap graduasi.")


def demo_cooperative(programme: Programme) -> Cooperative | None:
    """The active cooperative of the district with the most enrolled families in its village who are
    not its members yet (its manager's candidates)."""
    best, most = None, 0
    for cooperative in Cooperative.objects.filter(village__pk__startswith=PENDAMPING_AREA + ".",
                                                  status=CooperativeStatus.ACTIVE).order_by("id"):
        members = Membership.objects.filter(cooperative=cooperative, left__isnull=True).values("person__household_id")
        n = (Enrolment.objects.filter(programme=programme, village_id=cooperative.village_id)
             .exclude(household_id__in=members).count())
        if n > most:
            best, most = cooperative, n
    return best


def grant_cooperative_access(cooperative: Cooperative) -> None:
    manager = User.objects.filter(username="pengurus-koperasi").first()
    admin = User.objects.filter(username="admin").first()
    if manager is None or admin is None or CooperativeAccess.objects.filter(user=manager).exists():
        return
    access.grant_access(admin, cooperative, manager)


def record_consents(programme: Programme, cooperative: Cooperative, today: date) -> int:
    """The open enrolments of the cooperative's village whose head is not yet a member agree to be
    contacted; so does every other family of the demo district."""
    members = set(Membership.objects.filter(cooperative=cooperative, left__isnull=True)
                  .values_list("person__household_id", flat=True))
    families = (Enrolment.objects.filter(programme=programme, village__pk__startswith=PENDAMPING_AREA + ".",
                                         status__in=OPEN_STATUSES).select_related("facilitator__user").order_by("id"))
    given = 0
    for i, e in enumerate(families):
        if (e.village_id == cooperative.village_id and e.household_id not in members) or i % 2 == 0:
            actor = e.facilitator.user if e.facilitator else None
            consent.record_contact_consent(actor, e, consent=True, phone=f"0812{e.household_id % 10**8:08d}",
                   on=max(e.enrolled_on, calendar.days_after(today, -30)))
            given += 1
    return given


def request_overrides(programme: Programme) -> int:
    """Each listed facilitator asks to mark ready the active families closest to the line."""
    made = 0
    latest = Evaluation.objects.filter(enrolment=OuterRef("pk")).order_by("-at", "-id").values("essentials_met")[:1]
    for username, count in OVERRIDES.items():
        families = (Enrolment.objects.filter(programme=programme, facilitator__user__username=username,
                                             status=Status.ACTIVE, overrides__isnull=True)
                    .annotate(met=Subquery(latest), income=Max("assessments__per_capita_income"))
                    .filter(met=False).order_by("-income", "id")[:count])
        for e in families:
            graduation.request_override(e.facilitator.user if e.facilitator else None, e, reason=REASON)
            made += 1
    return made
