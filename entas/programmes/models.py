"""Programmes (lead agency, period, budget, target population rule), the saved priority lists of
regencies or districts that decide where a programme enrols, and facilitators (pendamping) with
their region and caseload capacity. Money is integer rupiah.

What happens to an enrolled family (enrolment, visits, interventions, pathway) is
`entas.graduation`'s, which refers to these models; this app never imports it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    lead_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("lead agency"))
    partner_agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+",
                                              verbose_name=_("partner agencies"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    budget = models.BigIntegerField(_("budget (Rp)"), default=0)
    # Target population rule (graduation.eligibility): desil decile_min..decile_max, extreme-poor
    # households only when asked, receiving any of `assistance` (registry assistance codes) when
    # some are named, and inside the chosen priority list (its latest when none is chosen).
    decile_min = models.PositiveSmallIntegerField(_("lowest decile"), default=1)
    decile_max = models.PositiveSmallIntegerField(_("highest decile"), default=2)
    extreme_poor_only = models.BooleanField(_("extreme-poor households only"), default=False)
    assistance = models.JSONField(_("receiving assistance"), default=list, blank=True)
    priority_locations_only = models.BooleanField(_("only in priority locations"), default=True)
    priority_list = models.ForeignKey("PriorityList", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("priority list"))
    yearly_target = models.PositiveSmallIntegerField(_("yearly graduations per facilitator"), default=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="programmes_programme_period"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="programmes_programme_budget_not_negative"),
            models.CheckConstraint(condition=Q(decile_min__gte=1, decile_max__lte=10,
                                               decile_min__lte=models.F("decile_max")),
                                   name="programmes_programme_deciles"),
        ]

    def __str__(self) -> str:
        return self.name


class PriorityLevel(models.TextChoices):
    REGENCY = "regency", _("Regencies")
    DISTRICT = "district", _("Districts (kecamatan)")


class PriorityList(models.Model):
    """A saved choice of priority regencies or districts, with the weights and quotas that produced it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="priority_lists",
                                  verbose_name=_("programme"))
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=8, choices=PriorityLevel.choices, default=PriorityLevel.REGENCY)
    # The region the places were ranked inside ("" = the whole country).
    within = models.CharField(_("ranked within"), max_length=13, blank=True, default="")
    weights = models.JSONField(_("weights"))
    quotas = models.JSONField(_("quotas per province"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("priority list")
        verbose_name_plural = _("priority lists")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class PriorityLocation(models.Model):
    priority_list = models.ForeignKey(PriorityList, on_delete=models.CASCADE, related_name="locations",
                                      verbose_name=_("priority list"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    rank = models.PositiveIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    measures = models.JSONField(_("measures"))
    explanation = models.CharField(_("explanation"), max_length=300)

    scope_region_field = "region_id"

    class Meta:
        verbose_name = _("priority location")
        verbose_name_plural = _("priority locations")
        ordering = ["priority_list", "rank"]
        constraints = [models.UniqueConstraint(fields=["priority_list", "region"], name="programmes_location_once")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.region_id}"


class Facilitator(models.Model):
    """A pendamping: works for one agency in one region, with a caseload capacity."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitator",
                                verbose_name=_("user"))
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    capacity = models.PositiveIntegerField(_("capacity (families)"), default=30)
    yearly_target = models.PositiveIntegerField(_("yearly graduation target"), default=10)
    active = models.BooleanField(_("active"), default=True)

    scope_region_field = "region_id"

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def audit_region_code(self) -> str:
        return self.region_id
