""""My cooperative": a cooperative manager's page of each cooperative his account acts for, its
members, business units and the families of its village who agreed to be contacted, and adding a
member (by the NIK on her KTP, by a name he found, or a consenting family in one click), always
through enterprises' join service. Another cooperative answers 404 (core.scoping); other roles
have no cooperative of their own and are refused."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.accounts.roles import Role
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.forms import show_errors
from entas.core.scoping import get_visible_or_404
from entas.enterprises import queries as enterprises
from entas.enterprises import services
from entas.enterprises.change_forms import JoinForm
from entas.enterprises.models import Cooperative, Membership
from entas.graduation import cooperative_queries as queries
from entas.registry.identifiers import sees_full_identifiers


def _manager(request: AuthenticatedHttpRequest) -> None:
    if request.user.role != Role.COOPERATIVE_MANAGER:
        raise PermissionDenied


def _cooperative(request: AuthenticatedHttpRequest, pk: int) -> Cooperative:
    _manager(request)
    # For a manager, `visible` holds only the cooperatives he acts for (enterprises.scopes).
    return get_visible_or_404(request.user, Cooperative.objects.select_related("village"), pk=pk)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """His cooperatives; with only one, straight to its page."""
    _manager(request)
    cooperatives = list(queries.my_cooperatives(request.user))
    if len(cooperatives) == 1:
        return redirect("my_cooperative:cooperative", cooperatives[0].pk)
    return render(request, "graduation/my_cooperatives.html", {"cooperatives": cooperatives})


def _page(request: AuthenticatedHttpRequest, cooperative: Cooperative, *, join_form: JoinForm | None = None,
          problem: str = "", status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()
    return render(request, "graduation/my_cooperative.html", {
        "cooperative": cooperative,
        "members": queries.members(request.user, cooperative),
        "units": enterprises.units(request.user, cooperative),
        "families": queries.families(cooperative),
        "q": q, "found": queries.search(request.user, cooperative, q) if q else None,
        "join_form": join_form or JoinForm(initial={"joined": today.isoformat()}),
        "problem": problem,
        "several": queries.my_cooperatives(request.user).count() > 1,
        "full_ids": sees_full_identifiers(request.user),
    }, status=status)


@login_required
def cooperative(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _cooperative(request, pk))


def _joined(request: AuthenticatedHttpRequest, cooperative: Cooperative, membership: Membership) -> HttpResponse:
    messages.success(request, _("%(name)s is now a member of %(cooperative)s.")
                     % {"name": membership.display_name, "cooperative": cooperative.name})
    return redirect("my_cooperative:cooperative", cooperative.pk)


@login_required
@require_POST
def join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new member by the NIK on her KTP, looked up in his region like the cooperative's join page."""
    cooperative = _cooperative(request, pk)
    form = JoinForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = queries.person_by_nik(request.user, data["nik"])
            if person is None:
                raise ValidationError({"nik": _("No person with NIK %(nik)s in the registry inside your region.")
                                       % {"nik": data["nik"]}})
            membership = services.join_cooperative(
                request.user, cooperative, person, joined=data["joined"],
                share_principal=data["share_principal"], share_mandatory=data["share_mandatory"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            return _joined(request, cooperative, membership)
    return _page(request, cooperative, join_form=form, status=400)


@login_required
@require_POST
def add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One click: someone from the name search or a consenting family (its head), joining today."""
    cooperative = _cooperative(request, pk)
    key = request.POST.get("person", "")
    person = queries.addable(request.user, cooperative).filter(pk=int(key)).first() if key.isdigit() else None
    if person is None:
        return _page(request, cooperative, status=400, problem=_(
            "person: choose someone from the search results or from the families who agreed to be contacted."))
    try:
        membership = services.join_cooperative(request.user, cooperative, person, joined=timezone.localdate())
    except ValidationError as error:
        return _page(request, cooperative, status=400, problem=" ".join(
            f"{field}: {message}" for field, found in error.message_dict.items() for message in found))
    return _joined(request, cooperative, membership)
