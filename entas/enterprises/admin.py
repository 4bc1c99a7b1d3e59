"""Read-only and scoped: changes go through the services (checks and audit), not admin forms."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from entas.core.actors import signed_in
from entas.core.admin import ReadOnlyScopedAdmin
from entas.enterprises import queries
from entas.enterprises.models import BusinessUnit, Cooperative, Enterprise, Group, Job, Manager, Membership


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "nib", "village", "kbli_code", "kbli_section", "scale", "status"]
    list_filter = ["kbli_section", "scale", "status", "kbli_version"]
    search_fields = ["name", "nib"]
    raw_id_fields = ["owner", "village"]
    exclude = ["owner_nik"]

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The enterprise lies in the viewer's region; its owner may not (another regency, or
        # outside a facilitator's caseload): then neither the name nor the link to the person.
        hidden = obj is not None and getattr(obj, "owner_id", None) is not None and not queries.people(
            signed_in(request)).filter(pk=obj.owner_id).exists()  # type: ignore[attr-defined]
        return [*self.exclude, *(["owner", "owner_name"] if hidden else [])]


@admin.register(Cooperative)
class CooperativeAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "type", "registration_number", "village", "status"]
    list_filter = ["type", "status"]
    search_fields = ["name", "registration_number"]
    raw_id_fields = ["village"]


@admin.register(BusinessUnit)
class BusinessUnitAdmin(ReadOnlyScopedAdmin):
    list_display = ["cooperative", "kind", "status", "opened"]
    list_filter = ["kind", "status"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyScopedAdmin):
    list_display = ["cooperative", "person", "given_name", "joined", "left"]
    raw_id_fields = ["cooperative", "person"]


@admin.register(Manager)
class ManagerAdmin(ReadOnlyScopedAdmin):
    list_display = ["cooperative", "person", "role", "start", "end"]
    raw_id_fields = ["cooperative", "person"]


@admin.register(Job)
class JobAdmin(ReadOnlyScopedAdmin):
    list_display = ["enterprise", "person", "given_name", "start", "end"]
    raw_id_fields = ["enterprise", "person"]


@admin.register(Group)
class GroupAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "kind", "sector", "region", "cooperative"]
    list_filter = ["kind", "sector"]
    raw_id_fields = ["region", "cooperative"]
