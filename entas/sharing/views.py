"""Data-sharing pages: the DCI clients (listed, registered, changed, given keys and secrets through
`sharing.clients`), what an agreement gave out (for the data owner) and which partners received
one person's data. A client's secret is shown once, in the answer to the request that made it."""

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from entas.accounts.roles import READS_SHARING_HISTORY
from entas.core import audit, sorting
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404
from entas.partnerships.models import DataSharing
from entas.registry.identifiers import shown
from entas.registry.models import Person
from entas.sharing import clients, queries
from entas.sharing.forms import ClientChangeForm, ClientForm, DisclosureFilterForm, KeysForm
from entas.sharing.models import Client

PAGE_SIZE = 50
CLIENT_SORTS = {"name": ["name"], "client_id": ["client_id"], "agreement": ["data_sharing__agreement__number"],
                "requests": ["requests_per_minute"], "records": ["records_per_day"], "active": ["active"]}
# Names the services give their fields → the forms' names.
KEY_FIELDS = {"jwks_uri": "jwks_uri", "jwks": "jwks"}


def _manager(request: AuthenticatedHttpRequest) -> None:
    # As the agreement pages do for their changes: a page only the data owner uses is not there for others.
    if not queries.may_manage(request.user):
        raise Http404


def _apply(form: forms.Form, problem: ValidationError, names: Mapping[str, str] | None = None) -> None:
    if not hasattr(problem, "error_dict"):
        form.add_error(None, problem.messages)
        return
    for field, errors in problem.message_dict.items():
        field = (names or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)


def _token_url(request: AuthenticatedHttpRequest) -> str:
    return request.build_absolute_uri(reverse("dci-token"))


@login_required
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    found, sort_key = sorting.sort(queries.clients(), request.GET.get("sort"), CLIENT_SORTS)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sharing/client_list.html", {
        "page": page, "sort": sort_key, "rows": [(c, queries.key_ids(c)) for c in page],
        "token_url": _token_url(request)})


@never_cache
@login_required
def client_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    form = ClientForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = clients.register_client(request.user, **form.service_arguments())
        except ValidationError as problem:
            _apply(form, problem)
        else:
            messages.success(request, _("Client %(id)s registered.") % {"id": client.client_id})
            return _secret_page(request, client, secret, first=True)
    return render(request, "sharing/client_form.html", {
        "form": form, "in_force": form.fields["data_sharing"].queryset.exists(),  # type: ignore[attr-defined]
    }, status=400 if form.errors else 200)


def _secret_page(request: AuthenticatedHttpRequest, client: Client, secret: str, *, first: bool) -> HttpResponse:
    # The one time the secret exists outside the client's hands: only its digest is stored.
    return render(request, "sharing/client_secret.html", {
        "client": client, "secret": secret, "first": first, "token_url": _token_url(request),
        "dci_url": request.build_absolute_uri("/dci/registry/")})


def _detail(request: AuthenticatedHttpRequest, pk: int, *, change_form: ClientChangeForm | None = None,
            keys_form: KeysForm | None = None, status: int = 200) -> HttpResponse:
    client = get_object_or_404(queries.clients(), pk=pk)
    return render(request, "sharing/client_detail.html", {
        "client": client, "kids": queries.key_ids(client),
        "terms_in_force": client.data_sharing.in_force(),
        "change_form": change_form or ClientChangeForm.of(client), "keys_form": keys_form or KeysForm(),
        "token_url": _token_url(request)}, status=status)


@login_required
def client_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    return _detail(request, pk)


@login_required
@require_POST
def client_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    _manager(request)
    client = get_object_or_404(Client, pk=pk)
    form = ClientChangeForm(request.POST)
    if form.is_valid():
        try:
            clients.change_client(request.user, client, **form.service_arguments())
        except ValidationError as problem:
            _apply(form, problem)
        else:
            messages.success(request, _("Client %(id)s changed.") % {"id": client.client_id})
            return redirect("sharing:client", pk=client.pk)
    return _detail(request, pk, change_form=form, status=400)


@login_required
@require_POST
def client_keys(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    _manager(request)
    client = get_object_or_404(Client, pk=pk)
    form = KeysForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            changed = clients.set_keys(request.user, client, **form.key_arguments())
        except ValidationError as problem:
            _apply(form, problem, KEY_FIELDS)
        else:
            messages.success(request, _("Keys of %(id)s replaced: %(kids)s.") % {
                "id": client.client_id, "kids": ", ".join(queries.key_ids(changed))})
            return redirect("sharing:client", pk=client.pk)
    return _detail(request, pk, keys_form=form, status=400)


@never_cache
@login_required
@require_POST
def client_secret(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    client = get_object_or_404(queries.clients(), pk=pk)
    secret = clients.new_secret(request.user, client)
    messages.success(request, _("New secret issued for %(id)s: the old one no longer works.") % {
        "id": client.client_id})
    return _secret_page(request, client, secret, first=False)


@login_required
def agreement_disclosures(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The data owner's view of one agreement: who received which records, when and why."""
    _manager(request)
    terms = get_object_or_404(DataSharing.objects.select_related("agreement", "region"), pk=pk)
    form = DisclosureFilterForm(request.GET or None, terms=terms)
    data = form.cleaned_data if form.is_valid() else {}
    found = queries.disclosures(terms, client=data.get("client"), purpose=data.get("purpose") or "")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.rows(request.user, page)
    # The page names people and families: one `disclosure.listed` entry per page shown.
    audit.record_list_read(request.user, "sharing.disclosure", request.GET, [r.disclosure.pk for r in rows],
                           people=[r.disclosure.person_id for r in rows if r.disclosure.person_id],
                           households=[r.disclosure.household_id for r in rows if r.disclosure.household_id])
    per_purpose, per_client = queries.counts(terms)
    return render(request, "sharing/agreement_disclosures.html", {
        "terms": terms, "form": form, "page": page, "rows": rows, "per_purpose": per_purpose,
        "per_client": per_client})


@login_required
def person_disclosures(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Which partners received this person's data: her records, and her family's given as a whole."""
    if request.user.role not in READS_SHARING_HISTORY:
        raise Http404
    person = get_visible_or_404(request.user, Person.objects.select_related("household__village"), pk=pk)
    page = Paginator(queries.of_person(person), PAGE_SIZE).get_page(request.GET.get("page"))
    shown_rows = [(d, queries.purpose_label(d.purpose)) for d in page]
    audit.record_list_read(request.user, "sharing.disclosure", request.GET, [d.pk for d, _ in shown_rows],
                           people=[person.pk], households=[person.household_id] if person.household_id else [])
    return render(request, "sharing/person_disclosures.html", {
        "person": person, "nik": shown(request.user, person.nik), "page": page, "rows": shown_rows})
