"""The field app's server side: the phones facilitators registered, every command a phone sent
(kept, so that sending it again is harmless), and the conflicts waiting for a supervisor."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Device(models.Model):
    """One facilitator's phone. The token is random and kept as its SHA-256 digest; a revoked
    device's token is refused and the app wipes what it holds."""

    facilitator = models.ForeignKey("programmes.Facilitator", on_delete=models.PROTECT, related_name="devices",
                                    verbose_name=_("facilitator"))
    label = models.CharField(_("name of the device"), max_length=80)
    token_digest = models.CharField(max_length=64, unique=True)
    registered_at = models.DateTimeField(_("registered"))
    last_seen_at = models.DateTimeField(_("last sync"), null=True, blank=True)
    caseload_at = models.DateTimeField(_("caseload downloaded"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("revoked by"))
    revoke_reason = models.CharField(_("reason"), max_length=200, blank=True, default="")

    scope_region_field = "facilitator__region_id"

    class Meta:
        verbose_name = _("field device")
        verbose_name_plural = _("field devices")
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.facilitator_id})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def audit_region_code(self) -> str:
        return str(self.facilitator.region_id)


class Outcome(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("a change sent from a phone", "Applied")
    REFUSED = "refused", _("Refused")
    CONFLICT = "conflict", _("Waiting for the supervisor")


class Kind(models.TextChoices):
    VISIT = "visit", _("Home visit")
    ATTENDANCE = "attendance", _("Training attendance")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Command(models.Model):
    """A change made on a phone, as received: its client-made id, what it asked, the enrolment
    version it was based on and what became of it. The id is unique: a command sent twice is
    answered from here (same content) or refused (other content)."""

    id = models.UUIDField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="commands", verbose_name=_("device"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    enrolment = models.ForeignKey("graduation.Enrolment", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", db_constraint=False, verbose_name=_("enrolment"))
    base_version = models.PositiveIntegerField(_("based on version"), null=True, blank=True)
    version_after = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(_("content"))
    digest = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(_("recorded on the phone"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    message = models.CharField(_("message"), max_length=500, blank=True, default="")
    field = models.CharField(max_length=40, blank=True, default="")

    scope_region_field = "device__facilitator__region_id"

    class Meta:
        verbose_name = _("field command")
        verbose_name_plural = _("field commands")
        indexes = [models.Index(fields=["device", "enrolment", "base_version"], name="field_command_chain")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.outcome})"


class Resolution(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    APPLIED = "applied", _("The phone's change was applied")
    DISCARDED = "discarded", _("The server's version was kept")


class Conflict(models.Model):
    """A phone's change to a family that moved on meanwhile: both versions kept for the supervisor,
    who applies the change (through the same service) or keeps the server's version."""

    command = models.OneToOneField(Command, on_delete=models.PROTECT, related_name="conflict",
                                   verbose_name=_("command"))
    enrolment = models.ForeignKey("graduation.Enrolment", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("enrolment"))
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_constraint=False,
                                verbose_name=_("village"))
    server = models.JSONField(_("the server's version"))
    opened_at = models.DateTimeField(pgettext_lazy("a conflict", "opened"))
    resolution = models.CharField(_("decision"), max_length=9, choices=Resolution.choices, default=Resolution.OPEN)
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("decided by"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    scope_region_field = "village_id"

    class Meta:
        verbose_name = _("sync conflict")
        verbose_name_plural = _("sync conflicts")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["village", "resolution"], name="field_conflict_queue")]
        constraints = [models.CheckConstraint(condition=Q(resolution="open") | Q(resolved_at__isnull=False),
                                              name="field_conflict_decided_when")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.command_id} ({self.resolution})"

    @property
    def audit_region_code(self) -> str:
        return str(self.village_id)
