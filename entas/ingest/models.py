from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def active_language() -> str:
    """The language active where the batch is made: the page's at an upload, the CLI's."""
    return translation.get_language() or settings.LANGUAGE_CODE


class ImportBatch(models.Model):
    """One import of one file: what was asked, how far it got and what it changed.

    Rows imported or changed by a batch point back to it, so every record can say which file and
    extract it came from. Progress fields are updated while the import runs so a page can poll them.
    """

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all-or-nothing", _("All or nothing")
        ACCEPT_VALID = "accept-valid", _("Load valid rows, return the rejects")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    target = models.CharField(_("target"), max_length=32, help_text=_("What was imported, e.g. registry."))
    kind = models.CharField(_("kind"), max_length=32, help_text=_("Which file of the target, e.g. people."))
    source = models.CharField(_("source"), max_length=64, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    extract_date = models.DateField(_("extract date"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    rows_total = models.PositiveBigIntegerField(_("rows in the file"), default=0)
    rows_processed = models.PositiveBigIntegerField(_("rows read"), default=0)
    inserted = models.PositiveBigIntegerField(_("inserted"), default=0)
    updated = models.PositiveBigIntegerField(_("updated"), default=0)
    unchanged = models.PositiveBigIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveBigIntegerField(_("rejected"), default=0)
    warnings = models.PositiveBigIntegerField(_("warnings"), default=0)
    # Per-table counts and warning samples: their shape depends on the target.
    details = models.JSONField(_("details"), default=dict, blank=True)
    rejects_path = models.CharField(_("rejects file"), max_length=500, blank=True)
    # The uploaded file while it waits and runs; deleted when the import ends (or after
    # settings.UPLOAD_RETENTION_DAYS), since it holds DTSEN personal data.
    file_path = models.CharField(_("stored file"), max_length=500, blank=True)
    file_sha256 = models.CharField(_("file checksum (SHA-256)"), max_length=64, blank=True)
    file_removed_at = models.DateTimeField(_("file removed"), null=True, blank=True)
    # host:pid of the process running the import: a batch left running by a dead process is stale.
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    # The uploader's language: the messages and the rejects file are written in it.
    language = models.CharField(_("language"), max_length=8, default=active_language)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target}/{self.kind} {self.file_name} ({self.status})"

    @property
    def audit_region_code(self) -> str:
        return ""
