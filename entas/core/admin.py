from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from entas.core import audit
from entas.core.actors import signed_in
from entas.core.models import AuditEntry
from entas.core.scoping import visible


class ScopedAdmin(admin.ModelAdmin[Any]):
    """Admin pages list and open only what the signed-in user's region scope allows."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return visible(signed_in(request), super().get_queryset(request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """Like every other route: 404 for an object outside the scope, with a `scope.denied` entry.

        Django's admin would redirect to its index with "doesn't exist" for both an object outside
        the scope and one that does not exist; answering 404 for both tells them apart no more than
        any other page does."""
        found = super().get_object(request, object_id, from_field)
        if found is None:
            self._deny(request, object_id, from_field)
        return found

    def _deny(self, request: HttpRequest, object_id: str, from_field: str | None) -> None:
        opts = self.model._meta
        try:
            field = opts.pk if from_field is None else opts.get_field(from_field)
            key = field.to_python(object_id)
            exists = self.model._default_manager.filter(**{field.name: key}).exists()
        except (FieldDoesNotExist, ValidationError, ValueError, TypeError):
            exists = False
        if exists:
            audit.record(signed_in(request), audit.Action.SCOPE_DENIED, details={
                "model": opts.label_lower, "lookup": {field.name: str(object_id)}})
        raise Http404

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
