"""The move requests page: requests into the user's region, and the decision for those whose both
ends she sees (registry.moves)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entas.core.actors import AuthenticatedHttpRequest
from entas.core.scoping import get_visible_or_404
from entas.registry import moves
from entas.registry.identifiers import sees_full_identifiers
from entas.registry.models import MoveRequest, MoveStatus

PAGE_SIZE = 50


@login_required
def move_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    requests = moves.requests_for(request.user)
    status = request.GET.get("status", MoveStatus.PENDING)
    if status in MoveStatus.values:
        requests = requests.filter(status=status)
    decidable = set(moves.decidable(request.user, requests).values_list("pk", flat=True))
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/moves.html", {
        "page": page, "decidable": decidable, "status": status, "statuses": MoveStatus.choices,
        "full_ids": sees_full_identifiers(request.user),
    })


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    move = get_visible_or_404(request.user, MoveRequest.objects.all(), pk=pk)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            moves.approve_move(request.user, move, note=note)
            messages.success(request, _("Move approved: the person now belongs to household %(kk)s.")
                             % {"kk": move.to_kk_number})
        else:
            moves.reject_move(request.user, move, note=note)
            messages.success(request, _("Move rejected."))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("registry:moves")
