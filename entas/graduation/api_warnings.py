"""`GET /api/programmes/<id>/at-risk/?reason=&regency=&facilitator=`: the programme's graduated
families at risk of falling back into poverty (graduation.warnings) among those the caller may see
(a facilitator: her caseload), most urgent first, each reason as a code, its words in the request's
language and its details; with how many families have each reason. No. KK masked by role, as on the
page. Programmes are national: an unknown one answers 404."""

import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entas.core.actors import acting_user
from entas.core.scoping import region_q, visible
from entas.graduation import warnings
from entas.graduation.models import Enrolment
from entas.programmes.models import Programme
from entas.regions.codes import is_regency
from entas.registry.identifiers import shown


def _regency(value: str) -> None:
    if not is_regency(value):
        raise serializers.ValidationError(_("“%(value)s” is not a regency code such as 33.10.") % {"value": value[:20]})


class AtRiskQuery(serializers.Serializer[dict[str, Any]]):
    reason = serializers.ChoiceField(choices=list(warnings.REASONS), required=False,
                                     help_text="only the families with this reason")
    regency = serializers.CharField(required=False, validators=[_regency], help_text="a regency code, e.g. 33.10")
    facilitator = serializers.IntegerField(required=False, min_value=1, help_text="a facilitator's id")


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=list(warnings.REASONS))
    words = serializers.CharField(help_text="the reason in the request's language")
    since = serializers.DateField(help_text="when the sign appeared (follow-up, due date, extract or loan date)")
    explanation = serializers.CharField(help_text="the figures in one sentence, in the request's language")
    details = serializers.DictField(help_text="the figures by name (Rp, desil, months, dates as YYYY-MM-DD)")


class FamilySerializer(serializers.Serializer[Any]):
    enrolment = serializers.IntegerField(source="enrolment_id")
    household = serializers.IntegerField(source="household_id")
    kk_number = serializers.CharField(help_text="No. KK, masked unless the caller's role sees it in full")
    head_name = serializers.CharField(allow_blank=True)
    village_code = serializers.CharField()
    village = serializers.CharField(source="village_name")
    facilitator = serializers.IntegerField(source="facilitator_id", allow_null=True)
    facilitator_name = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    graduated_on = serializers.DateField()
    reasons = ReasonSerializer(many=True, help_text="most urgent first")


class AtRiskSerializer(serializers.Serializer[Any]):
    programme = serializers.IntegerField()
    today = serializers.DateField()
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="families with each reason (before the reason filter), by code")
    total = serializers.IntegerField(help_text="families listed")
    families = FamilySerializer(many=True)


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in details.items()}


class ProgrammeAtRisk(APIView):
    """The programme's graduated families the caller may see that show a sign of falling back into
    poverty, with the reasons, most urgent first."""

    @extend_schema(parameters=[AtRiskQuery], responses={200: AtRiskSerializer},
                   operation_id="programmes_at_risk_retrieve")
    def get(self, request: Request, id: int) -> Response:
        programme = get_object_or_404(Programme, pk=id)
        params = AtRiskQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        asked, today, user = params.validated_data, timezone.localdate(), acting_user(request)
        families = visible(user, Enrolment.objects.filter(programme=programme))
        if asked.get("regency"):
            families = families.filter(region_q(asked["regency"], "village_id"))
        if asked.get("facilitator"):
            families = families.filter(facilitator_id=asked["facilitator"])
        found = warnings.at_risk(families, today=today)
        tally = warnings.counts(found)
        if asked.get("reason"):
            found = warnings.with_reason(found, asked["reason"])
        rows = [{**vars(family), "kk_number": shown(user, family.kk_number),
                 "reasons": [{**vars(r), "details": _plain(r.details)} for r in family.reasons]} for family in found]
        return Response(AtRiskSerializer({"programme": programme.pk, "today": today, "counts": tally,
                                          "total": len(found), "families": rows}).data)
