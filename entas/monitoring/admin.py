from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from entas.core.admin import ReadOnlyScopedAdmin
from entas.monitoring.models import Indicator, Period, Rollup, Target


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Changes go through the services (checked, audited); the admin only shows what was recorded."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_id", "name_en", "unit", "computation", "refreshed_at"]
    search_fields = ["code", "name_id", "name_en"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["year", "quarter"]


@admin.register(Target)
class TargetAdmin(ReadOnlyScopedAdmin):
    list_display = ["indicator", "region", "period", "value", "achieved"]
    list_filter = ["indicator", "period"]


@admin.register(Rollup)
class RollupAdmin(ReadOnlyScopedAdmin):
    list_display = ["indicator", "village", "period", "value", "computed_at"]
    list_filter = ["indicator", "period"]
