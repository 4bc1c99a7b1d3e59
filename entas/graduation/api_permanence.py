"""`GET /api/programmes/<id>/permanence/?by=cohort|regency|facilitator|all`: whether graduation lasts
(graduation.permanence), counted over the programme's families inside the caller's scope (a
facilitator: her caseload), as on the page. Programmes are national: an unknown one answers 404."""

import dataclasses
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entas.core.actors import acting_user
from entas.core.scoping import visible
from entas.graduation.models import Enrolment
from entas.graduation.permanence import GROUPINGS, permanence
from entas.programmes.models import Programme


class PermanenceQuery(serializers.Serializer[dict[str, Any]]):
    by = serializers.ChoiceField(choices=list(GROUPINGS), required=False, default="cohort",
                                 help_text="how the families are grouped (default: cohort)")


class StepSerializer(serializers.Serializer[Any]):
    month = serializers.FloatField(help_text="months since graduation")
    survival = serializers.FloatField(help_text="share still out of poverty just after this time (0-1)")
    low = serializers.FloatField(help_text="95 % interval, lower end (0-1)")
    high = serializers.FloatField(help_text="95 % interval, upper end (0-1)")
    at_risk = serializers.IntegerField()
    events = serializers.IntegerField(help_text="relapses at this time")
    censored = serializers.IntegerField(help_text="families last observed at this time")


class AtMonthSerializer(serializers.Serializer[Any]):
    month = serializers.IntegerField()
    survival = serializers.FloatField(allow_null=True, help_text="null: nobody observed that long, or too few")
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    at_risk = serializers.IntegerField()


class CurveSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(allow_blank=True)
    # A declared field, taken out of the class by DRF: it does not shadow Field.label at run time.
    label = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    families = serializers.IntegerField(help_text="graduated families of the group")
    relapsed = serializers.IntegerField()
    relapse_rate = serializers.FloatField(allow_null=True, help_text="relapsed / families (0-1)")
    shown = serializers.BooleanField(help_text="false: fewer than 20 families, no curve and no figures")
    at = AtMonthSerializer(many=True)
    steps = StepSerializer(many=True)


class PermanenceSerializer(serializers.Serializer[Any]):
    programme = serializers.IntegerField()
    by = serializers.ChoiceField(choices=list(GROUPINGS))
    today = serializers.DateField()
    groups = CurveSerializer(many=True)


class ProgrammePermanence(APIView):
    """Of the programme's graduated families the caller may see, the share still out of poverty
    (no relapse recorded since graduation) over time, per group, with 95 % intervals."""

    @extend_schema(parameters=[PermanenceQuery], responses={200: PermanenceSerializer},
                   operation_id="programmes_permanence_retrieve")
    def get(self, request: Request, id: int) -> Response:
        programme = get_object_or_404(Programme, pk=id)
        params = PermanenceQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        by, today = params.validated_data["by"], timezone.localdate()
        enrolments = visible(acting_user(request), Enrolment.objects.filter(programme=programme))
        curves = permanence(enrolments, by=by, today=today)
        return Response(PermanenceSerializer({
            "programme": programme.pk, "by": by, "today": today,
            "groups": [dataclasses.asdict(curve) for curve in curves]}).data)
