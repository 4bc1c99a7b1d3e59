from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from entas.impact.outcomes import OUTCOMES


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImpactAnalysis(models.Model):
    """One run of the impact analysis (impact/analysis.py) of a programme on one outcome, over the
    families inside `region` (None: the whole country). Kept as it came out: what it read
    (`snapshot`: extract dates, rows, library versions, when), its seed and its result."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("programme"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=[(o.code, o.label) for o in OUTCOMES.values()])
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, verbose_name=_("region"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    seed = models.PositiveIntegerField(_("seed"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    snapshot: "models.JSONField[dict[str, Any]]" = models.JSONField(_("snapshot"), default=dict)
    result: "models.JSONField[dict[str, Any]]" = models.JSONField(_("result"), default=dict)
    error = models.TextField(_("error"), blank=True, default="")

    scope_region_field = "region_id"

    class Meta:
        verbose_name = _("impact analysis")
        verbose_name_plural = _("impact analyses")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.outcome} ({self.requested_at:%Y-%m-%d})"

    @property
    def audit_region_code(self) -> str:
        return self.region_id or ""
