"""The priority ranking of regencies or districts and the saved priority lists, for API clients.

The ranking is computed inside the caller's region (a Klaten officer ranks the districts of
Klaten; asking for another region answers 400 naming `within`). Saved lists are national (they
belong to a programme) but only the places inside the caller's region are shown. Saving a list
decides who may be enrolled in the programme, so only a national administrator may do it."""

import math
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from entas.accounts.models import User
from entas.core.actors import acting_user
from entas.core.api import MAX_ID, IdRelatedField, NumericIds
from entas.core.scoping import user_scope, visible
from entas.programmes import priority, services
from entas.programmes.api import ServiceRefusals
from entas.programmes.models import PriorityLevel, PriorityList, PriorityLocation, Programme
from entas.programmes.queries import may_save_priority_lists
from entas.regions.codes import within as is_within


def _within(user: User | None, asked: str | None) -> str | None:
    scope = user_scope(user)
    if asked and not is_within(asked, scope):
        raise ApiValidationError({"within": [_("%(code)s is outside your region %(scope)s.")
                                             % {"code": asked, "scope": scope}]})
    return asked or scope


class RankedSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()
    measures = serializers.DictField(child=serializers.FloatField())
    explanation = serializers.CharField()


# One object (the ranking with its results), although it answers the list route.
@extend_schema_serializer(many=False)
class RankingSerializer(serializers.Serializer[Any]):
    level = serializers.CharField()
    within = serializers.CharField(allow_null=True)
    weights = serializers.DictField(child=serializers.FloatField())
    count = serializers.IntegerField()
    results = RankedSerializer(many=True)


WEIGHT_PARAMETERS = [OpenApiParameter(name, float, description=f"weight (default {default})")
                     for name, default in priority.DEFAULT_WEIGHTS.items()]


class RankingQuery(serializers.Serializer[dict[str, Any]]):
    level = serializers.ChoiceField(choices=list(priority.LEVELS), required=False, help_text="regency or district")
    within = serializers.CharField(required=False, max_length=13, help_text="a region code (default: your region)")
    top = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID, help_text="only the best N")


def _weights(params: Any) -> dict[str, float]:
    weights = priority.weights_from(params)
    for name, value in weights.items():
        if not math.isfinite(value) or value < 0:
            raise ApiValidationError({"weights": [_("%(weight)s: '%(value)s' is not a number of 0 or more.") % {
                "weight": priority.weight_choice(name), "value": params.get(name)}]})
    return weights


class PriorityRankingViewSet(ServiceRefusals, viewsets.ViewSet):
    """GET: every regency or district inside `within` (default: your region), best first."""

    @extend_schema(responses=RankingSerializer, parameters=[RankingQuery, *WEIGHT_PARAMETERS])
    def list(self, request: Request) -> Response:
        incoming = RankingQuery(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        params = incoming.validated_data
        user = acting_user(request)
        level = params.get("level") or priority.default_level(user_scope(user))
        where = _within(user, params.get("within"))
        weights = _weights(request.query_params)
        ranked = priority.rank(weights, level, where)
        shown = ranked[: params["top"]] if "top" in params else ranked
        for row in shown:
            row.explanation = priority.explain(row)
        return Response(RankingSerializer({"level": level, "within": where, "weights": weights, "count": len(ranked),
                                           "results": shown}).data)


class LocationSerializer(serializers.ModelSerializer[PriorityLocation]):
    class Meta:
        model = PriorityLocation
        fields = ["rank", "region", "score", "measures", "explanation"]


class PriorityListSerializer(serializers.ModelSerializer[PriorityList]):
    locations = serializers.SerializerMethodField(help_text="the places chosen, those inside your region")

    class Meta:
        model = PriorityList
        fields = ["id", "programme", "name", "level", "within", "weights", "quotas", "created_at", "locations"]

    def get_locations(self, saved: PriorityList) -> list[dict[str, Any]]:
        places = visible(acting_user(self.context["request"]), saved.locations.order_by("rank"))
        return list(LocationSerializer(places, many=True).data)


class NewPriorityListSerializer(serializers.Serializer[Any]):
    programme = IdRelatedField(queryset=Programme.objects.all())
    name = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=PriorityLevel.choices, default=PriorityLevel.REGENCY)
    within = serializers.CharField(max_length=13, required=False, allow_blank=True, default="")
    weights = serializers.DictField(child=serializers.FloatField(),
                                    help_text=f"names: {', '.join(priority.WEIGHT_NAMES)}; missing ones count 0")
    quotas = serializers.DictField(child=serializers.IntegerField(), required=False, default=dict,
                                   help_text="province code -> how many of its places")
    limit = serializers.IntegerField(required=False, allow_null=True, help_text="or the best N overall")


class PriorityListViewSet(ServiceRefusals, NumericIds, mixins.CreateModelMixin,
                          viewsets.ReadOnlyModelViewSet[PriorityList]):
    serializer_class = PriorityListSerializer

    def get_queryset(self) -> QuerySet[PriorityList]:
        return PriorityList.objects.order_by("-created_at", "-id")

    @extend_schema(request=NewPriorityListSerializer, responses={201: PriorityListSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting_user(request)
        if not may_save_priority_lists(user):
            raise PermissionDenied(_("Only a national administrator chooses a programme's priority locations."))
        incoming = NewPriorityListSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        saved = services.save_priority_list(user, data["programme"], name=data["name"],
                                            weights=data["weights"], quotas=data["quotas"],
                                            limit=data.get("limit"), level=data["level"],
                                            within=data["within"] or None)
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)
