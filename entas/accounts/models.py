from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from entas.accounts.roles import Role


class Agency(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Government agency")
        REGIONAL_GOVERNMENT = "regional_government", _("Regional government (Pemda)")
        PARTNER = "partner", _("Partner")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("region"), help_text=_("For a regional government: the region it governs."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person (or an API client) working for one agency, with one role and one region scope.

    `region` empty means the whole country; otherwise the user sees only what lies inside it.
    """

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("agency"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.ANALYST)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("region scope"), help_text=_("Empty: the whole country."),
    )

    scope_region_field = "region_id"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def audit_region_code(self) -> str:
        return self.region_id or ""
