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
