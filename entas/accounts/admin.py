from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core import audit
from entas.core.actors import signed_in
from entas.core.admin import ScopedAdmin


def _is_national_admin(request: HttpRequest) -> bool:
    return getattr(request.user, "role", None) == Role.NATIONAL_ADMIN


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "agency", "region", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    raw_id_fields = ["region"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Entas", {"fields": ("agency", "role", "region")}),
    )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_national_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_national_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit log points at them

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(signed_in(request), audit.Action.USER_CHANGED if change else audit.Action.USER_CREATED, obj,
                     details={"fields": sorted(form.changed_data), "via": "admin"})


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["kind"]
    raw_id_fields = ["region"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_national_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_national_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_national_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_national_admin(request)

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(signed_in(request), audit.Action.AGENCY_CHANGED if change else audit.Action.AGENCY_CREATED, obj,
                     details={"via": "admin"})
