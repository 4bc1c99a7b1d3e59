"""Roles and what each may do. One table, read by the scoping helper and the views."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    ANALYST = "analyst", _("Analyst")
    REGIONAL_OFFICER = "regional_officer", _("Regional officer")
    FACILITATOR = "facilitator", _("Facilitator (pendamping)")
    COOPERATIVE_MANAGER = "cooperative_manager", _("Cooperative manager")
    API_CLIENT = "api_client", _("API client")


# Roles that work with named families and so see full NIK / No. KK; everyone else sees them masked.
SEES_FULL_IDENTIFIERS = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER, Role.FACILITATOR}
# Roles that may list and manage user accounts (within their own region scope).
MANAGES_USERS = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}
# Roles allowed into the Django admin; what they see there is scoped like everywhere else.
USES_ADMIN = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}
# Roles that may load files (registry, KUMKM) through the upload page.
IMPORTS_DATA = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}
# Roles that may read, of one person of their region, which partners' systems received her data
# (entas/sharing, linked from the household page).
READS_SHARING_HISTORY = {Role.NATIONAL_ADMIN, Role.REGIONAL_OFFICER}
# Roles that see less than their region: a facilitator her caseload, a cooperative manager his
# cooperatives (the rules are registered by the apps that know them; see core.scoping).
CONFINED = {Role.FACILITATOR, Role.COOPERATIVE_MANAGER}
