"""Programmes and enrolments for API clients, scoped like the pages: a region officer sees her
region, a facilitator only her own caseload; an enrolment outside answers 404, logged. Every page
of enrolments is audit-logged (`enrolment.listed`, with the households and their members)."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from entas.core import audit
from entas.core.api import AuditedList, NumericIds, ScopedReadOnlyViewSet
from entas.programmes.models import Enrolment, Programme
from entas.programmes.queries import enrolments_for
from entas.registry.api import members_of


def service_refusal(error: ModelValidationError) -> ApiValidationError:
    """A service's refusal as a 400 answer naming the field."""
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class ServiceRefusals:
    """For API views that call services: a service's refusal (Django's ValidationError) is answered
    400 naming the field, wherever in the view it is raised."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ModelValidationError):
            exc = service_refusal(exc)
        return super().handle_exception(exc)  # type: ignore[misc]


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    class Meta:
        model = Programme
        fields = ["id", "name", "lead_agency", "partner_agencies", "start", "end", "budget", "decile_max",
                  "priority_locations_only", "yearly_target"]


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    class Meta:
        model = Enrolment
        fields = ["id", "programme", "household", "village", "facilitator", "status", "enrolled_on", "cohort",
                  "graduated_on", "relapses", "exit_reason", "exited_on"]


class ProgrammeViewSet(NumericIds, viewsets.ReadOnlyModelViewSet[Programme]):
    """Programmes are national: every signed-in user may read them."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.order_by("id")


class EnrolmentViewSet(ServiceRefusals, AuditedList, ScopedReadOnlyViewSet[Enrolment]):
    serializer_class = EnrolmentSerializer
    listed_households = "household_id"

    def people_listed(self, rows: Sequence[Any], households: list[int]) -> list[int]:
        return members_of(households)

    def base_queryset(self) -> QuerySet[Enrolment]:
        return Enrolment.objects.order_by("id")

    def get_queryset(self) -> QuerySet[Enrolment]:
        return enrolments_for(self.request.user, self.base_queryset())

    def get_object(self) -> Enrolment:
        lookup: dict[str, Any] = {"pk": self.kwargs["pk"]}
        found = self.get_queryset().filter(**lookup).first()
        if found is None:
            if self.base_queryset().filter(**lookup).exists():
                audit.record(self.request.user, "scope.denied", details={"model": "programmes.enrolment",
                                                                         "lookup": {"pk": str(lookup["pk"])}})
            raise Http404
        return found
