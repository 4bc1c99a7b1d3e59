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


class ApiToken(models.Model):
    """A bearer token for an API client. Only the SHA-256 digest of the random token is stored: a
    stolen database holds no usable token, and checking one costs a hash, not the password hasher."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    # The first characters of the token, shown so that its owner can tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    scope_region_field = "user__region_id"

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def audit_region_code(self) -> str:
        return self.user.region_id or ""


class LoginFailure(models.Model):
    """One failed login: counted per account and per client address to throttle guessing."""

    username = models.CharField(_("username"), max_length=150, db_index=True)
    address = models.CharField(_("address"), max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"
