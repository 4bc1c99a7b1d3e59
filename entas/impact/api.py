"""`/api/programmes/<id>/impact/`: the programme's impact analyses inside the caller's region (GET)
and a new one (POST {"outcome": ..., "seed": ...}, answered 202 while it runs);
`/api/impact-analyses/<id>/`: one analysis with its result, statements in words, snapshot and
method. Facilitators and cooperative managers are refused (403): the comparison group comes from
registry families they may not list."""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entas.core.actors import acting_user
from entas.core.scoping import get_visible_or_404
from entas.impact import words
from entas.impact.models import ImpactAnalysis
from entas.impact.outcomes import OUTCOMES
from entas.impact.services import may_run, programme_analyses, request_analysis
from entas.programmes.models import Programme


class AnalysisRequest(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(choices=list(OUTCOMES), help_text="the registry measure to analyse")
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1,
                                    help_text="seed of the de-identified export's pseudonyms (default: random)")


class AnalysisSerializer(serializers.ModelSerializer[ImpactAnalysis]):
    statements = serializers.SerializerMethodField(help_text="what could not be estimated, in words")
    summary = serializers.SerializerMethodField(help_text="the finding in words; empty when nothing is estimated")

    class Meta:
        model = ImpactAnalysis
        fields = ["id", "programme", "outcome", "region", "status", "seed", "requested_at", "finished_at", "seconds",
                  "summary", "statements", "result", "snapshot"]

    def get_statements(self, analysis: ImpactAnalysis) -> list[str]:
        return [words.statement(item) for item in (analysis.result or {}).get("statements", [])]

    def get_summary(self, analysis: ImpactAnalysis) -> str:
        return words.summary(analysis.result or {}, analysis.outcome)


def _caller(request: Request) -> Any:
    user = acting_user(request)
    if not may_run(user):
        raise ApiPermissionDenied("Your role does not read impact analyses.")
    return user


class ProgrammeImpact(APIView):
    @extend_schema(responses={200: AnalysisSerializer(many=True)}, operation_id="programmes_impact_list")
    def get(self, request: Request, id: int) -> Response:
        user = _caller(request)
        programme = get_object_or_404(Programme, pk=id)
        return Response(AnalysisSerializer(programme_analyses(user, programme), many=True).data)

    @extend_schema(request=AnalysisRequest, responses={202: AnalysisSerializer},
                   operation_id="programmes_impact_create")
    def post(self, request: Request, id: int) -> Response:
        user = _caller(request)
        programme = get_object_or_404(Programme, pk=id)
        params = AnalysisRequest(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            analysis = request_analysis(user, programme, params.validated_data["outcome"],
                                        seed=params.validated_data.get("seed"))
        except ValidationError as refusal:
            raise ApiValidationError(refusal.message_dict) from refusal
        analysis.refresh_from_db()
        return Response(AnalysisSerializer(analysis).data, status=status.HTTP_202_ACCEPTED)


class ImpactAnalysisDetail(APIView):
    @extend_schema(responses={200: AnalysisSerializer}, operation_id="impact_analyses_retrieve")
    def get(self, request: Request, id: int) -> Response:
        user = _caller(request)
        analysis = get_visible_or_404(user, ImpactAnalysis.objects.all(), pk=id)
        return Response(AnalysisSerializer(analysis).data)
