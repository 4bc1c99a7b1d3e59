"""The enrolment page: everything recorded for one family in a programme, and one form per action.
Each form posts to its own address and calls exactly one service function; a refusal comes back
on the form (status 400), naming the field."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.accounts.models import User
from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import visible
from entas.enterprises import services as enterprises
from entas.enterprises.models import (
    Cooperative,
    CooperativeStatus,
    Enterprise,
    EnterpriseStatus,
    Job,
    Membership,
)
from entas.graduation import criteria, due, overrides, pathway
from entas.graduation import services as graduation
from entas.graduation.forms import (
    CooperativeMembershipForm,
    DecideForm,
    JobPlacementForm,
    LoanForm,
    LoanStatusForm,
    MarketAccessForm,
    OverrideForm,
    ReassignForm,
    TransitionForm,
    VisitForm,
)
from entas.graduation.models import Enrolment, OverrideDecision, Status
from entas.graduation.queries import get_enrolment_or_404, may_change, near_family
from entas.programmes.queries import facilitators_for

Builder = Callable[[Any], forms.Form]
Apply = Callable[[Any, Enrolment, Any], None]


def _builders(user: User | None, enrolment: Enrolment) -> dict[str, Builder]:
    people = enrolment.household.members.order_by("relationship", "birth_date")
    # Nearby only: the choice lists stay short.
    cooperatives = near_family(user, enrolment, Cooperative.objects.filter(status=CooperativeStatus.ACTIVE))
    employers = near_family(user, enrolment, Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE))
    others = facilitators_for(user).filter(active=True).exclude(pk=enrolment.facilitator_id or 0)
    return {
        "visit": lambda data: VisitForm(data, prefix="visit"),
        "override": lambda data: OverrideForm(data, prefix="override"),
        "decide": lambda data: DecideForm(data, prefix="decide"),
        "transition": lambda data: TransitionForm(data, prefix="transition"),
        "reassign": lambda data: ReassignForm(data, facilitators=others, prefix="reassign"),
        "loan": lambda data: LoanForm(data, prefix="loan"),
        "loan_status": lambda data: LoanStatusForm(data, prefix="loan_status"),
        "market": lambda data: MarketAccessForm(data, prefix="market"),
        "cooperative": lambda data: CooperativeMembershipForm(data, people=people, cooperatives=cooperatives,
                                                              prefix="cooperative"),
        "job": lambda data: JobPlacementForm(data, people=people, enterprises=employers, prefix="job"),
    }


def _visit(user: User | None, enrolment: Enrolment, form: VisitForm) -> None:
    data = form.cleaned_data
    graduation.record_visit_with_assessment(user, enrolment, date=data["on"], notes=data["notes"],
                                            measures=form.assessment() or {})


def _override(user: User | None, enrolment: Enrolment, form: OverrideForm) -> None:
    """A facilitator asks for an override; a supervisor's own reason is the override itself."""
    reason = form.cleaned_data["reason"]
    if overrides.may_decide(user):
        overrides.override_readiness(user, enrolment, reason=reason)
    else:
        overrides.request_override(user, enrolment, reason=reason)


def _decide(user: User | None, enrolment: Enrolment, form: DecideForm) -> None:
    waiting = enrolment.overrides.filter(decision=OverrideDecision.PENDING).first()
    if waiting is None:
        raise ValidationError({"decision": _("No request for this family waits for a decision.")})
    overrides.decide_override(user, waiting, approve=form.cleaned_data["decision"] == "approve",
                              note=form.cleaned_data["note"])


def _transition(user: User | None, enrolment: Enrolment, form: TransitionForm) -> None:
    data = form.cleaned_data
    action, on = data["action"], data["on"]
    if action == "follow_up":
        graduation.record_follow_up(user, enrolment, month=data["month"], on=on)
    elif action == "relapse":
        graduation.relapse(user, enrolment, on=on, note=data["note"])
    elif action == "exit":
        graduation.exit_enrolment(user, enrolment, reason=data["reason"], on=on)
    else:
        step = {"activate": graduation.activate, "mark_ready": graduation.mark_ready, "graduate": graduation.graduate}
        step[action](user, enrolment, on=on)


def _loan_status(user: User | None, enrolment: Enrolment, form: LoanStatusForm) -> None:
    data = form.cleaned_data
    loan = enrolment.loans.filter(pk=data["loan"]).first()
    if loan is None:
        raise ValidationError({"loan": _("This loan does not belong to this enrolment.")})
    graduation.set_loan_status(user, loan, data["status"], on=data["on"])


def _reassign(user: User | None, enrolment: Enrolment, form: ReassignForm) -> None:
    graduation.reassign(user, enrolment, form.cleaned_data["facilitator"], reason=form.cleaned_data["reason"])


def _loan(user: User | None, enrolment: Enrolment, form: LoanForm) -> None:
    graduation.record_loan(user, enrolment, **form.cleaned_data)


def _market(user: User | None, enrolment: Enrolment, form: MarketAccessForm) -> None:
    graduation.record_market_access(user, enrolment, **form.cleaned_data)


def _cooperative(user: User | None, enrolment: Enrolment, form: CooperativeMembershipForm) -> None:
    data = form.cleaned_data
    enterprises.join_cooperative(user, data["cooperative"], data["person"], joined=data["on"],
                                 share_principal=data["share_principal"])


def _job(user: User | None, enrolment: Enrolment, form: JobPlacementForm) -> None:
    data = form.cleaned_data
    enterprises.record_job(user, data["enterprise"], data["person"], start=data["on"], position=data["position"])


APPLY: dict[str, Apply] = {"visit": _visit, "transition": _transition, "reassign": _reassign, "loan": _loan,
                           "loan_status": _loan_status, "market": _market, "cooperative": _cooperative, "job": _job,
                           "override": _override, "decide": _decide}


def _enrolment(request: AuthenticatedHttpRequest, pk: int) -> Enrolment:
    return get_enrolment_or_404(request.user, pk, Enrolment.objects.select_related(
        "household", "village", "programme", "facilitator__user"))


def _schedule(enrolment: Enrolment) -> list[tuple[int, Any, Any]]:
    """(month, due date, the follow-up made or None) for the family's current graduation."""
    graduated_on = enrolment.graduated_on
    made = {f.month: f for f in enrolment.follow_ups.filter(on__gte=graduated_on)} if graduated_on else {}
    return [(month, on, made.get(month)) for month, on in pathway.follow_up_dates(graduated_on)]


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status or "—"


def _page(request: AuthenticatedHttpRequest, enrolment: Enrolment, bound: dict[str, forms.Form],
          status: int = 200) -> HttpResponse:
    people = enrolment.household.members.all()
    forms_ = {name: bound.get(name) or build(None) for name, build in _builders(request.user, enrolment).items()}
    today = timezone.localdate()
    evaluation = enrolment.evaluations.select_related("rule_set").order_by("-at", "-id").first()
    row = due.caseload_rows(Enrolment.objects.filter(pk=enrolment.pk)).first()
    return render(request, "graduation/enrolment_detail.html", {
        "e": enrolment, "forms": forms_, "may_change": may_change(request.user),
        "may_decide": overrides.may_decide(request.user),
        "allowed": [a for a, (sources, _to) in pathway.TRANSITIONS.items() if enrolment.status in sources],
        "due": due.due_actions(row, today) if row is not None else [],
        "evaluation": evaluation,
        "checklist": [(r, criteria.describe(r)) for r in evaluation.results] if evaluation else [],
        "evaluations": enrolment.evaluations.select_related("rule_set", "actor").order_by("-at", "-id")[:20],
        "schedule": _schedule(enrolment),
        "overrides": enrolment.overrides.select_related("requested_by", "decided_by"),
        "pending": enrolment.overrides.filter(decision=OverrideDecision.PENDING).first(),
        "history": [(c, pathway.ACTION_LABELS.get(c.action, c.action), _status_label(c.from_status),
                     _status_label(c.to_status)) for c in
                    enrolment.status_changes.select_related("actor", "evaluation__rule_set").order_by("-on", "-id")],
        "assignments": enrolment.assignments.select_related("from_facilitator__user", "to_facilitator__user")
        .order_by("-at", "-id"),
        "visits": enrolment.visits.select_related("assessment", "facilitator__user").order_by("-date", "-id"),
        "loans": enrolment.loans.order_by("-applied_on", "-id"),
        "sessions": enrolment.sessions.order_by("-date"),
        "market": enrolment.market_access.order_by("-date", "-id"),
        "follow_ups": enrolment.follow_ups.order_by("-on"),
        "memberships": visible(request.user, Membership.objects.filter(person__in=people)).select_related(
            "cooperative", "person"),
        "jobs": visible(request.user, Job.objects.filter(person__in=people)).select_related(
            "enterprise", "person"),
    }, status=status)


@login_required
def enrolment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    # Opening a family's file is a read of personal data (UU 27/2022 PDP): on the record.
    audit.record(request.user, audit.Action.ENROLMENT_VIEWED, enrolment)
    return _page(request, enrolment, {})


@login_required
@require_POST
def enrolment_action(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in APPLY:
        raise Http404
    if not may_change(request.user):
        raise PermissionDenied
    enrolment = _enrolment(request, pk)
    form = _builders(request.user, enrolment)[name](request.POST)
    if form.is_valid():
        try:
            APPLY[name](request.user, enrolment, form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("graduation:enrolment", pk=enrolment.pk)
    return _page(request, enrolment, {name: form}, status=400)
