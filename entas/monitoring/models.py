"""Indicators, the period calendar, targets per region and period, and rollups per village.

Achievements are never typed: a Rollup holds what a named computation found in the data for one
village and period, and every higher level is a SUM over code prefixes. The exception is an output
target with no data behind it (an indicator without a computation): its achievement is entered on
the Target with evidence.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32)
    computation = models.CharField(_("computation"), max_length=64, blank=True, default="",
                                   help_text=_("Empty for an output target typed in with evidence."))
    refreshed_at = models.DateTimeField(_("numbers computed at"), null=True, blank=True)
    # Declared here, not on Agreement: partnerships sits beside programmes and must not import monitoring.
    agreements = models.ManyToManyField("partnerships.Agreement", blank=True, related_name="indicators",
                                        verbose_name=_("agreements"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The name in the language of the page."""
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id

    @property
    def figure_kind(self) -> str:
        """How its values are shown (`core.numbers.figure`): rupiah for the unit "Rp", a percentage
        for a ratio scaled to 100, one decimal for a mean, a whole number for a count; a typed
        output target is a plain number."""
        from entas.monitoring.computations import REGISTRY  # computations imports this module

        found = REGISTRY.get(self.computation)
        if self.unit.strip().lower() == "rp":
            return "rupiah"
        if found is None:
            return "number"
        if found.is_ratio:
            return "percent" if found.scale == 100 else "decimal"
        return "count"


class Period(models.Model):
    """A year (quarter empty) or one quarter of it. Only periods in this calendar take targets."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="monitoring_period_once"),
            models.UniqueConstraint(fields=["year"], condition=Q(quarter__isnull=True),
                                    name="monitoring_year_once"),
            models.CheckConstraint(condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                                   name="monitoring_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> datetime.date:
        month = 1 if self.quarter is None else 3 * self.quarter - 2
        return datetime.date(self.year, month, 1)

    @property
    def end(self) -> datetime.date:
        if self.quarter is None or self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name=_("indicator"))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"), help_text=_("Empty for the national target."))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="targets", verbose_name=_("period"))
    value = models.DecimalField(pgettext_lazy("indicator", "target"), max_digits=20, decimal_places=2)
    achieved = models.DecimalField(_("achieved (typed)"), max_digits=20, decimal_places=2, null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="targets/%Y/", blank=True)
    note = models.TextField(_("note"), blank=True, default="")

    scope_region_field = "region_id"

    class Meta:
        verbose_name = pgettext_lazy("indicator", "target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "period"], name="monitoring_target_once"),
            models.UniqueConstraint(fields=["indicator", "period"], condition=Q(region__isnull=True),
                                    name="monitoring_national_target_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="monitoring_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_id or 'ID'} {self.period}: {self.value}"

    @property
    def audit_region_code(self) -> str:
        return self.region_id or ""


class Rollup(models.Model):
    """What one computation found in one village for one period; rewritten, never edited by hand."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rollups")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="rollups")
    value = models.DecimalField(max_digits=20, decimal_places=2)
    # A ratio or mean keeps its two sums apart (value / denominator), so that any region above the
    # village divides the sum of numerators by the sum of denominators; 0 for plain counts.
    denominator = models.DecimalField(max_digits=20, decimal_places=2, default=0, db_default=0)
    computed_at = models.DateTimeField()

    scope_region_field = "village_id"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "village"], name="monitoring_rollup_once"),
        ]
        indexes = [
            # Prefix matches on the village code (region totals) need the pattern operator class.
            models.Index(fields=["village"], opclasses=["varchar_pattern_ops"], name="monitoring_rollup_village"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.village_id} {self.period_id}: {self.value}"


class RegionRollup(models.Model):
    """The village rollups summed for every district, regency and province, and the nation
    (region ''), kept in step with them: a dashboard page reads a few dozen of these rows instead
    of summing tens of thousands of villages on every request."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=13, blank=True)  # a dotted code; '' for the nation
    level = models.PositiveSmallIntegerField()  # 0 nation, 1 province, 2 regency, 3 district
    value = models.DecimalField(max_digits=20, decimal_places=2)
    denominator = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    scope_region_field = "region"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "region"], name="monitoring_region_rollup_once"),
        ]
        indexes = [models.Index(fields=["period", "level"], name="monitoring_region_rollup_level")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region or 'ID'} {self.period_id}: {self.value}"

class RefreshRequest(models.Model):
    """Rollups to recompute because their data changed: some indicators in some places (or all).

    Written in the transaction of the change itself (a service) or right after its commit (an
    import), and deleted in the transaction that recomputes the rollups, so while one waits the
    dashboard's freshness can say "the numbers reflect every change before `since`"."""

    since = models.DateTimeField(db_index=True)
    indicators = models.JSONField(null=True, blank=True)  # indicator codes; null: every computed one
    everywhere = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.reason} since {self.since:%Y-%m-%d %H:%M:%S}"


class RefreshPlace(models.Model):
    """One place of a request: the region code a rollup row is kept under (a village, or the
    region of a facilitator). No foreign key: written in bulk by imports."""

    request = models.ForeignKey(RefreshRequest, on_delete=models.CASCADE, related_name="places")
    code = models.CharField(max_length=13)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "code"], name="monitoring_refresh_place_once")]

    def __str__(self) -> str:
        return self.code
