"""Agreement and partner pages: the agreement list with its status filter, what expires soon,
counts, one agreement (with the data-sharing terms of a PKS); the partner list with its agreements
counted by status, one partner; and the forms that record and change partners, agreements and
data-sharing terms through the services."""

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.core import sorting
from entas.core.actors import AuthenticatedHttpRequest
from entas.partnerships import queries, services, sharing_terms
from entas.partnerships.forms import (
    AgreementForm,
    DataSharingForm,
    PartnerFilterForm,
    PartnerForm,
    RevokeForm,
    StatusFilterForm,
)
from entas.partnerships.models import Agreement, AgreementKind, DataSharing, Partner, Purpose, SharedField


@login_required
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    labels, counts = queries.counts_per_year_and_kind()
    return render(request, "partnerships/agreement_list.html", {
        "form": form, "agreements": queries.agreements(status), "kinds": labels, "counts": counts,
        "expiring": queries.expiring_soon().count(), "may_manage": services.may_manage_page(request.user),
    })


@login_required
def expiring(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "partnerships/expiring.html", {"agreements": queries.expiring_soon()})


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _agreement_page(request, pk)


def _agreement_page(request: AuthenticatedHttpRequest, pk: int, *, sharing_form: DataSharingForm | None = None,
                    revoke_form: RevokeForm | None = None, status: int = 200) -> HttpResponse:
    """One agreement; for a PKS also its data-sharing terms and, for a national administrator, the
    forms that set and revoke them (shown again with their errors when a change was refused)."""
    agreement = get_object_or_404(queries.agreements().prefetch_related("programmes"), pk=pk)
    may_manage = services.may_manage_page(request.user)
    terms = queries.sharing_of(agreement) if agreement.kind == AgreementKind.PKS else None
    if agreement.kind == AgreementKind.PKS and may_manage and (terms is None or terms.revoked_at is None):
        sharing_form = sharing_form or DataSharingForm.of(agreement, terms)
        if terms is not None:
            revoke_form = revoke_form or RevokeForm()
    return render(request, "partnerships/agreement_detail.html", {
        "agreement": agreement, "may_manage": may_manage, "is_pks": agreement.kind == AgreementKind.PKS,
        "terms": terms, "sharing_status": queries.sharing_status(terms) if terms else "",
        "purposes": [Purpose(p).label for p in terms.purposes if p in Purpose.values] if terms else [],
        "field_groups": [SharedField(f).label for f in terms.fields if f in SharedField.values] if terms else [],
        "sharing_form": sharing_form, "revoke_form": revoke_form}, status=status)


@login_required
@require_POST
def data_sharing_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    if not services.may_manage_page(request.user):
        raise Http404
    agreement = get_object_or_404(Agreement, pk=pk)
    form = DataSharingForm(request.POST)
    if form.is_valid():
        try:
            sharing_terms.set_data_sharing(request.user, agreement, **form.service_arguments())
        except ValidationError as problem:
            _apply(form, problem, DataSharingForm.SERVICE_NAMES)
        else:
            messages.success(request, _("Data-sharing terms of %(number)s saved.") % {"number": agreement.number})
            return redirect(reverse("partnerships:agreement", args=[agreement.pk]) + "#data-sharing")
    return _agreement_page(request, pk, sharing_form=form, status=400)


@login_required
@require_POST
def data_sharing_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    if not services.may_manage_page(request.user):
        raise Http404
    terms = get_object_or_404(DataSharing.objects.select_related("agreement"), agreement_id=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            sharing_terms.revoke_data_sharing(request.user, terms, reason=form.cleaned_data["reason"])
        except ValidationError as problem:
            _apply(form, problem)
        else:
            messages.success(request, _("Data sharing under %(number)s revoked: every client of it is refused "
                                        "from now on.") % {"number": terms.agreement.number})
            return redirect(reverse("partnerships:agreement", args=[pk]) + "#data-sharing")
    return _agreement_page(request, pk, revoke_form=form, status=400)


@login_required
def agreement_document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    agreement = get_object_or_404(Agreement, pk=pk)
    if not agreement.document:
        raise Http404
    return FileResponse(agreement.document.open("rb"), content_type="application/pdf",
                        filename=f"{agreement.pk}.pdf")


def _apply(form: forms.Form, problem: ValidationError, names: Mapping[str, str] | None = None) -> None:
    """The service's refusal on the form field it names (`names`: the service's name → the form's)."""
    if not hasattr(problem, "error_dict"):
        form.add_error(None, problem.messages)
        return
    for field, errors in problem.message_dict.items():
        field = (names or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)


@login_required
def agreement_create(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if not services.may_manage_page(request.user):
        raise Http404
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.create_agreement(request.user, **form.service_arguments())
        except ValidationError as problem:
            _apply(form, problem)
        else:
            messages.success(request, _("Agreement %(number)s recorded.") % {"number": agreement.number})
            return redirect("partnerships:agreement", pk=agreement.pk)
    return render(request, "partnerships/agreement_form.html", {"form": form, "title": _("New agreement")})


@login_required
def partner_create(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if not services.may_manage_page(request.user):
        raise Http404
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.create_partner(request.user, **form.cleaned_data)
        except ValidationError as problem:
            _apply(form, problem)
        else:
            messages.success(request, _("Partner %(name)s recorded.") % {"name": partner.name})
            return redirect("partnerships:partner", pk=partner.pk)
    return render(request, "partnerships/agreement_form.html", {
        "form": form, "title": _("New partner"), "partners": Partner.objects.order_by("name")})


PAGE_SIZE = 50
PARTNER_SORTS = {"name": ["name"], "kind": ["kind"], "agreements": ["n_agreements"], "active": ["n_active"],
                 "expiring": ["n_expiring"], "expired": ["n_expired"]}


@login_required
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {"q": "", "kind": ""}
    partners, sort_key = sorting.sort(queries.partners(data["q"], data["kind"]), request.GET.get("sort"), PARTNER_SORTS)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "partnerships/partner_list.html", {
        "form": form, "page": page, "sort": sort_key, "query": query.urlencode(),
        "expiring": queries.expiring_soon().count(),
        "may_manage": services.may_manage_page(request.user)})


@login_required
def partner_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(queries.partners(), pk=pk)
    return render(request, "partnerships/partner_detail.html", {
        "partner": partner, "agreements": queries.agreements().filter(parties=partner),
        "may_manage": services.may_manage_page(request.user)})


@login_required
def partner_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    if not services.may_manage_page(request.user):
        raise Http404
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST or None, initial={"name": partner.name, "kind": partner.kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_partner(request.user, partner, **form.cleaned_data)
        except ValidationError as problem:
            _apply(form, problem)
        else:
            messages.success(request, _("Partner %(name)s changed.") % {"name": form.cleaned_data["name"]})
            return redirect("partnerships:partner", pk=partner.pk)
    return render(request, "partnerships/agreement_form.html", {
        "form": form, "title": _("Change partner %(name)s") % {"name": partner.name}},
        status=400 if form.errors else 200)


@login_required
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    if not services.may_manage_page(request.user):
        raise Http404
    agreement = get_object_or_404(Agreement, pk=pk)
    form = AgreementForm.of(agreement, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_agreement(request.user, agreement, **form.service_arguments())
        except ValidationError as problem:
            _apply(form, problem)
        else:
            messages.success(request, _("Agreement %(number)s changed.") % {"number": form.cleaned_data["number"]})
            return redirect("partnerships:agreement", pk=agreement.pk)
    return render(request, "partnerships/agreement_form.html", {
        "form": form, "title": _("Change agreement %(number)s") % {"number": agreement.number}},
        status=400 if form.errors else 200)
