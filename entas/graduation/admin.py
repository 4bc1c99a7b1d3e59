"""Read-only: enrolments change through the services (checks and audit), never through admin
forms, and are scoped by region (a facilitator: her caseload)."""

from django.contrib import admin

from entas.core.admin import ReadOnlyScopedAdmin
from entas.graduation.models import Enrolment


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "programme", "village", "facilitator", "status", "cohort", "enrolled_on"]
    list_filter = ["status", "programme", "cohort"]
    search_fields = ["household__kk_number", "village__code"]
    raw_id_fields = ["household", "village", "facilitator"]
    list_select_related = ["household", "programme", "village", "facilitator__user"]
