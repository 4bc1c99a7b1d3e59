from typing import Any

from django.db.models import QuerySet
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entas.accounts.models import Agency, User
from entas.accounts.roles import MANAGES_USERS
from entas.core.api import AuditedList, ScopedReadOnlyViewSet
from entas.core.models import AuditEntry


class UserSerializer(serializers.ModelSerializer[User]):
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "agency", "region", "is_active"]


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "actor_username", "action", "object_type", "object_id",
                  "region_code", "channel", "address", "details"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "region"]


class ManagesUsers(permissions.BasePermission):
    message = "Only national administrators and regional officers may list users and the audit log."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return getattr(request.user, "role", None) in MANAGES_USERS


class UserViewSet(AuditedList, ScopedReadOnlyViewSet[User]):
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, ManagesUsers]

    def base_queryset(self) -> QuerySet[User]:
        return User.objects.select_related("agency").order_by("username")

    @action(detail=False, permission_classes=[permissions.IsAuthenticated])
    def me(self, request: Request, **kwargs: Any) -> Response:
        return Response(UserSerializer(request.user).data)  # type: ignore[arg-type]


class AuditEntryViewSet(ScopedReadOnlyViewSet[AuditEntry]):
    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAuthenticated, ManagesUsers]

    def base_queryset(self) -> QuerySet[AuditEntry]:
        return AuditEntry.objects.all()



class AgencyViewSet(viewsets.ReadOnlyModelViewSet[Agency]):
    serializer_class = AgencySerializer
    queryset = Agency.objects.order_by("name")
    lookup_field = "code"
