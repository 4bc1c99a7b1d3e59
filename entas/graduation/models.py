"""Everything about a family enrolled in a programme: the enrolment with its caseload history, home
visits and the assessments made on them, interventions (loans with their status steps, market
access, training and mentoring sessions with attendance), the pathway history and follow-ups after
graduation, and the versioned graduation rule sets with poverty lines that decide it. Money is
integer rupiah.

Enrolments carry their household's village (copied at enrolment) so that scoping, caseload
assignment and reports by region are prefix matches on one column, with no join to the registry.
Programmes, priority lists and facilitators are `entas.programmes`' (referred to by name here).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="enrolments",
                                  verbose_name=_("programme"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="enrolments",
                                  db_constraint=False, verbose_name=_("household"))
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False,
                                db_constraint=False, verbose_name=_("village"))
    facilitator = models.ForeignKey("programmes.Facilitator", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="enrolments", verbose_name=_("facilitator"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ENROLLED)
    enrolled_on = models.DateField(_("enrolled on"))
    cohort = models.CharField(_("cohort"), max_length=7, help_text=_("Quarter of enrolment, YYYY-Qn."))
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    relapses = models.PositiveSmallIntegerField(_("relapses"), default=0)
    exit_reason = models.CharField(_("exit reason"), max_length=12, choices=ExitReason.choices, blank=True,
                                   default="")
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    # The family agreed that a cooperative of its village may contact it (pilot: assistance
    # recipients become members). Only with it may a cooperative manager see name, village and contact.
    contact_consent = models.BooleanField(_("agrees to be contacted by a cooperative"), default=False,
                                          db_default=False)
    contact_consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, default="", db_default="")
    # Raised by every step on the pathway and every change of facilitator (pathway.move, reassign,
    # handover): the field app's commands name the version they were based on, and a change based on
    # an older one is a conflict for the supervisor (entas.field.sync).
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)

    scope_region_field = "village_id"

    class Meta:
        # Index and constraint names (here and below) keep the "programmes_" prefix these tables
        # had before they moved to this app (graduation/0003-0004): they are database identifiers
        # only, and renaming them would rebuild indexes and, on SQLite, whole tables.
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
    from_facilitator = models.ForeignKey("programmes.Facilitator", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("from"))
    to_facilitator = models.ForeignKey("programmes.Facilitator", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("to"))
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
    facilitator = models.ForeignKey("programmes.Facilitator", null=True, blank=True, on_delete=models.PROTECT,
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
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="sessions",
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


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class RuleSet(models.Model):
    """One version of a programme's graduation criteria: drafted, then activated (which retires
    the version before it), never edited once active, kept for the evaluations that used it
    (entas.graduation.rules)."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="rule_sets",
                                  verbose_name=_("programme"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=8, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("drafted by"))
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("activated by"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("graduation rule set")
        verbose_name_plural = _("graduation rule sets")
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="graduation_ruleset_version_once"),
            models.UniqueConstraint(fields=["programme"], condition=Q(status="active"), name="graduation_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version}"

    @property
    def active(self) -> bool:
        return self.status == RuleSetStatus.ACTIVE


# The fixed criteria of the rule sets before criteria became declarative data: still accepted from
# callers as {"code": ..., "applies_when": ...} and mapped by entas.graduation.criteria.from_legacy.
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
    """One test on the latest assessment, as data: `field` (a measure of graduation.criteria)
    `operator` `threshold` in `unit`, applying only when the optional condition (measure, operator,
    value) holds. Essential criteria must all be met to graduate. `code` names it within its set."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="criteria",
                                 verbose_name=_("rule set"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200, blank=True, default="")
    field = models.CharField(_("measure"), max_length=32)
    operator = models.CharField(_("comparison"), max_length=2)
    threshold = models.DecimalField(_("threshold"), max_digits=17, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=16)
    essential = models.BooleanField(_("essential"), default=True)
    condition_field = models.CharField(_("applies when"), max_length=32, blank=True, default="")
    condition_operator = models.CharField(_("condition comparison"), max_length=2, blank=True, default="")
    condition_value = models.DecimalField(_("condition value"), max_digits=17, decimal_places=2, null=True,
                                          blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rule_set", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="graduation_criterion_once"),
            models.CheckConstraint(
                condition=(Q(condition_field="", condition_value__isnull=True)
                           | (~Q(condition_field="") & Q(condition_value__isnull=False))),
                name="graduation_criterion_condition_whole"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({'essential' if self.essential else 'conditional'})"


class Area(models.TextChoices):
    URBAN = "urban", _("Urban (perkotaan)")
    RURAL = "rural", _("Rural (perdesaan)")
    TOTAL = "total", _("Urban and rural")


class PovertyLine(models.Model):
    """BPS poverty line for one province and area (urban, rural or both) from a date on (BPS
    publishes March and September), Rp per person per month. A village reads its area's line, or the
    province's total when that one is more recent (entas.graduation.lines)."""

    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    area = models.CharField(_("area"), max_length=5, choices=Area.choices, default=Area.TOTAL)
    valid_from = models.DateField(_("valid from"))
    amount = models.BigIntegerField(_("Rp per person per month"))
    source = models.CharField(_("source"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("poverty line")
        verbose_name_plural = _("poverty lines")
        ordering = ["province", "area", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["province", "area", "valid_from"], name="graduation_poverty_line_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="graduation_poverty_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.area} {self.valid_from} Rp{self.amount:,}"

    @property
    def audit_region_code(self) -> str:
        return self.province_id


class StatusChange(models.Model):
    """Every step an enrolment took on the pathway: appended by graduation.services, never edited."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="status_changes",
                                  verbose_name=_("enrolment"))
    from_status = models.CharField(_("from"), max_length=12)
    to_status = models.CharField(_("to"), max_length=12)
    action = models.CharField(_("action"), max_length=16)
    on = models.DateField(_("date"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    # The reading of the criteria the step relied on (mark ready, graduate, a follow-up's relapse).
    evaluation = models.ForeignKey("Evaluation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("evaluation"))

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["enrolment", "on", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_status} → {self.to_status}"


class FollowUp(models.Model):
    MONTHS = (6, 12, 24)

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="follow_ups",
                                  verbose_name=_("enrolment"))
    month = models.PositiveSmallIntegerField(_("months after graduation"))
    on = models.DateField(_("date"))
    sustained = models.BooleanField(_("still meets the essential criteria"))
    evaluation = models.ForeignKey("Evaluation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("evaluation"))

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["enrolment", "on"]
        constraints = [models.CheckConstraint(condition=Q(month__in=(6, 12, 24)), name="graduation_follow_up_month")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} +{self.month} months"


class Evaluation(models.Model):
    """One reading of an enrolment's latest assessment against one rule-set version, kept so that a
    decision can always be traced to the rules and the values it used. `results` holds, per
    criterion, whether it applied, was met, the value read and the threshold; `unjudged` says in
    words why the family could not be judged (e.g. no poverty line for its province and area)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="evaluations",
                                  verbose_name=_("enrolment"))
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="evaluations",
                                 verbose_name=_("rule set"))
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("assessment"))
    at = models.DateTimeField(_("when"))
    essentials_met = models.BooleanField(_("essential criteria met"))
    results = models.JSONField(_("results"), default=list)
    unjudged = models.CharField(_("why it could not be judged"), max_length=300, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["enrolment", "-at", "-id"]
        indexes = [models.Index(fields=["enrolment", "-at"], name="graduation_evaluation_latest")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} v{self.rule_set_id} {self.at:%Y-%m-%d}"


class OverrideDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReadinessOverride(models.Model):
    """A request to mark a family ready although an essential criterion is not met: asked by the
    facilitator (or made directly by a supervisor) with a written reason, decided by a regional
    officer or national administrator. At most one waits per enrolment."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="overrides",
                                  verbose_name=_("enrolment"))
    evaluation = models.ForeignKey(Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("evaluation"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(_("decision"), max_length=8, choices=OverrideDecision.choices,
                                default=OverrideDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, default="")

    scope_region_field = "enrolment__village_id"

    class Meta:
        verbose_name = _("readiness override")
        verbose_name_plural = _("readiness overrides")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment"], condition=Q(decision="pending"),
                                    name="graduation_one_pending_override"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} override ({self.decision})"

    @property
    def audit_region_code(self) -> str:
        return self.enrolment.village_id


class ProgrammeTally(models.Model):
    """How many of a programme's enrolments of one cohort and regency are in each status, kept
    up to date from the enrolment events (graduation.tally), so a programme's page reads a few
    thousand rows instead of grouping a million enrolments."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("programme"))
    regency = models.CharField(_("regency"), max_length=5)
    cohort = models.CharField(_("cohort"), max_length=7)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    enrolments = models.PositiveIntegerField(_("enrolments"))
    relapses = models.PositiveIntegerField(_("relapses"))
    relapsed = models.PositiveIntegerField(_("families that relapsed"))

    scope_region_field = "regency"

    class Meta:
        verbose_name = _("programme tally")
        verbose_name_plural = _("programme tallies")
        constraints = [models.UniqueConstraint(fields=["programme", "regency", "cohort", "status"],
                                               name="graduation_tally_once")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.regency} {self.cohort} {self.status}: {self.enrolments}"
