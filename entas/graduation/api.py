"""Enrolments for API clients, one viewset per resource, scoped like the pages: a region officer sees
her region, a facilitator only her own caseload; an enrolment outside answers 404, logged. Every
page of enrolments is audit-logged (`enrolment.listed`, with the households and their members).

- `EnrolmentViewSet` (`/api/enrolments/`): read, and the pathway: `transition`, `reassign`.
- The resources of one enrolment live under `/api/enrolments/<enrolment_pk>/` and share
  `OfEnrolment`: `VisitViewSet` here; loans, market access, cooperative memberships and jobs in
  `api_interventions.py`. Each finds the enrolment first (404 outside the caller's scope or
  caseload, logged), then refuses read-only roles a change (403), then validates and calls one
  service function; a service's refusal answers 400 naming the field.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from entas.accounts.models import User
from entas.core import audit
from entas.core.actors import acting_user, signed_in
from entas.core.api import AuditedList, IdField, ScopedReadOnlyViewSet, bounded_integer
from entas.core.refusals import choice, choices
from entas.core.scoping import region_q
from entas.graduation import pathway, services
from entas.graduation.models import Assessment, Enrolment, ExitReason, Status, Visit
from entas.graduation.queries import enrolments_for, get_enrolment_or_404, may_change
from entas.programmes.api import ServiceRefusals
from entas.programmes.queries import facilitators_for
from entas.regions.codes import CODE_PATTERN, REGION_CODE
from entas.registry.api import members_of

# Moves a person may ask for; "sustain" is only ever the outcome of the 24-month follow-up.
ACTIONS = ["activate", "mark_ready", "graduate", "relapse", "exit", "follow_up"]


def writable(user: User | None, enrolment_pk: int | str) -> Enrolment:
    """The enrolment a change names: 404 outside the user's scope or caseload (logged), then 403 for
    a role that only reads."""
    enrolment = get_enrolment_or_404(user, enrolment_pk)
    if not may_change(user):
        raise PermissionDenied(_("Your role may read enrolments but not change them."))
    return enrolment


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    class Meta:
        model = Enrolment
        fields = ["id", "programme", "household", "village", "facilitator", "status", "enrolled_on", "cohort",
                  "graduated_on", "relapses", "exit_reason", "exited_on"]


def _action_to(current: str, to: str) -> str:
    """The one pathway action that takes an enrolment from `current` to `to`."""
    for name, (sources, target) in pathway.TRANSITIONS.items():
        if name != "sustain" and target == to and current in sources:
            return name
    allowed = sorted({t for n, (s, t) in pathway.TRANSITIONS.items() if current in s and n != "sustain"})
    raise ApiValidationError({"to": [_("An enrolment that is %(current)s cannot move to %(to)s; allowed: %(allowed)s.")
                                     % {"current": choice(Status, current), "to": choice(Status, to),
                                        "allowed": choices(Status, allowed) or _("no further step (final)")}]})


class TransitionSerializer(serializers.Serializer[Any]):
    to = serializers.CharField(required=False, help_text="target status, e.g. graduated")
    action = serializers.ChoiceField(choices=ACTIONS, required=False,
                                     help_text="or the action itself (follow_up needs month)")
    on = serializers.DateField(required=False, help_text="default: today")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, required=False, help_text="needed to exit")
    month = serializers.ChoiceField(choices=[6, 12, 24], required=False, help_text="needed for a follow-up")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("to") and not attrs.get("action"):
            raise ApiValidationError({"to": [_("Give the target status (or the action).")]})
        return attrs


class ReassignSerializer(serializers.Serializer[Any]):
    facilitator = IdField(help_text="id of the new facilitator")
    reason = serializers.CharField(max_length=200)


class EnrolmentQuery(serializers.Serializer[dict[str, Any]]):
    programme = IdField(required=False, help_text="id of the programme")
    status = serializers.ChoiceField(choices=Status.values, required=False)
    region = serializers.RegexField(CODE_PATTERN, required=False, help_text="dotted region code, e.g. 33.10",
                                    error_messages={"invalid": REGION_CODE})
    cohort = serializers.RegexField(r"^[0-9]{4}-Q[1-4]$", required=False, help_text="quarter enrolled, e.g. 2025-Q1",
                                    error_messages={"invalid": gettext_lazy("give the quarter enrolled, e.g. 2025-Q1")})


@extend_schema_view(list=extend_schema(parameters=[EnrolmentQuery]))
class EnrolmentViewSet(ServiceRefusals, AuditedList, ScopedReadOnlyViewSet[Enrolment]):
    """Enrolments: read; `transition` and `reassign` for those who may change them."""

    serializer_class = EnrolmentSerializer
    listed_households = "household_id"

    def people_listed(self, rows: Sequence[Any], households: list[int]) -> list[int]:
        return members_of(households)

    def base_queryset(self) -> QuerySet[Enrolment]:
        return Enrolment.objects.order_by("id")

    def get_queryset(self) -> QuerySet[Enrolment]:
        found = enrolments_for(signed_in(self.request), self.base_queryset())
        if self.action != "list":
            return found
        params = EnrolmentQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        wanted = params.validated_data
        if region := wanted.pop("region", None):
            found = found.filter(region_q(region, "village_id"))
        return found.filter(**{("programme_id" if k == "programme" else k): v for k, v in wanted.items()})

    def get_object(self) -> Enrolment:
        return get_enrolment_or_404(acting_user(self.request), self.kwargs["pk"], self.base_queryset())

    @extend_schema(request=TransitionSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        enrolment = writable(acting_user(request), self.kwargs["pk"])
        incoming = TransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        name = data.get("action") or _action_to(enrolment.status, data["to"])
        self._apply(enrolment, name, data)
        enrolment.refresh_from_db()
        return Response(EnrolmentSerializer(enrolment).data)

    def _apply(self, enrolment: Enrolment, name: str, data: dict[str, Any]) -> None:
        user, on = acting_user(self.request), data.get("on") or timezone.localdate()
        if name == "exit":
            if not data.get("exit_reason"):
                raise ApiValidationError({"exit_reason": [_("Say why the family leaves the programme.")]})
            services.exit_enrolment(user, enrolment, reason=data["exit_reason"], on=on)
        elif name == "follow_up":
            if not data.get("month"):
                raise ApiValidationError({"month": [_("Give the follow-up month: 6, 12 or 24.")]})
            services.record_follow_up(user, enrolment, month=int(data["month"]), on=on)
        elif name == "relapse":
            services.relapse(user, enrolment, on=on, note=data["note"])
        else:
            {"activate": services.activate, "mark_ready": services.mark_ready,
             "graduate": services.graduate}[name](user, enrolment, on=on)

    @extend_schema(request=ReassignSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        user = acting_user(request)
        enrolment = writable(user, self.kwargs["pk"])
        incoming = ReassignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        facilitator = facilitators_for(user).filter(pk=data["facilitator"]).first()
        if facilitator is None:
            raise ApiValidationError({"facilitator": [_("There is no facilitator %(id)s inside your region.")
                                                      % {"id": data["facilitator"]}]})
        services.reassign(user, enrolment, facilitator, reason=data["reason"])
        enrolment.refresh_from_db()
        return Response(EnrolmentSerializer(enrolment).data)


class OfEnrolment(ServiceRefusals, viewsets.GenericViewSet[Any]):
    """A resource under `/api/enrolments/<enrolment_pk>/`: every request first finds that enrolment
    through the caller's scope and caseload (404 outside, logged)."""

    def enrolment(self) -> Enrolment:
        return get_enrolment_or_404(acting_user(self.request), self.kwargs["enrolment_pk"])

    def writable_enrolment(self) -> Enrolment:
        """The enrolment, and a 403 for a role that only reads."""
        return writable(acting_user(self.request), self.kwargs["enrolment_pk"])

    def page(self, enrolment: Enrolment, rows: QuerySet[Any]) -> Response:
        """One page of the enrolment's rows, paginated like every list, and its `<model>.listed`
        audit entry naming the family's household."""
        shown = self.paginate_queryset(rows) or []
        audit.record_list_read(acting_user(self.request), rows.model._meta.label_lower, self.request.query_params,
                               [row.pk for row in shown], households=[enrolment.household_id])
        return self.get_paginated_response(self.get_serializer(shown, many=True).data)


class AssessmentSerializer(serializers.Serializer[Any]):
    # Bounded like the Assessment columns: a number beyond them answers 400 naming the item.
    per_capita_income = bounded_integer(Assessment, "per_capita_income", required=False, allow_null=True,
                                        min_value=0)
    income_sources = bounded_integer(Assessment, "income_sources", required=False, allow_null=True)
    business_months = bounded_integer(Assessment, "business_months", required=False, allow_null=True)
    savings = bounded_integer(Assessment, "savings", required=False, allow_null=True, min_value=0)
    cooperative_member = serializers.BooleanField(required=False, allow_null=True)
    school_age_children = bounded_integer(Assessment, "school_age_children", required=False, allow_null=True)
    children_in_school = bounded_integer(Assessment, "children_in_school", required=False, allow_null=True)
    food_shortage = serializers.BooleanField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> Any:
        # A misspelt item would otherwise be dropped silently and the assessment saved without it.
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise ApiValidationError({name: ["not an assessment item"] for name in unknown})
        return super().to_internal_value(data)


class VisitSerializer(serializers.ModelSerializer[Visit]):
    on = serializers.DateField(write_only=True)
    assessment = AssessmentSerializer(required=False, write_only=True)

    class Meta:
        model = Visit
        fields = ["id", "enrolment", "facilitator", "date", "notes", "on", "assessment"]
        read_only_fields = ["id", "enrolment", "facilitator", "date"]


class VisitViewSet(OfEnrolment):
    """`/api/enrolments/<enrolment_pk>/visits/`: record a home visit, with an assessment when one was
    made (cooperative membership, when not given, is read from the family's memberships), as the
    page does: the assessment is evaluated at once, and a family's first visit makes it active."""

    serializer_class = VisitSerializer

    @extend_schema(request=VisitSerializer, responses={201: VisitSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.writable_enrolment()
        incoming = VisitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        visit = services.record_visit_with_assessment(acting_user(request), enrolment, date=data["on"],
                                                      notes=data.get("notes", ""),
                                                      measures=dict(data.get("assessment") or {}))
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)
