"""Graduation rule sets (versioned, per programme), poverty lines, the pathway history of each
enrolment and its follow-ups after graduation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="rule_sets",
                                  verbose_name=_("programme"))
    version = models.PositiveIntegerField(_("version"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("graduation rule set")
        verbose_name_plural = _("graduation rule sets")
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="graduation_ruleset_version_once"),
            models.UniqueConstraint(fields=["programme"], condition=Q(active=True), name="graduation_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version}"


class Code(models.TextChoices):
    INCOME_ABOVE_LINE = "income_above_line", _("Income per person above the poverty line")
    INCOME_SOURCES = "income_sources", _("Several income sources")
    BUSINESS_RUNNING = "business_running", _("Business running for some months")
    SAVINGS = "savings", _("Cash savings")
    COOPERATIVE_MEMBER = "cooperative_member", _("Cooperative member")
    CHILDREN_IN_SCHOOL = "children_in_school", _("School-age children in school")
    NO_FOOD_SHORTAGE = "no_food_shortage", _("No food shortage in the past year")


class AppliesWhen(models.TextChoices):
    ALWAYS = "always", _("Always")
    HAS_BUSINESS = "has_business", _("The family runs a business")
    HAS_SCHOOL_AGE_CHILDREN = "has_school_age_children", _("The family has school-age children")


class Criterion(models.Model):
    """One test on the latest assessment. Essential criteria must all be met to graduate;
    a conditional one counts only when `applies_when` holds for the family."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="criteria",
                                 verbose_name=_("rule set"))
    code = models.CharField(_("criterion"), max_length=24, choices=Code.choices)
    essential = models.BooleanField(_("essential"), default=True)
    applies_when = models.CharField(_("applies when"), max_length=24, choices=AppliesWhen.choices,
                                    default=AppliesWhen.ALWAYS)
    # Income: Rp per person per month (empty: the province's poverty line); business: months;
    # savings: Rp; income sources: how many.
    threshold = models.BigIntegerField(_("threshold"), null=True, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="graduation_criterion_once")]

    def __str__(self) -> str:
        return f"{self.code} ({'essential' if self.essential else 'conditional'})"


class PovertyLine(models.Model):
    """BPS poverty line for one province from a date on, Rp per person per month (loaded by users)."""

    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    valid_from = models.DateField(_("valid from"))
    amount = models.BigIntegerField(_("Rp per person per month"))
    source = models.CharField(_("source"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("poverty line")
        verbose_name_plural = _("poverty lines")
        constraints = [
            models.UniqueConstraint(fields=["province", "valid_from"], name="graduation_poverty_line_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="graduation_poverty_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.valid_from} Rp{self.amount:,}"


class StatusChange(models.Model):
    """Every step an enrolment took on the pathway: appended by graduation.services, never edited."""

    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="status_changes",
                                  verbose_name=_("enrolment"))
    from_status = models.CharField(_("from"), max_length=12)
    to_status = models.CharField(_("to"), max_length=12)
    action = models.CharField(_("action"), max_length=16)
    on = models.DateField(_("date"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["enrolment", "on", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_status} → {self.to_status}"


class FollowUp(models.Model):
    MONTHS = (6, 12, 24)

    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.CASCADE, related_name="follow_ups",
                                  verbose_name=_("enrolment"))
    month = models.PositiveSmallIntegerField(_("months after graduation"))
    on = models.DateField(_("date"))
    sustained = models.BooleanField(_("still meets the essential criteria"))

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["enrolment", "on"]
        constraints = [models.CheckConstraint(condition=Q(month__in=(6, 12, 24)), name="graduation_follow_up_month")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} +{self.month} months"
