"""Record linkage for API clients, scoped like the pages (`linkage.queries`): link jobs (list, start,
their review pairs), pairs (list the queue, open one, decide it) and links (list, undo).

Only the roles that link (`services.may_link`) use it; others get 403. NIKs are masked for the
roles that do not see them in full. Every answer that names people writes its audit entry (a page
of pairs or links: `linkcandidate.listed` / `link.listed`; one pair: `link_candidate.viewed`).
A service's refusal answers 400 with its reason under `detail`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entas.core import audit
from entas.core.actors import acting_user, signed_in
from entas.core.api import AuditedList, IdField, NumericIds
from entas.linkage import queries, services
from entas.linkage.model import Thresholds
from entas.linkage.models import Decision, Link, LinkCandidate, LinkJob, Method, Source
from entas.registry.api import MaskedIdentifier
from entas.registry.identifiers import shown

DEFAULT = Thresholds()


class LinksPeople(BasePermission):
    message = gettext_lazy("Your role may not use record linkage.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return services.may_link(signed_in(request))


class Refusals:
    """A service's refusal answers 400 with the reason."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.LinkageRefused):
            exc = ValidationError({"detail": [exc.message]})
        return super().handle_exception(exc)  # type: ignore[misc]


# --- serializers -------------------------------------------------------------------------------

class LinkJobSerializer(serializers.ModelSerializer[LinkJob]):
    class Meta:
        model = LinkJob
        fields = ["id", "source", "upload", "scope", "status", "stage", "share", "upper", "lower", "margin",
                  "created_at", "started_at", "finished_at", "people", "records", "accepted", "review", "rejected",
                  "exact_nik", "by_model", "by_review", "report", "error"]
        read_only_fields = fields


class StartJobSerializer(serializers.Serializer[dict[str, Any]]):
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]  # a body field, not Field.source
    upload = IdField(required=False, allow_null=True, help_text="id of the agency file (source agency_file)")
    upper = serializers.FloatField(required=False, min_value=0, max_value=1, default=DEFAULT.upper)
    lower = serializers.FloatField(required=False, min_value=0, max_value=1, default=DEFAULT.lower)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["lower"] > attrs["upper"]:
            raise ValidationError({"lower": [_("The lower threshold must not be above the upper one.")]})
        return attrs


class GivenIdentifiers(serializers.DictField):
    """The record as given, its NIK and No. KK masked by role."""

    def to_representation(self, value: Any) -> dict[str, Any]:
        user = acting_user(self.context["request"])
        found = dict(value)
        for key in ("nik", "kk_number"):
            if found.get(key):
                found[key] = shown(user, str(found[key]))
        return found


class LinkedPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    nik = MaskedIdentifier(read_only=True)
    full_name = serializers.CharField(read_only=True)
    sex = serializers.CharField(read_only=True, allow_null=True)
    birth_date = serializers.DateField(read_only=True, allow_null=True)
    household = serializers.IntegerField(source="household_id", read_only=True, allow_null=True)


class PairSerializer(serializers.ModelSerializer[LinkCandidate]):
    given = GivenIdentifiers(read_only=True)
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True, read_only=True,
                                       help_text="empty while the pair waits")
    person = LinkedPersonSerializer(read_only=True)

    class Meta:
        model = LinkCandidate
        fields = ["id", "job", "source", "record_id", "given", "person", "probability", "match_weight", "weights",
                  "runner_up_weight", "band", "ask_order", "record_region", "person_region", "decision",
                  "decided_at", "superseded"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer[dict[str, Any]]):
    decision = serializers.ChoiceField(choices=Decision.values)


class LinkSerializer(serializers.ModelSerializer[Link]):
    given = GivenIdentifiers(read_only=True)
    person = LinkedPersonSerializer(read_only=True)

    class Meta:
        model = Link
        fields = ["id", "source", "record_id", "given", "person", "method", "probability", "job", "record_region",
                  "person_region", "created_at", "undone_at"]
        read_only_fields = fields


class PairQuery(serializers.Serializer[dict[str, Any]]):
    queue = serializers.ChoiceField(choices=["regional", "national"], required=False, default="regional",
                                    help_text="national: the pairs that cross a regency border (national roles)")


class LinkQuery(serializers.Serializer[dict[str, Any]]):
    method = serializers.ChoiceField(choices=Method.choices, required=False)
    source = serializers.ChoiceField(choices=Source.choices, required=False)  # type: ignore[assignment]
    current = serializers.BooleanField(required=False, default=True, help_text="false: undone links too")


def _params(query: type[serializers.Serializer[dict[str, Any]]], request: Request) -> dict[str, Any]:
    params = query(data=request.query_params)
    params.is_valid(raise_exception=True)
    return dict(params.validated_data)


class Base(Refusals, NumericIds):
    permission_classes: Any = [IsAuthenticated, LinksPeople]

    def user(self) -> Any:
        return acting_user(self.request)  # type: ignore[attr-defined]


# --- viewsets ----------------------------------------------------------------------------------

class LinkJobViewSet(Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[LinkJob]):
    """Link jobs of the caller's region; POST starts one (it runs in the background)."""

    serializer_class = LinkJobSerializer

    def get_queryset(self) -> QuerySet[LinkJob]:
        return queries.jobs(signed_in(self.request)).order_by("-created_at", "-id")

    def get_object(self) -> LinkJob:
        return queries.one(self.user(), queries.jobs(self.user()), int(self.kwargs["pk"]))

    @extend_schema(request=StartJobSerializer, responses={201: LinkJobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.user()
        incoming = StartJobSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        upload = None
        if data.get("upload"):
            upload = queries.uploads(user).filter(pk=data["upload"]).first()
            if upload is None:
                raise ValidationError({"upload": [_("There is no agency file %(id)s in your region.")
                                                  % {"id": data["upload"]}]})
        job = services.start_job(user, data["source"], upload,
                                 thresholds=Thresholds(upper=data["upper"], lower=data["lower"]))
        return Response(LinkJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PairSerializer(many=True))
    @action(detail=True, methods=["get"])
    def candidates(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """The job's pairs in the review band that the caller may see, in the order to ask them."""
        job = self.get_object()
        rows = queries.pairs(self.user()).filter(job=job, band="review").order_by("ask_order", "id")
        shown_rows: list[LinkCandidate] = list(self.paginate_queryset(rows) or [])  # type: ignore[arg-type]
        audit.record_list_read(self.user(), LinkCandidate._meta.label_lower, request.query_params,
                               [row.pk for row in shown_rows], people=[row.person_id for row in shown_rows])
        return self.get_paginated_response(PairSerializer(shown_rows, many=True, context={"request": request}).data)


@extend_schema_view(list=extend_schema(parameters=[PairQuery]))
class LinkCandidateViewSet(Base, AuditedList, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet[LinkCandidate]):
    """The review queue (pairs waiting, in the order to ask them); one pair; its decision."""

    serializer_class = PairSerializer
    listed_people = "person_id"

    def get_queryset(self) -> QuerySet[LinkCandidate]:
        user = signed_in(self.request)
        if self.action == "list":
            national = _params(PairQuery, self.request)["queue"] == "national"
            if national and not services.reviews_nationally(user):
                raise PermissionDenied(_("The national queue is for national roles."))
            return queries.queue(user, national=national)
        return queries.pairs(user).order_by("id")

    def get_object(self) -> LinkCandidate:
        return queries.one(self.user(), queries.pairs(self.user()), int(self.kwargs["pk"]))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pair = self.get_object()
        audit.record(self.user(), audit.Action.LINK_CANDIDATE_VIEWED, pair,
                     details={"source": pair.source, "record_id": pair.record_id, "person": pair.person_id})
        return Response(self.get_serializer(pair).data)

    @extend_schema(request=DecisionSerializer, responses=PairSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Accept (the same person: the record is linked), reject (not the same person) or skip."""
        pair = self.get_object()
        incoming = DecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        decided = services.decide(self.user(), pair, incoming.validated_data["decision"])
        return Response(self.get_serializer(decided).data)


@extend_schema_view(list=extend_schema(parameters=[LinkQuery]))
class LinkViewSet(Base, AuditedList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Link]):
    """Links whose record and person both lie in the caller's region; `undo` takes one back."""

    serializer_class = LinkSerializer
    listed_people = "person_id"

    def get_queryset(self) -> QuerySet[Link]:
        rows = queries.links(signed_in(self.request)).order_by("-created_at", "-id")
        if self.action != "list":
            return rows
        wanted = _params(LinkQuery, self.request)
        if wanted.pop("current", True):
            rows = rows.filter(undone_at__isnull=True)
        return rows.filter(**wanted)

    def get_object(self) -> Link:
        return queries.one(self.user(), queries.links(self.user()), int(self.kwargs["pk"]))

    @extend_schema(request=None, responses=LinkSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        """Undo the link: the record loses its person, and the pair is remembered as not a match."""
        undone = services.undo_link(self.user(), self.get_object())
        return Response(self.get_serializer(undone).data)
