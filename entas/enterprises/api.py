"""Enterprises, cooperatives, memberships, jobs and groups for API clients: scoped like the
pages, NIK masked by role, query parameters validated (a bad one answers 400 naming it). Opening
a record that names people, and every page of such a list (enterprises with their owners,
memberships, jobs), is audit-logged."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from entas.core import audit
from entas.core.actors import acting_user, signed_in
from entas.core.api import AuditedList, IdField, ScopedReadOnlyViewSet
from entas.enterprises import queries
from entas.enterprises.kbli import LETTERS
from entas.enterprises.models import (
    BusinessUnit,
    Cooperative,
    CooperativeType,
    Enterprise,
    EnterpriseStatus,
    Group,
    GroupKind,
    Job,
    Membership,
)
from entas.enterprises.scale import Scale
from entas.regions.codes import CODE_PATTERN
from entas.registry.api import MaskedIdentifier


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    # null for an enterprise registered without its owner's NIK
    owner_nik = MaskedIdentifier(read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = ["id", "name", "nib", "owner_nik", "owner_name", "owner", "village", "kbli_code", "kbli_version",
                  "kbli_section", "capital", "annual_sales", "scale", "workers", "legal_form", "status", "founded"]

    def to_representation(self, instance: Enterprise) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not getattr(instance, "owner_shown", True):
            # The owner lives outside what the caller may see: the enterprise is hers, the person not.
            data.update(owner_nik=None, owner_name=None, owner=None)
        return data


class JobSerializer(serializers.ModelSerializer[Job]):
    # null while the holder is not yet recognised (`person` null): then `given_*` say who she is
    person_nik = MaskedIdentifier(source="person.nik", read_only=True, allow_null=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True, allow_null=True)
    given_nik = MaskedIdentifier(read_only=True, help_text="the NIK as the source gave it (may be damaged)")
    recognised = serializers.BooleanField(read_only=True, help_text="linked to a registry person")

    class Meta:
        model = Job
        fields = ["id", "enterprise", "person", "person_nik", "person_name", "recognised", "given_name", "given_nik",
                  "position", "start", "end"]


class BusinessUnitSerializer(serializers.ModelSerializer[BusinessUnit]):
    class Meta:
        model = BusinessUnit
        fields = ["kind", "status", "opened"]


class CooperativeSerializer(serializers.ModelSerializer[Cooperative]):
    units = BusinessUnitSerializer(many=True, read_only=True)

    class Meta:
        model = Cooperative
        fields = ["id", "name", "registration_number", "legal_entity_number", "type", "village", "status",
                  "founded", "units"]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    # null while the member is not yet recognised (`person` null): then `given_*` say who she is
    person_nik = MaskedIdentifier(source="person.nik", read_only=True, allow_null=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True, allow_null=True)
    given_nik = MaskedIdentifier(read_only=True, help_text="the NIK as the source gave it (may be damaged)")
    recognised = serializers.BooleanField(read_only=True, help_text="linked to a registry person")
    from_poor_household = serializers.BooleanField(source="poor", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "cooperative", "person", "person_nik", "person_name", "recognised", "given_name", "given_nik",
                  "joined", "left", "share_principal", "share_mandatory", "from_poor_household"]


class GroupSerializer(serializers.ModelSerializer[Group]):
    class Meta:
        model = Group
        fields = ["id", "name", "kind", "sector", "region", "cooperative", "formed"]


class RegionQuery(serializers.Serializer[dict[str, Any]]):
    region = serializers.RegexField(CODE_PATTERN, required=False, help_text="dotted region code, e.g. 33.10")


class EnterpriseQuery(RegionQuery):
    section = serializers.ChoiceField(choices=LETTERS, required=False, help_text="KBLI section letter")
    scale = serializers.ChoiceField(choices=Scale.values, required=False)
    status = serializers.ChoiceField(choices=EnterpriseStatus.values, required=False)
    formal = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="has a NIB")
    q = serializers.CharField(required=False, min_length=2, help_text="NIB, owner NIK or part of the name")


class CooperativeQuery(RegionQuery):
    type = serializers.ChoiceField(choices=CooperativeType.values, required=False)
    q = serializers.CharField(required=False, min_length=2)


class GroupQuery(RegionQuery):
    kind = serializers.ChoiceField(choices=GroupKind.values, required=False)
    sector = serializers.ChoiceField(choices=LETTERS, required=False)


class MembershipQuery(RegionQuery):
    cooperative = IdField(required=False, help_text="id of the cooperative")


class JobQuery(RegionQuery):
    poor_only = serializers.BooleanField(required=False, default=False,
                                         help_text="only people from desil 1-2 households")


def _params(query: type[serializers.Serializer[dict[str, Any]]], request: Request) -> dict[str, Any]:
    params = query(data=request.query_params)
    params.is_valid(raise_exception=True)
    return dict(params.validated_data)


class AuditedRetrieve:
    """Opening one record that names people is written to the audit log."""

    action_name: audit.Action

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        audit.record(acting_user(request), self.action_name, obj)
        return Response(self.get_serializer(obj).data)  # type: ignore[attr-defined]


class UnrecognisedHidden:
    """A membership or job of a person nobody recognised yet, opened by a role that does not read
    such records (queries.unrecognised_shown: a facilitator): 404 with a scope.denied entry, as for
    a record outside the scope."""

    def get_object(self) -> Any:
        found = super().get_object()  # type: ignore[misc]
        user = acting_user(self.request)  # type: ignore[attr-defined]
        if found.person_id is None and not queries.unrecognised_shown(user):
            audit.record(user, audit.Action.SCOPE_DENIED, details={"model": found._meta.label_lower,
                                                                   "lookup": {"pk": str(found.pk)}})
            raise Http404
        return found


@extend_schema_view(list=extend_schema(parameters=[EnterpriseQuery]))
class EnterpriseViewSet(AuditedRetrieve, AuditedList, ScopedReadOnlyViewSet[Enterprise]):
    serializer_class = EnterpriseSerializer
    listed_people = "owner_id"
    action_name = audit.Action.ENTERPRISE_VIEWED

    def base_queryset(self) -> QuerySet[Enterprise]:
        return queries.with_owner_shown(signed_in(self.request), Enterprise.objects.order_by("id"))

    def get_queryset(self) -> QuerySet[Enterprise]:
        if self.action != "list":
            return super().get_queryset()
        return queries.enterprises(signed_in(self.request), queries.EnterpriseFilter(**_params(EnterpriseQuery,
                                                                                             self.request)))


@extend_schema_view(list=extend_schema(parameters=[CooperativeQuery]))
class CooperativeViewSet(AuditedRetrieve, ScopedReadOnlyViewSet[Cooperative]):
    serializer_class = CooperativeSerializer
    action_name = audit.Action.COOPERATIVE_VIEWED

    def base_queryset(self) -> QuerySet[Cooperative]:
        return Cooperative.objects.prefetch_related("units").order_by("id")

    def get_queryset(self) -> QuerySet[Cooperative]:
        if self.action != "list":
            return super().get_queryset()
        flt = queries.CooperativeFilter(**_params(CooperativeQuery, self.request))
        return queries.cooperatives(signed_in(self.request), flt).prefetch_related("units")


@extend_schema_view(list=extend_schema(parameters=[MembershipQuery]))
class MembershipViewSet(UnrecognisedHidden, AuditedRetrieve, AuditedList, ScopedReadOnlyViewSet[Membership]):
    serializer_class = MembershipSerializer
    listed_people = "person_id"
    action_name = audit.Action.COOPERATIVE_MEMBERSHIP_VIEWED

    def base_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("person").annotate(poor=queries.poor()).order_by("id")

    def get_queryset(self) -> QuerySet[Membership]:
        if self.action != "list":
            return super().get_queryset()
        return queries.scoped_memberships(signed_in(self.request), **_params(MembershipQuery, self.request))


@extend_schema_view(list=extend_schema(parameters=[JobQuery]))
class JobViewSet(UnrecognisedHidden, AuditedRetrieve, AuditedList, ScopedReadOnlyViewSet[Job]):
    serializer_class = JobSerializer
    listed_people = "person_id"
    action_name = audit.Action.JOB_VIEWED

    def base_queryset(self) -> QuerySet[Job]:
        return Job.objects.select_related("person").order_by("id")

    def get_queryset(self) -> QuerySet[Job]:
        if self.action != "list":
            return super().get_queryset()
        return queries.scoped_jobs(signed_in(self.request), **_params(JobQuery, self.request))


@extend_schema_view(list=extend_schema(parameters=[GroupQuery]))
class GroupViewSet(ScopedReadOnlyViewSet[Group]):
    serializer_class = GroupSerializer

    def base_queryset(self) -> QuerySet[Group]:
        return Group.objects.order_by("id")

    def get_queryset(self) -> QuerySet[Group]:
        if self.action != "list":
            return super().get_queryset()
        return queries.groups(signed_in(self.request), **_params(GroupQuery, self.request))
