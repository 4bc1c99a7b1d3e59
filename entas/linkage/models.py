"""Record linkage: agency files as raw identities, link jobs, the pairs to review, the decisions
that survive runs, and the current links.

A *source* is the B side of a job: the enterprise owners, cooperative members or job holders that
the KUMKM data holds as given (entas.enterprises.identities), or an agency file uploaded on the
linkage page (`AgencyUpload`, one `AgencyRecord` per row). The A side is always the registry.
Records are named by `(source, record_id)`, the record's own primary key as text.

Scoping. A job lies in the region of the user who started it (`scope`, None: national). A pair
(`LinkCandidate`) and a link (`Link`) lie in two places, the record's and the person's: a reviewer
sees one only when both lie in her scope (`linkage.services.in_scope`); pairs that cross a regency
border, or whose record has no known region, are reviewed nationally.

Person keys carry no database constraint, like every other app's (docs/architecture.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    ENTERPRISE_OWNERS = "enterprise_owners", _("Enterprise owners")
    COOPERATIVE_MEMBERS = "cooperative_members", _("Cooperative members")
    JOB_HOLDERS = "job_holders", _("Job holders")
    AGENCY_FILE = "agency_file", _("Agency file")


class Method(models.TextChoices):
    EXACT_NIK = "exact_nik", _("Exact NIK")
    MODEL = "model", _("Model")
    REVIEW = "review", _("Review")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Band(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REVIEW = "review", _("To review")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Skipped")


class AgencyUpload(models.Model):
    """One agency file uploaded on the linkage page: its records are kept as given."""

    name = models.CharField(_("name"), max_length=200, help_text=_("What the file is, e.g. the agency and year."))
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file checksum (SHA-256)"), max_length=64, blank=True)
    mapping = models.JSONField(_("columns used"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("records"), default=0)
    # Counts of what was noticed while reading (blank NIKs, unknown region codes…) and example rows.
    warnings = models.JSONField(_("warnings"), default=dict, blank=True)
    # The uploader's scope (None: national): who sees the upload and may link it.
    region = models.CharField(_("region"), max_length=13, null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_region_field = "region"

    class Meta:
        verbose_name = _("agency file")
        verbose_name_plural = _("agency files")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.region or ""


class AgencyRecord(models.Model):
    """One row of an agency file: an identity as the agency wrote it, and the registry person it
    turned out to be once a link is accepted."""

    upload = models.ForeignKey(AgencyUpload, on_delete=models.CASCADE, related_name="records",
                               verbose_name=_("agency file"))
    row = models.PositiveIntegerField(_("row in the file"))
    record_key = models.CharField(_("record id in the file"), max_length=100)
    name = models.TextField(_("name"))
    nik = models.TextField(_("NIK"), blank=True)
    kk_number = models.TextField(_("No. KK"), blank=True)
    birth_date = models.TextField(_("birth date"), blank=True)
    sex = models.TextField(_("sex"), blank=True)
    address = models.TextField(_("address"), blank=True)
    village_code = models.TextField(_("village code"), blank=True)
    # The village or district the record names, when `village_code` is a real region (for scoping).
    region = models.CharField(_("region"), max_length=13, null=True, blank=True)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               db_constraint=False, verbose_name=_("person"))
    link_method = models.CharField(_("linked by"), max_length=16, choices=Method.choices, blank=True)

    scope_region_field = "region"

    class Meta:
        verbose_name = _("agency record")
        verbose_name_plural = _("agency records")
        ordering = ["upload", "row"]
        constraints = [models.UniqueConstraint(fields=["upload", "record_key"], name="linkage_record_key_once")]
        indexes = [models.Index(fields=["region"], name="linkage_record_region")]

    def __str__(self) -> str:
        return f"{self.record_key} ({self.upload_id})"

    @property
    def audit_region_code(self) -> str:
        return self.region or ""


RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)


class LinkJob(models.Model):
    """One run of the linkage between the registry and a source, in the background."""

    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    upload = models.ForeignKey(AgencyUpload, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs",
                               verbose_name=_("agency file"))
    scope = models.CharField(_("region"), max_length=13, null=True, blank=True,
                             help_text=_("The region of the user who started it; empty: the whole country."))
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(_("stage"), max_length=32, blank=True)
    share = models.FloatField(_("progress"), default=0.0)
    upper = models.FloatField(_("upper threshold"))
    lower = models.FloatField(_("lower threshold"))
    margin = models.FloatField(_("margin to the runner-up (match weight)"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    people = models.PositiveIntegerField(_("registry people compared"), default=0)
    records = models.PositiveIntegerField(_("source records"), default=0)
    accepted = models.PositiveIntegerField(_("accepted by the model"), default=0)
    review = models.PositiveIntegerField(_("to review"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    exact_nik = models.PositiveIntegerField(_("linked by exact NIK"), default=0)
    by_model = models.PositiveIntegerField(_("linked by the model"), default=0)
    by_review = models.PositiveIntegerField(_("linked in review"), default=0)

    scope_region_field = "scope"

    class Meta:
        verbose_name = _("link job")
        verbose_name_plural = _("link jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One queued or running job per source, region and file (the services also refuse
            # overlapping regions; this holds even when two requests race).
            models.UniqueConstraint(Coalesce("scope", models.Value("")), "source",
                                    Coalesce("upload", models.Value(0)),
                                    condition=Q(status__in=["queued", "running"]), name="linkage_one_running_job"),
            models.CheckConstraint(condition=Q(share__gte=0, share__lte=1), name="linkage_job_share_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"

    @property
    def audit_region_code(self) -> str:
        return self.scope or ""

    @property
    def running(self) -> bool:
        return self.status in RUNNING


class LinkCandidate(models.Model):
    """The best registry person for one source record, as a job found it: accepted by the model, or
    waiting in the review queue (`band` review) for a reviewer's decision."""

    job = models.ForeignKey(LinkJob, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("link job"))
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    record_id = models.CharField(_("record"), max_length=32)
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               verbose_name=_("person"))
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    weights = models.JSONField(_("weight of each field"), default=dict)
    # The record as the source gave it when the job ran (name, NIK, birth date…): what was compared.
    given = models.JSONField(_("the record as given"), default=dict)
    runner_up_weight = models.FloatField(_("runner-up's match weight"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=8, choices=Band.choices)
    ask_order = models.PositiveIntegerField(_("order of questions"), null=True, blank=True)
    record_region = models.CharField(_("record's region"), max_length=13, null=True, blank=True)
    person_region = models.CharField(_("person's village"), max_length=13, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # A later job found this record again: its own pair replaces this one in the queue.
    superseded = models.BooleanField(_("replaced by a later job"), default=False)

    scope_region_field = "record_region"

    class Meta:
        verbose_name = _("link candidate")
        verbose_name_plural = _("link candidates")
        indexes = [
            models.Index(fields=["source", "record_id"], name="linkage_candidate_record"),
            models.Index(fields=["band", "superseded", "decision"], name="linkage_candidate_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.record_id} → {self.person_id}"

    @property
    def audit_region_code(self) -> str:
        return self.record_region or ""

    @property
    def is_open(self) -> bool:
        return self.band == Band.REVIEW and not self.superseded and self.decision in ("", Decision.SKIPPED)


class LinkDecision(models.Model):
    """What a reviewer said of one pair: the label that every later run of the source uses and never
    asks again, until it is undone."""

    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    record_id = models.CharField(_("record"), max_length=32)
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               verbose_name=_("person"))
    is_match = models.BooleanField(_("same person"))
    candidate = models.ForeignKey(LinkCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("pair"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("undone by"))
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    record_region = models.CharField(_("record's region"), max_length=13, null=True, blank=True)

    scope_region_field = "record_region"

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        indexes = [models.Index(fields=["source", "record_id"], name="linkage_decision_record")]

    def __str__(self) -> str:
        return f"{self.source} {self.record_id} {'=' if self.is_match else '≠'} {self.person_id}"

    @property
    def audit_region_code(self) -> str:
        return self.record_region or ""


class Link(models.Model):
    """The current accepted link of one source record to a registry person, and how it was made."""

    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    record_id = models.CharField(_("record"), max_length=32)
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               verbose_name=_("person"))
    method = models.CharField(_("linked by"), max_length=16, choices=Method.choices)
    given = models.JSONField(_("the record as given"), default=dict)
    probability = models.FloatField(_("match probability"), null=True, blank=True)
    job = models.ForeignKey(LinkJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="links",
                            verbose_name=_("link job"))
    candidate = models.ForeignKey(LinkCandidate, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("pair"))
    record_region = models.CharField(_("record's region"), max_length=13, null=True, blank=True)
    person_region = models.CharField(_("person's village"), max_length=13, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("linked by user"))
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("undone by"))
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    scope_region_field = "record_region"

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Within one source a record links to at most one person.
            models.UniqueConstraint(fields=["source", "record_id"], condition=Q(undone_at__isnull=True),
                                    name="linkage_one_link_per_record"),
        ]
        indexes = [models.Index(fields=["method"], condition=Q(undone_at__isnull=True), name="linkage_link_method")]

    def __str__(self) -> str:
        return f"{self.source} {self.record_id} → {self.person_id} ({self.method})"

    @property
    def audit_region_code(self) -> str:
        return self.record_region or ""
