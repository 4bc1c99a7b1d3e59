"""Cooperatives, active enterprises and jobs held by people from desil 1-2 households, per child
region on the region pages, counted inside the viewer's scope."""


from django.utils.translation import gettext_lazy as _

from entas.accounts.models import User
from entas.core.scoping import visible
from entas.enterprises.models import Cooperative, Enterprise, EnterpriseStatus, Job
from entas.regions.sections import Column, count_by_child

POOR_DECILES = (1, 2)  # the graduation programme's target group (DOMAIN-FACTS "DTSEN and deciles")


def enterprise_columns(user: User | None, child_codes: list[str], child_level: int) -> list[Column]:
    cooperatives = visible(user, Cooperative.objects.all())
    enterprises = visible(user, Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE))
    jobs = visible(user, Job.objects.filter(end__isnull=True, person__household__decile__in=POOR_DECILES))
    return [
        Column(_("Cooperatives"), count_by_child(cooperatives, "village_id", child_codes, child_level)),
        Column(_("Active enterprises"), count_by_child(enterprises, "village_id", child_codes, child_level)),
        Column(_("Jobs held by desil 1–2 people"),  # noqa: RUF001
               count_by_child(jobs, "enterprise__village_id", child_codes, child_level)),
    ]
