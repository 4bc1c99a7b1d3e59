"""Programmes for API clients (national: every signed-in user reads them all), and what every API
view that calls a service shares: a service's refusal answered 400 naming the field."""


from django.core.exceptions import ValidationError as ModelValidationError
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from entas.core.api import NumericIds
from entas.programmes.models import Programme


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
        fields = ["id", "name", "lead_agency", "partner_agencies", "start", "end", "budget", "decile_min", "decile_max",
                  "extreme_poor_only", "assistance", "priority_locations_only", "priority_list", "yearly_target"]


class ProgrammeViewSet(NumericIds, viewsets.ReadOnlyModelViewSet[Programme]):
    """Programmes are national: every signed-in user may read them."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.order_by("id")

