from django.db import models
from django.utils.translation import gettext_lazy as _

from entas.regions.codes import Kind


class Region(models.Model):
    """A province, regency, district or village, keyed by its dotted Kemendagri code."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent"),
    )
    # A desa that BPS counts as urban (loaded from a list: entas.regions.urban); a kelurahan is
    # urban by its kind whatever this says.
    urban = models.BooleanField(_("urban"), default=False, db_default=False)

    scope_region_field = "code"

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def audit_region_code(self) -> str:
        return self.code


class RegionDataset(models.Model):
    """Which region files were loaded, so a second start can skip an unchanged load."""

    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"regions {self.fingerprint[:12]} loaded {self.loaded_at:%Y-%m-%d}"
