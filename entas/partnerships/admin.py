from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from entas.partnerships.models import Agreement, Partner


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Changes go through the services (checked, audited); the admin only shows what was recorded."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "title", "signed", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["number", "title"]
    date_hierarchy = "signed"
