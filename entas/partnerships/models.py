"""Partners (mitra) and the agreements signed with them: MoU (Nota Kesepahaman) and PKS.

Partners and agreements are national records, not personal data, so they carry no region scope:
every signed-in user may read them. Status is never stored: it is derived from today's date.
"""

import datetime

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXPIRING_WITHIN_DAYS = 90


class PartnerKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or agency")
    BUMN = "bumn", _("State-owned enterprise (BUMN)")
    PRIVATE = "private", _("Private company")
    UNIVERSITY = "university", _("University")
    NGO = "ngo", _("NGO")
    REGIONAL_GOVERNMENT = "regional_gov", _("Regional government")


class AgreementKind(models.TextChoices):
    MOU = "mou", _("MoU (Nota Kesepahaman)")
    PKS = "pks", _("PKS (Perjanjian Kerja Sama)")


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    EXPIRING = "expiring", _("expiring within 90 days")
    EXPIRED = "expired", _("expired")


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=PartnerKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def with_status(self, today: datetime.date | None = None) -> "AgreementQuerySet":
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        return self.annotate(status=Case(
            When(valid_until__lt=today, then=Value(AgreementStatus.EXPIRED.value)),
            When(valid_until__lte=soon, then=Value(AgreementStatus.EXPIRING.value)),
            default=Value(AgreementStatus.ACTIVE.value),
            output_field=models.CharField(),
        ))


class Agreement(models.Model):
    kind = models.CharField(_("kind"), max_length=3, choices=AgreementKind.choices)
    number = models.CharField(_("number"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    parties = models.ManyToManyField(Partner, related_name="agreements", verbose_name=_("parties"))
    signed = models.DateField(_("signed"))
    valid_until = models.DateField(_("valid until"))
    scope = models.TextField(_("scope"), blank=True, default="")
    programmes = models.ManyToManyField("programmes.Programme", blank=True, related_name="agreements",
                                        verbose_name=_("programmes"))
    document = models.FileField(_("document (PDF)"), upload_to="agreements/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("signed")),
                                   name="partnerships_valid_after_signed"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Purpose(models.TextChoices):
    """Why a partner may receive registry data: the fixed list a data-sharing agreement picks from."""

    TARGETING = "targeting", _("Targeting a programme")
    VERIFICATION = "verification", _("Verifying a person or family")
    MONITORING = "monitoring_evaluation", _("Monitoring and evaluation")
    RESEARCH = "research", _("Research")


# Purposes that act on one named person: the request must carry the reference of that person's consent.
PURPOSES_NEEDING_CONSENT = frozenset({Purpose.VERIFICATION})


class SharedField(models.TextChoices):
    """What a data-sharing agreement may release, in groups a partner understands."""

    IDENTIFIERS = "identifiers", _("NIK and No. KK")
    NAME = "name", _("Name")
    BIRTH = "birth", _("Sex, birth date and place")
    ADDRESS = "address", _("Address")
    LOCATION = "location", _("Village and region codes")
    HOUSEHOLD = "household", _("Household head, size and members")
    POVERTY = "poverty", _("Decile (desil) and poverty score")
    WELFARE = "welfare", _("Income, housing and assets")
    SOCIAL = "social", _("Relationship, education, occupation, disability, marital status")


class DataSharing(models.Model):
    """The data-sharing part of a PKS: what its parties' API clients may receive, why, where and
    how much. No client receives anything unless this is in force (valid today, not revoked)."""

    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT, related_name="data_sharing",
                                     verbose_name=_("agreement"))
    purposes = models.JSONField(_("purposes allowed"), default=list)
    fields = models.JSONField(_("fields allowed"), default=list)
    # Empty: the whole country.
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region scope"), help_text=_("Empty: the whole country."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    daily_records = models.PositiveIntegerField(_("records per day"),
                                                help_text=_("All the agreement's clients together."))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")),
                                   name="partnerships_sharing_valid_after_from"),
        ]

    def __str__(self) -> str:
        return str(self.agreement)

    @property
    def region_code(self) -> str:
        return self.region_id or ""

    def in_force(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.valid_from <= today <= self.valid_until
