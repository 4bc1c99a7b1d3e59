"""Training and mentoring sessions for API clients: listed inside the caller's region, created and
given attendance by those who may change enrolments, through the same services as the pages.
A session outside the scope answers 404 (logged); families the caller may not act for (outside
the region, or another facilitator's) are refused with 400 naming `attendees`."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from entas.accounts.models import User
from entas.core.actors import acting_user, signed_in
from entas.core.api import IdField, IdRelatedField, ScopedReadOnlyViewSet
from entas.core.refusals import listed
from entas.core.scoping import user_scope
from entas.graduation import services
from entas.graduation.models import Enrolment, SessionKind, TrainingSession
from entas.graduation.queries import enrolments_for, may_change
from entas.programmes.api import ServiceRefusals
from entas.programmes.models import Programme
from entas.regions.codes import within


class TrainingSessionSerializer(serializers.ModelSerializer[TrainingSession]):
    attendees = serializers.SerializerMethodField(help_text="enrolments that attended, among those you may see")
    attendee_count = serializers.IntegerField(read_only=True, help_text="all families that attended")

    class Meta:
        model = TrainingSession
        fields = ["id", "programme", "kind", "topic", "date", "region", "attendees", "attendee_count"]

    def get_attendees(self, session: TrainingSession) -> list[int]:
        # Prefetched by the view for every session of the page at once (TrainingSessionViewSet).
        return [family.pk for family in session.visible_attendees]  # type: ignore[attr-defined]


class NewSessionSerializer(serializers.Serializer[Any]):
    programme = IdRelatedField(queryset=Programme.objects.all())
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    topic = serializers.CharField(max_length=200)
    date = serializers.DateField()
    region = serializers.CharField(max_length=13, help_text="where it was held: village, district or regency code")
    attendees = serializers.ListField(child=IdField(), required=False, default=list,
                                      help_text="enrolment ids of the families who attended")


class AttendanceSerializer(serializers.Serializer[Any]):
    attendees = serializers.ListField(child=IdField(), allow_empty=False,
                                      help_text="enrolment ids of the families who attended")


def families(user: User | None, ids: list[int]) -> list[Enrolment]:
    """The enrolments named, all of them ones the user may act for, or a 400 naming the others."""
    found = {e.pk: e for e in enrolments_for(user).select_related("household").filter(pk__in=ids)}
    if missing := [i for i in ids if i not in found]:
        raise ApiValidationError({"attendees": [_("Enrolment(s) %(ids)s are not among the families you may record.")
                                                % {"ids": listed(missing)}]})
    return [found[i] for i in ids]


class SessionQuery(serializers.Serializer[dict[str, Any]]):
    programme = IdField(required=False, help_text="only this programme's sessions")


@extend_schema_view(list=extend_schema(parameters=[SessionQuery]))
class TrainingSessionViewSet(ServiceRefusals, mixins.CreateModelMixin, ScopedReadOnlyViewSet[TrainingSession]):
    serializer_class = TrainingSessionSerializer

    def base_queryset(self) -> QuerySet[TrainingSession]:
        attendees = Prefetch("attendees", queryset=enrolments_for(signed_in(self.request)).order_by("id"),
                             to_attr="visible_attendees")
        return (TrainingSession.objects.annotate(attendee_count=Count("attendees")).prefetch_related(attendees)
                .order_by("-date", "-id"))

    def get_queryset(self) -> QuerySet[TrainingSession]:
        found = super().get_queryset()
        if self.action != "list":
            return found
        params = SessionQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        if "programme" in params.validated_data:
            found = found.filter(programme_id=params.validated_data["programme"])
        return found

    def _may_change(self) -> None:
        if not may_change(acting_user(self.request)):
            raise PermissionDenied(_("Your role may read sessions but not record them."))

    @extend_schema(request=NewSessionSerializer, responses={201: TrainingSessionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._may_change()
        incoming = NewSessionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = acting_user(request)
        scope = user_scope(user)
        if not within(data["region"], scope):
            raise ApiValidationError({"region": [_("%(code)s is outside your region %(scope)s.")
                                                 % {"code": data["region"], "scope": scope}]})
        session = services.record_training(user, data["programme"], kind=data["kind"],
                                           topic=data["topic"], on=data["date"], region_code=data["region"],
                                           attendees=families(user, data["attendees"]))
        return Response(self.get_serializer(self.base_queryset().get(pk=session.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=AttendanceSerializer, responses=TrainingSessionSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        session = self.get_object()  # 404 outside the scope, logged
        self._may_change()
        incoming = AttendanceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = acting_user(request)
        services.record_attendance(user, session, families(user, incoming.validated_data["attendees"]))
        return Response(self.get_serializer(self.base_queryset().get(pk=session.pk)).data)
