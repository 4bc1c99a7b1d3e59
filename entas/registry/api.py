"""Households and people for API clients: scoped like the pages, identifiers masked by role,
every retrieve and every page of a list audit-logged (`household.listed`/`person.listed` name the
households and people returned)."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entas.core import audit
from entas.core.actors import acting_user, signed_in
from entas.core.api import AuditedList, ScopedReadOnlyViewSet
from entas.regions.codes import CODE_PATTERN
from entas.registry import queries
from entas.registry.identifiers import shown
from entas.registry.models import Household, Person, Programme, WelfareRecord


def members_of(households: Iterable[int]) -> list[int]:
    """The ids of the people who live in these households now (one query)."""
    wanted = list(households)
    return list(Person.objects.filter(household_id__in=wanted).values_list("pk", flat=True)) if wanted else []


class MaskedIdentifier(serializers.CharField):
    """NIK / No. KK, masked for the roles that do not see them in full."""

    def to_representation(self, value: Any) -> str:
        return shown(acting_user(self.context["request"]), str(value))


class PersonSerializer(serializers.ModelSerializer[Person]):
    nik = MaskedIdentifier(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "nik", "full_name", "sex", "birth_date", "birth_place", "relationship", "education",
                  "occupation", "disability", "marital_status", "household"]


class HouseholdSerializer(serializers.ModelSerializer[Household]):
    kk_number = MaskedIdentifier(read_only=True)

    class Meta:
        model = Household
        fields = ["id", "kk_number", "village", "address", "decile", "decile_source", "decile_date",
                  "per_capita_income", "floor_material", "wall_material", "roof_material", "drinking_water",
                  "sanitation", "electricity_watt", "cooking_fuel", "assets", "extreme_poor"]


class WelfareRecordSerializer(serializers.Serializer[WelfareRecord]):
    """One extract's values for the household, newest first (registry.welfare: the scores)."""

    date = serializers.DateField(read_only=True)
    decile = serializers.IntegerField(read_only=True, allow_null=True)
    per_capita_income = serializers.IntegerField(read_only=True, allow_null=True)
    assets_score = serializers.IntegerField(read_only=True, allow_null=True)
    housing_score = serializers.IntegerField(read_only=True, allow_null=True)


class HouseholdDetailSerializer(HouseholdSerializer):
    members = PersonSerializer(many=True, read_only=True)
    # The related manager's rows in the model's order: newest extract first.
    welfare_history = WelfareRecordSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members", "welfare_history"]


class HouseholdQuery(serializers.Serializer[dict[str, Any]]):
    region = serializers.RegexField(CODE_PATTERN, required=False, help_text="dotted region code, e.g. 33.10")
    decile_min = serializers.IntegerField(required=False, min_value=1, max_value=10)
    decile_max = serializers.IntegerField(required=False, min_value=1, max_value=10)
    programme = serializers.ChoiceField(choices=Programme.values, required=False)
    extreme_poor = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, min_length=2, help_text="NIK, No. KK or part of a member's name")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("decile_min"), attrs.get("decile_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"decile_min": _("The lowest decile (%(low)s) is above the highest "
                                                              "(%(high)s).") % {"low": low, "high": high}})
        return attrs


@extend_schema_view(list=extend_schema(parameters=[HouseholdQuery]))
class HouseholdViewSet(AuditedList, ScopedReadOnlyViewSet[Household]):
    listed_households = "pk"

    def people_listed(self, rows: Sequence[Any], households: list[int]) -> list[int]:
        return members_of(households)

    def base_queryset(self) -> QuerySet[Household]:
        return Household.objects.order_by("id")

    def get_serializer_class(self) -> type[HouseholdSerializer]:
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    def get_queryset(self) -> QuerySet[Household]:
        if self.action != "list":
            return super().get_queryset()
        params = HouseholdQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return queries.households(signed_in(self.request), queries.HouseholdFilter(**params.validated_data))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = self.get_object()
        audit.record(acting_user(request), audit.Action.HOUSEHOLD_VIEWED, household)
        return Response(self.get_serializer(household).data)


class PersonQuery(serializers.Serializer[dict[str, Any]]):
    region = serializers.RegexField(CODE_PATTERN, required=False)
    q = serializers.CharField(required=False, min_length=2, help_text="NIK or part of the name")


@extend_schema_view(list=extend_schema(parameters=[PersonQuery]))
class PersonViewSet(AuditedList, ScopedReadOnlyViewSet[Person]):
    serializer_class = PersonSerializer
    listed_people = "pk"
    listed_households = "household_id"

    def base_queryset(self) -> QuerySet[Person]:
        return Person.objects.order_by("id")

    def get_queryset(self) -> QuerySet[Person]:
        if self.action != "list":
            return super().get_queryset()
        params = PersonQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return queries.people(signed_in(self.request), **params.validated_data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        audit.record(acting_user(request), audit.Action.PERSON_VIEWED, person)
        return Response(self.get_serializer(person).data)
