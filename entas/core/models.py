from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One line of the append-only audit log: who did what, when, to which object, from where.

    The database refuses UPDATE and DELETE on this table (triggers in migration 0002), so the
    log stays append-only even for code that bypasses the model.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+", verbose_name=_("who"),
    )
    # Kept beside the key so the log still reads right after the account is renamed or removed.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    region_code = models.CharField(_("region"), max_length=13, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=16)
    address = models.CharField(_("address"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    scope_region_field = "region_code"

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")


class Event(models.Model):
    """One change of domain state, written in the transaction that made it: an outbox.

    Services and imports write it (`core.events.emit`) beside their change, so the change and the
    news of it commit or roll back together and a crash after the commit loses nothing: an event
    not yet delivered is delivered by the next commit, the worker or `entas deliver-events`.
    Apps above learn of changes from these rows alone (monitoring's rollups today; data-sharing
    notifications and the field app's sync read the same rows).
    """

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    model = models.CharField(_("model"), max_length=100, help_text=_("app_label.Model of the changed records"))
    ids = models.JSONField(_("record ids"), default=list, blank=True)
    # Region codes the changed records were or are placed under (before and after the change).
    places = models.JSONField(_("places"), default=list, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last delivery error"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True),
                                name="core_event_undelivered")]

    def __str__(self) -> str:
        return f"{self.kind} {self.model} {len(self.ids)} record(s)"
