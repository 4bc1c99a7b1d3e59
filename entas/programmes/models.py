"""Programmes, priority locations, facilitators, enrolments with their caseload history, and the
interventions and visits recorded for an enrolment. Money is integer rupiah.

Enrolments carry their household's village (copied at enrolment) so that scoping, caseload
assignment and reports by region are prefix matches on one column, with no join to the registry.
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
    # Target population rule: desil 1..decile_max, in the programme's priority locations when asked.
    decile_max = models.PositiveSmallIntegerField(_("highest decile"), default=2)
    priority_locations_only = models.BooleanField(_("only in priority locations"), default=True)
    yearly_target = models.PositiveSmallIntegerField(_("yearly graduations per facilitator"), default=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="programmes_programme_period"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="programmes_programme_budget_not_negative"),
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


class Status(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVE = "active", _("Active")
    READY = "ready", _("Ready to graduate")
    GRADUATED = "graduated", _("Graduated")
    SUSTAINED = "sustained", _("Sustained")
    EXITED = "exited", _("Exited")


# An enrolment still open: the household cannot be enrolled in the same programme again.
OPEN_STATUSES = (Status.ENROLLED, Status.ACTIVE, Status.READY, Status.GRADUATED)


class ExitReason(models.TextChoices):
    MOVED = "moved", _("Moved away")
    DIED = "died", _("Died")
    DECLINED = "declined", _("Declined to continue")
    INELIGIBLE = "ineligible", _("Found ineligible")
    OTHER = "other", _("Other")


class Enrolment(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments",
                                  verbose_name=_("programme"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="enrolments",
                                  db_constraint=False, verbose_name=_("household"))
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False,
                                db_constraint=False, verbose_name=_("village"))
    facilitator = models.ForeignKey(Facilitator, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="enrolments", verbose_name=_("facilitator"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ENROLLED)
    enrolled_on = models.DateField(_("enrolled on"))
    cohort = models.CharField(_("cohort"), max_length=7, help_text=_("Quarter of enrolment, YYYY-Qn."))
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    relapses = models.PositiveSmallIntegerField(_("relapses"), default=0)
    exit_reason = models.CharField(_("exit reason"), max_length=12, choices=ExitReason.choices, blank=True,
                                   default="")
    exited_on = models.DateField(_("exited on"), null=True, blank=True)

    scope_region_field = "village_id"

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [
            models.Index(fields=["programme", "village"], name="programmes_enrolment_place"),
            models.Index(fields=["facilitator", "status"], name="programmes_enrolment_caseload"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["programme", "household"], condition=Q(status__in=OPEN_STATUSES),
                                    name="programmes_one_open_enrolment"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} in {self.programme_id} ({self.status})"

    @property
    def audit_region_code(self) -> str:
        return self.village_id


class CaseloadAssignment(models.Model):
    """History of who looks after an enrolment: every assignment and reassignment, never edited."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="assignments",
                                  verbose_name=_("enrolment"))
    from_facilitator = models.ForeignKey(Facilitator, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("from"))
    to_facilitator = models.ForeignKey(Facilitator, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("when"))

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("caseload assignment")
        verbose_name_plural = _("caseload assignments")
        ordering = ["enrolment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_facilitator_id} → {self.to_facilitator_id}"


class Visit(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="visits",
                                  verbose_name=_("enrolment"))
    facilitator = models.ForeignKey(Facilitator, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="visits", verbose_name=_("facilitator"))
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True, default="")

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.date}"


class Assessment(models.Model):
    """What the graduation criteria read, as found on one visit. NULL: not asked."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="assessments",
                                  verbose_name=_("enrolment"))
    visit = models.OneToOneField(Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="assessment",
                                 verbose_name=_("visit"))
    date = models.DateField(_("date"))
    per_capita_income = models.BigIntegerField(_("income per person per month (Rp)"), null=True, blank=True)
    income_sources = models.PositiveSmallIntegerField(_("income sources"), null=True, blank=True)
    business_months = models.PositiveSmallIntegerField(_("months the business has run"), null=True, blank=True)
    savings = models.BigIntegerField(_("savings (Rp)"), null=True, blank=True)
    cooperative_member = models.BooleanField(_("cooperative member"), null=True, blank=True)
    school_age_children = models.PositiveSmallIntegerField(_("school-age children"), null=True, blank=True)
    children_in_school = models.PositiveSmallIntegerField(_("school-age children in school"), null=True, blank=True)
    food_shortage = models.BooleanField(_("food shortage in the past year"), null=True, blank=True)

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["enrolment", "-date", "-id"], name="programmes_assessment_latest")]
        constraints = [
            models.CheckConstraint(condition=Q(per_capita_income__gte=0) | Q(per_capita_income__isnull=True),
                                   name="programmes_assessment_income_not_negative"),
            models.CheckConstraint(condition=Q(savings__gte=0) | Q(savings__isnull=True),
                                   name="programmes_assessment_savings_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.date}"


class Scheme(models.TextChoices):
    KUR_SUPER_MIKRO = "kur_super_mikro", _("KUR super mikro")
    KUR_MIKRO = "kur_mikro", _("KUR mikro")
    KUR_KECIL = "kur_kecil", _("KUR kecil")
    MEKAAR = "mekaar", _("PNM Mekaar")
    ULAMM = "ulamm", _("PNM ULaMM")
    UMI = "umi", _("UMi")
    LPDB = "lpdb", _("LPDB")
    REVOLVING_FUND = "revolving_fund", _("Revolving fund")


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DISBURSED = "disbursed", _("Disbursed")
    REPAID = "repaid", _("Repaid")
    DEFAULTED = "defaulted", _("Defaulted")


class Loan(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="loans",
                                  verbose_name=_("enrolment"))
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    lender = models.CharField(_("lender"), max_length=200)
    amount = models.BigIntegerField(_("amount (Rp)"))
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(_("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.APPLIED)
    status_on = models.DateField(_("status since"))

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="programmes_loan_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} Rp{self.amount:,} ({self.status})"


class SessionKind(models.TextChoices):
    TRAINING = "training", _("Training")
    MENTORING = "mentoring", _("Mentoring")


class TrainingSession(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions",
                                  verbose_name=_("programme"))
    kind = models.CharField(_("kind"), max_length=10, choices=SessionKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    date = models.DateField(_("date"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    attendees = models.ManyToManyField(Enrolment, blank=True, related_name="sessions", verbose_name=_("attendees"))

    scope_region_field = "region_id"

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.topic} {self.date}"


class Channel(models.TextChoices):
    E_CATALOGUE = "e_catalogue", _("E-catalogue")
    MARKETPLACE = "marketplace", _("Marketplace")
    EXHIBITION = "exhibition", _("Exhibition")
    OFF_TAKER = "off_taker", _("Off-taker")


class MarketAccess(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="market_access",
                                  verbose_name=_("enrolment"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    date = models.DateField(_("date"))
    sales_value = models.BigIntegerField(_("sales value (Rp)"))

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("market access")
        verbose_name_plural = _("market access")
        constraints = [models.CheckConstraint(condition=Q(sales_value__gte=0), name="programmes_sales_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} Rp{self.sales_value:,}"
