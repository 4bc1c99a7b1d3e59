"""Partner systems that receive registry data (DCI clients), and what they received.

A client acts under one data-sharing agreement (partnerships.DataSharing) and as one API-client
user, so the REST API and the DCI API know it by the same credential. Records given out are kept
one row per record (`Disclosure`), narrow and indexed by person and by agreement, beside the one
audit entry of the answer they went out in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    # Also the DCI `sender_id` of its requests and the first part of its signatures' key id.
    client_id = models.CharField(_("client id"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    data_sharing = models.ForeignKey("partnerships.DataSharing", on_delete=models.PROTECT, related_name="clients",
                                     verbose_name=_("data-sharing agreement"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sharing_client",
                                verbose_name=_("API account"))
    # SHA-256 of the client secret (shown once); the secret itself is never stored.
    secret_digest = models.CharField(max_length=64, blank=True)
    secret_prefix = models.CharField(max_length=8, blank=True)
    jwks_uri = models.URLField(_("JWKS address"), blank=True)
    # {"keys": [...]}: uploaded, or the last copy fetched from jwks_uri.
    jwks = models.JSONField(_("public keys (JWKS)"), default=dict, blank=True)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    callback_uris = models.JSONField(_("callback addresses"), default=list, blank=True)
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    records_per_day = models.PositiveIntegerField(_("records per day"), default=100_000)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("DCI client")
        verbose_name_plural = _("DCI clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class ReceivedMessage(models.Model):
    """A message id seen from a client, kept past the freshness window: a second one is a replay."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "message_id"], name="sharing_message_once")]

    def __str__(self) -> str:
        return f"{self.message_id}"


class Usage(models.Model):
    """Requests in one minute and records in one day, per client: the rate limits' counters."""

    class Kind(models.TextChoices):
        REQUESTS = "requests", _("requests per minute")
        RECORDS = "records", _("records per day")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    window_start = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "kind", "window_start"], name="sharing_usage_window")]

    def __str__(self) -> str:
        return f"{self.kind} {self.window_start:%Y-%m-%d %H:%M} {self.count}"


class TransactionStatus(models.TextChoices):
    RECEIVED = "rcvd", _("received")
    PENDING = "pdng", _("pending")
    SUCCEEDED = "succ", _("succeeded")
    REJECTED = "rjct", _("rejected")


class Transaction(models.Model):
    """One DCI transaction: a sync or async search (its answer kept for txn/status), a subscription."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="transactions")
    transaction_id = models.CharField(max_length=100)
    message_id = models.CharField(max_length=100)
    action = models.CharField(max_length=32)
    status = models.CharField(max_length=4, choices=TransactionStatus.choices, default=TransactionStatus.RECEIVED)
    request = models.JSONField(default=dict)
    # The `message` of the answer (for on-search and txn/status); sent to `callback_uri` when async.
    response = models.JSONField(default=dict, blank=True)
    callback_uri = models.URLField(blank=True, max_length=500)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "transaction_id"], name="sharing_txn_client")]

    def __str__(self) -> str:
        return f"{self.action} {self.transaction_id} {self.status}"


class Subscription(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="subscriptions")
    code = models.CharField(max_length=64, unique=True)
    events = models.JSONField(default=list)
    region_code = models.CharField(max_length=13, blank=True)
    purpose = models.CharField(max_length=32)
    notify_uri = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.code} {','.join(self.events)}"


class Notification(models.Model):
    """One event to tell one subscriber, sent by the worker with retries."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="notifications")
    event_id = models.BigIntegerField()
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "event_id"], name="sharing_notify_once")]

    def __str__(self) -> str:
        return f"event {self.event_id} to {self.subscription_id}"


class Disclosure(models.Model):
    """One record given to a partner's client: who, under which agreement, why, when, in which answer."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    data_sharing = models.ForeignKey("partnerships.DataSharing", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=32)
    # Plain ids: a disclosure outlives the registry row it named.
    person_id = models.BigIntegerField(null=True)
    household_id = models.BigIntegerField(null=True)
    audit_entry_id = models.BigIntegerField()
    transaction_id = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["person_id"], name="sharing_disclosure_person"),
            models.Index(fields=["household_id"], name="sharing_disclosure_household"),
            models.Index(fields=["data_sharing", "at"], name="sharing_disclosure_agreement"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.purpose} person {self.person_id} household {self.household_id}"
