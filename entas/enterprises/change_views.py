"""Pages that change memberships, jobs, groups and cooperatives. Each finds what it acts on inside
the user's scope (404 outside it), then calls the one service function, whose refusal is shown on
the form with the field it names; nothing is written when it refuses."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from entas.accounts.roles import Role
from entas.core import audit
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import get_visible_or_404, region_only, user_scope, visible
from entas.enterprises import queries, services
from entas.enterprises.change_forms import (
    CooperativeForm,
    EndJobForm,
    GroupForm,
    GroupMemberForm,
    JobForm,
    JoinForm,
    LeaveForm,
    may_change,
)
from entas.enterprises.models import Cooperative, Enterprise, Group, Job, Membership
from entas.regions.codes import within
from entas.registry.models import Person

R = TypeVar("R", Membership, Job)


def _allowed(request: AuthenticatedHttpRequest) -> None:
    if not may_change(request.user):
        raise PermissionDenied


def _person(request: AuthenticatedHttpRequest, nik: str, *, new_member: bool = False) -> Person:
    people = Person.objects.filter(nik=nik)
    # A cooperative manager sees his members only; a new member shows the KTP, so the exact NIK
    # is looked up in his region (he still cannot list or search anyone).
    manager = new_member and request.user.role == Role.COOPERATIVE_MANAGER
    found = (region_only(request.user, people) if manager else visible(request.user, people)).first()
    if found is None:
        raise ValidationError({"nik": _("No person with NIK %(nik)s in the registry inside your region.")
                               % {"nik": nik}})
    return found


def _named(request: AuthenticatedHttpRequest, record: R) -> R:
    """A membership or job of a person nobody recognised yet is not for a role that does not read
    such records (queries.unrecognised_shown: a facilitator): 404 and scope.denied, as outside."""
    if record.person_id is None and not queries.unrecognised_shown(request.user):
        audit.record(request.user, audit.Action.SCOPE_DENIED,
                     details={"model": record._meta.label_lower, "lookup": {"pk": str(record.pk)}})
        raise Http404
    return record


def _inside(request: AuthenticatedHttpRequest, field: str, code: str) -> None:
    scope = user_scope(request.user)
    if not within(code, scope):
        raise ValidationError({field: _("%(code)s lies outside your region %(scope)s.")
                               % {"code": code, "scope": scope}})


def _page(request: AuthenticatedHttpRequest, form: forms.Form, act: Callable[[dict[str, Any]], Any],
          context: dict[str, Any], done: str, back: str, then: Callable[[Any], str] | None = None) -> HttpResponse:
    """Run `act` on the cleaned data of a valid POST; on success say `done` and go to `then(what
    act made)`, or `back`; else show the form again (status 400) with the reason on its field."""
    if request.method == "POST" and form.is_valid():
        try:
            made = act(form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(then(made) if then else back)
    status = 400 if request.method == "POST" else 200
    return render(request, "enterprises/change_form.html", {"form": form, "back": back, **context}, status=status)


@login_required
def join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    cooperative = get_visible_or_404(request.user, Cooperative.objects.select_related("village"), pk=pk)

    def act(data: dict[str, Any]) -> Membership:
        return services.join_cooperative(
            request.user, cooperative, _person(request, data["nik"], new_member=True), joined=data["joined"],
            share_principal=data["share_principal"], share_mandatory=data["share_mandatory"])

    return _page(request, JoinForm(request.POST or None), act,
                 {"title": _("Add a cooperative member"), "subject": cooperative, "submit": _("Add the member")},
                 _("The member has joined."), cooperative_url(cooperative))


@login_required
def leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    membership = _named(request, get_visible_or_404(
        request.user, Membership.objects.select_related("cooperative", "person"), pk=pk))

    def act(data: dict[str, Any]) -> Membership:
        return services.leave_cooperative(request.user, membership, left=data["left"])

    title = _("%(name)s leaves") % {"name": membership.display_name}
    return _page(request, LeaveForm(request.POST or None), act,
                 {"title": title, "subject": membership.cooperative, "submit": _("Record leaving")},
                 _("The member has left."), cooperative_url(membership.cooperative))


@login_required
def record_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    enterprise = get_visible_or_404(request.user, Enterprise.objects.all(), pk=pk)

    def act(data: dict[str, Any]) -> Job:
        return services.record_job(request.user, enterprise, _person(request, data["nik"]), start=data["start"],
                                   position=data["position"])

    return _page(request, JobForm(request.POST or None), act,
                 {"title": _("Record a job"), "subject": enterprise, "submit": _("Record")},
                 _("The job is recorded."), reverse("enterprises:enterprise", args=[enterprise.pk]))


@login_required
def end_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    job = _named(request, get_visible_or_404(request.user, Job.objects.select_related("enterprise", "person"), pk=pk))

    def act(data: dict[str, Any]) -> Job:
        return services.end_job(request.user, job, end=data["end"])

    title = _("End the job of %(name)s") % {"name": job.display_name}
    return _page(request, EndJobForm(request.POST or None), act,
                 {"title": title, "subject": job.enterprise, "submit": _("End the job")},
                 _("The job has ended."), reverse("enterprises:enterprise", args=[job.enterprise_id]))


@login_required
def form_group(request: AuthenticatedHttpRequest) -> HttpResponse:
    _allowed(request)

    def act(data: dict[str, Any]) -> Group:
        _inside(request, "region", data["region"])
        cooperative = None
        if data["cooperative"]:
            cooperative = visible(request.user, Cooperative.objects.all()).filter(
                registration_number=data["cooperative"]).first()
            if cooperative is None:
                raise ValidationError({"cooperative": _("No cooperative with this registration number inside "
                                                        "your region.")})
        return services.form_group(request.user, name=data["name"], kind=data["kind"], sector=data["sector"],
                                   region_code=data["region"], formed=data["formed"], cooperative=cooperative)

    return _page(request, GroupForm(request.POST or None), act,
                 {"title": _("Form a group"), "submit": _("Form the group")},
                 _("The group is formed."), reverse("enterprises:groups"),
                 then=lambda group: reverse("enterprises:group", args=[group.pk]))


@login_required
def add_group_member(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    group = get_visible_or_404(request.user, Group.objects.select_related("region"), pk=pk)

    def act(data: dict[str, Any]) -> None:
        enterprise = person = None
        if data["nib"]:
            enterprise = visible(request.user, Enterprise.objects.all()).filter(nib=data["nib"]).first()
            if enterprise is None:
                raise ValidationError({"nib": _("No enterprise with this NIB inside your region.")})
        else:
            person = _person(request, data["nik"])
        services.add_group_member(request.user, group, joined=data["joined"], enterprise=enterprise, person=person)

    return _page(request, GroupMemberForm(request.POST or None), act,
                 {"title": _("Add a member"), "subject": group, "submit": _("Add")},
                 _("The member is added."), reverse("enterprises:group", args=[group.pk]))


@login_required
def register_cooperative(request: AuthenticatedHttpRequest) -> HttpResponse:
    _allowed(request)

    def act(data: dict[str, Any]) -> Cooperative:
        _inside(request, "village", data["village"])
        return services.register_cooperative(
            request.user, name=data["name"], type=data["type"], village_code=data["village"],
            registration_number=data["registration_number"] or None,
            legal_entity_number=data["legal_entity_number"] or None, founded=data["founded"])

    return _page(request, CooperativeForm(request.POST or None), act,
                 {"title": _("Register a cooperative"), "submit": _("Register")},
                 _("The cooperative is registered."), reverse("enterprises:cooperatives"), then=cooperative_url)


def cooperative_url(cooperative: Cooperative) -> str:
    return reverse("enterprises:cooperative", args=[cooperative.pk])
