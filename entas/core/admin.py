from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from entas.core.models import AuditEntry
from entas.core.scoping import visible


class ScopedAdmin(admin.ModelAdmin[Any]):
    """Admin pages list and open only what the signed-in user's region scope allows."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "created_at", "actor_username", "action", "object_type", "object_id", "region_code", "channel", "address",
    ]
    list_filter = ["action", "channel"]
    search_fields = ["actor_username", "action", "object_id", "region_code"]
    date_hierarchy = "created_at"
