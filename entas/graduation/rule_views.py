"""Pages of a programme's graduation rule sets: the versions, one version with its criteria and
the preview of how many active families would meet it now, drafting or changing a version (the
criteria as a formset), activating it. A national administrator changes them; regional officers
may look (their preview counts the families of their region only)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from entas.accounts.roles import Role
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import visible
from entas.graduation import criteria, rules
from entas.graduation.models import Enrolment, RuleSet, RuleSetStatus
from entas.graduation.rule_forms import CriterionFormSet, NoteForm, initial_rows
from entas.programmes.models import Programme

VIEWERS = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}


def _programme(request: AuthenticatedHttpRequest, pk: int, *, change: bool = False) -> Programme:
    if request.user.role not in (VIEWERS if not change else {Role.NATIONAL_ADMIN}):
        raise PermissionDenied
    return get_object_or_404(Programme, pk=pk)


def _version(programme: Programme, version: int) -> RuleSet:
    return get_object_or_404(RuleSet.objects.select_related("created_by", "activated_by"), programme=programme,
                             version=version)


@login_required
def rule_sets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    versions = list(programme.rule_sets.select_related("created_by", "activated_by").prefetch_related("criteria"))
    rows = [(v, [criteria.describe(c) for c in criteria.definition(v)["criteria"]]) for v in versions]
    return render(request, "graduation/rules_list.html", {
        "programme": programme, "rows": rows, "may_change": request.user.role == Role.NATIONAL_ADMIN,
        "draft": next((v for v in versions if v.status == RuleSetStatus.DRAFT), None)})


@login_required
def rule_set(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    programme = _programme(request, pk)
    found = _version(programme, version)
    definition = criteria.definition(found)
    preview = None
    if request.GET.get("preview"):
        # The families the user may see: a regional officer's preview counts his region's.
        preview = rules.preview(found, visible(request.user, Enrolment.objects.filter(programme=programme)))
    return render(request, "graduation/rules_version.html", {
        "programme": programme, "rule_set": found, "criteria": [(c, criteria.describe(c))
                                                                for c in definition["criteria"]],
        "preview": preview, "may_change": request.user.role == Role.NATIONAL_ADMIN})


def _criteria_posted(formset: Any) -> list[dict[str, Any]] | None:
    if not formset.is_valid():
        return None
    return [item for form in formset.forms if (item := form.item()) is not None]


def _edit(request: AuthenticatedHttpRequest, programme: Programme, draft: RuleSet | None) -> HttpResponse:
    if draft is not None:
        initial = initial_rows(criteria.definition(draft)["criteria"])
    else:
        current = programme.rule_sets.filter(status=RuleSetStatus.ACTIVE).first()
        initial = initial_rows(criteria.definition(current)["criteria"]) if current else []
    formset = CriterionFormSet(request.POST or None, initial=initial, prefix="c")
    note = NoteForm(request.POST or None, initial={"note": draft.note if draft else ""})
    if request.method == "POST" and note.is_valid() and (items := _criteria_posted(formset)) is not None:
        try:
            if draft is None:
                saved = rules.draft_rule_set(request.user, programme, items, note=note.cleaned_data["note"])
            else:
                saved = rules.change_draft(request.user, draft, items, note=note.cleaned_data["note"])
        except ValidationError as error:
            for messages_ in error.message_dict.values():
                for message in messages_:
                    messages.error(request, message)
        else:
            messages.success(request, _("Version %(version)s saved as a draft. Check the preview, then activate it.")
                             % {"version": saved.version})
            return redirect(reverse("graduation:rule_set", args=[programme.pk, saved.version]) + "?preview=1")
    return render(request, "graduation/rules_form.html", {
        "programme": programme, "draft": draft, "formset": formset, "note": note,
        "measures": [(m, [criteria.UNITS[u].label for u in m.units]) for m in criteria.MEASURES.values()]})


@login_required
def rule_set_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, change=True)
    draft = programme.rule_sets.filter(status=RuleSetStatus.DRAFT).first()
    if draft is not None:
        messages.info(request, _("Version %(version)s is already a draft: change it here.") % {
            "version": draft.version})
        return redirect("graduation:rule_set_edit", pk=programme.pk, version=draft.version)
    return _edit(request, programme, None)


@login_required
def rule_set_edit(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    programme = _programme(request, pk, change=True)
    found = _version(programme, version)
    if found.status != RuleSetStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed; draft a new version instead."))
        return redirect("graduation:rule_set", pk=programme.pk, version=found.version)
    return _edit(request, programme, found)


@login_required
def rule_set_activate(request: AuthenticatedHttpRequest, pk: int, version: int) -> HttpResponse:
    programme = _programme(request, pk, change=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = _version(programme, version)
    try:
        rules.activate_rule_set(request.user, found)
    except ValidationError as error:
        for messages_ in error.message_dict.values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(request, _("Version %(version)s is now the active rule set; the one before is retired "
                                    "and kept.") % {"version": found.version})
    return redirect("graduation:rule_set", pk=programme.pk, version=found.version)
