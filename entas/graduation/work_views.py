"""The day's work: a facilitator's own families with what is due for each ("Keluarga dampingan
saya"), and the readiness overrides waiting for a regional officer or national administrator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import get_visible_or_404, visible
from entas.graduation import due, overrides, warnings
from entas.graduation.forms import DecideForm
from entas.graduation.models import OverrideDecision, ReadinessOverride
from entas.graduation.queries import enrolments_for, facilitator_progress
from entas.programmes.models import Facilitator

DECIDED_SHOWN = 50


@login_required
def my_families(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A facilitator's open families, each with its next due action, most urgent first; how many
    have each action due; her graduations this year against her yearly target; her graduated
    families at risk of falling back into poverty, with the reasons (graduation.warnings)."""
    facilitator = Facilitator.objects.filter(user_id=request.user.pk).first()
    today = timezone.localdate()
    found: list[due.Family] = []
    at_risk: list[warnings.AtRisk] = []
    progress = None
    if facilitator is not None:
        mine = enrolments_for(request.user).filter(facilitator=facilitator)
        found = due.families(mine, today)
        at_risk = warnings.at_risk(mine, today=today)
        progress = facilitator_progress(Facilitator.objects.filter(pk=facilitator.pk), today.year).first()
    return render(request, "graduation/my_families.html", {
        "facilitator": progress, "families": found, "counts": due.counts(found), "today": today,
        "visit_every": due.VISIT_EVERY_DAYS, "assess_every": due.ASSESS_EVERY_DAYS,
        "at_risk": at_risk})


def _overrides_page(request: AuthenticatedHttpRequest, bound: dict[int, DecideForm] | None = None,
                    status: int = 200) -> HttpResponse:
    rows = visible(request.user, ReadinessOverride.objects.select_related(
        "enrolment__household", "enrolment__village", "enrolment__programme", "evaluation__rule_set",
        "requested_by", "decided_by"))
    waiting = list(rows.filter(decision=OverrideDecision.PENDING).order_by("requested_at", "id"))
    bound = bound or {}
    return render(request, "graduation/overrides.html", {
        "waiting": [(o, bound.get(o.pk) or DecideForm(prefix=f"o{o.pk}")) for o in waiting],
        "decided": rows.exclude(decision=OverrideDecision.PENDING).order_by("-decided_at", "-id")[:DECIDED_SHOWN],
        "may_decide": overrides.may_decide(request.user),
    }, status=status)


@login_required
def override_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests to mark a family ready without the criteria, of the user's region (a facilitator:
    her own families'), the waiting ones first, oldest first."""
    return _overrides_page(request)


@login_required
@require_POST
def override_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not overrides.may_decide(request.user):
        raise PermissionDenied  # the same answer for every address: it confirms nothing
    override = get_visible_or_404(request.user, ReadinessOverride.objects.all(), pk=pk)
    form = DecideForm(request.POST, prefix=f"o{override.pk}")
    if form.is_valid():
        try:
            overrides.decide_override(request.user, override, approve=form.cleaned_data["decision"] == "approve",
                                      note=form.cleaned_data["note"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("graduation:overrides")
    return _overrides_page(request, {override.pk: form}, status=400)
