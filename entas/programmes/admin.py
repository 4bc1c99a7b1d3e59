"""Read-only: programmes and facilitators change through the services (checks and audit), never
through admin forms. Facilitators are scoped by region."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from entas.core.admin import ReadOnlyScopedAdmin
from entas.programmes.models import Facilitator, Programme


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "lead_agency", "start", "end", "budget", "decile_min", "decile_max", "extreme_poor_only",
                    "yearly_target"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Programmes are national (no region of their own): every admin user may read them all.
        return admin.ModelAdmin.get_queryset(self, request)


@admin.register(Facilitator)
class FacilitatorAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "agency", "region", "capacity", "yearly_target", "active"]
    list_filter = ["active", "agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "region__code"]
    raw_id_fields = ["user", "region"]

