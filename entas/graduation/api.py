"""Writes on an enrolment for API clients: pathway steps and home visits. Scoped like the reads
(outside the caller's scope or caseload: 404, logged), validated by serializers, applied by the
same service functions as the pages; a refusal answers 400 naming the field."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from entas.core.api import IdField, bounded_integer
from entas.graduation import pathway
from entas.graduation import services as graduation
from entas.graduation.api_interventions import InterventionViewSet
from entas.programmes import api as programmes_api
from entas.programmes import services as programmes
from entas.programmes.models import Assessment, Enrolment, ExitReason, Visit
from entas.programmes.queries import cooperative_member_on, facilitators_for

# Moves a person may ask for; "sustain" is only ever the outcome of the 24-month follow-up.
ACTIONS = ["activate", "mark_ready", "graduate", "relapse", "exit", "follow_up"]


def _action_to(current: str, to: str) -> str:
    """The one pathway action that takes an enrolment from `current` to `to`."""
    for name, (sources, target) in pathway.TRANSITIONS.items():
        if name != "sustain" and target == to and current in sources:
            return name
    allowed = sorted({t for n, (s, t) in pathway.TRANSITIONS.items() if current in s and n != "sustain"})
    raise ApiValidationError({"to": [f"an enrolment that is {current} cannot move to {to}; "
                                     f"allowed: {', '.join(allowed) or 'nothing (final)'}"]})


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
            raise ApiValidationError({"to": ["give the target status (or the action)"]})
        return attrs


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


class ReassignSerializer(serializers.Serializer[Any]):
    facilitator = IdField(help_text="id of the new facilitator")
    reason = serializers.CharField(max_length=200)


class EnrolmentViewSet(InterventionViewSet):
    """Enrolments: read, the intervention writes, plus `transition`, `visits` and `reassign` for
    those who may change them."""

    @extend_schema(request=TransitionSerializer, responses=programmes_api.EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        enrolment = self._writable()
        incoming = TransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        name = data.get("action") or _action_to(enrolment.status, data["to"])
        self._apply(enrolment, name, data)
        enrolment.refresh_from_db()
        return Response(programmes_api.EnrolmentSerializer(enrolment).data)

    def _apply(self, enrolment: Enrolment, name: str, data: dict[str, Any]) -> None:
        user, on = self.request.user, data.get("on") or timezone.localdate()
        if name == "exit":
            if not data.get("exit_reason"):
                raise ApiValidationError({"exit_reason": ["say why the family leaves the programme"]})
            graduation.exit_enrolment(user, enrolment, reason=data["exit_reason"], on=on)
        elif name == "follow_up":
            if not data.get("month"):
                raise ApiValidationError({"month": ["give the follow-up month: 6, 12 or 24"]})
            graduation.record_follow_up(user, enrolment, month=int(data["month"]), on=on)
        elif name == "relapse":
            graduation.relapse(user, enrolment, on=on, note=data["note"])
        else:
            {"activate": graduation.activate, "mark_ready": graduation.mark_ready,
             "graduate": graduation.graduate}[name](user, enrolment, on=on)

    @extend_schema(request=VisitSerializer, responses={201: VisitSerializer})
    @action(detail=True, methods=["post"])
    def visits(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        enrolment = self._writable()
        incoming = VisitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        values = {k: v for k, v in (data.get("assessment") or {}).items() if v is not None} or None
        if values is not None and "cooperative_member" not in values:
            values["cooperative_member"] = cooperative_member_on(enrolment, data["on"])
        visit = programmes.record_visit(request.user, enrolment, on=data["on"], notes=data.get("notes", ""),
                                        assessment=values)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReassignSerializer, responses=programmes_api.EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        enrolment = self._writable()
        incoming = ReassignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        facilitator = facilitators_for(request.user).filter(pk=data["facilitator"]).first()
        if facilitator is None:
            raise ApiValidationError({"facilitator": [f"no facilitator {data['facilitator']} inside your scope"]})
        programmes.reassign(request.user, enrolment, facilitator, reason=data["reason"])
        enrolment.refresh_from_db()
        return Response(programmes_api.EnrolmentSerializer(enrolment).data)
