from django.contrib import admin

from entas.core.admin import ReadOnlyScopedAdmin
from entas.regions.models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyScopedAdmin):
    """Regions come only from the Kemendagri files (`entas load-regions`), never typed in."""

    list_display = ["code", "name", "kind", "level"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
