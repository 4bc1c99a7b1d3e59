"""Enterprises (UMKM), cooperatives with their units, members and managers, jobs, and groups
(kelompok, sentra, klaster). Money is integer rupiah.

Every model is scoped by region (`scope_region_field`): enterprises and cooperatives by their
village, groups by their region, and the rows below them through their parent.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entas.enterprises.kbli import LETTERS, VERSIONS
from entas.enterprises.scale import Scale
from entas.registry.models import batch_field


class LegalForm(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual (perorangan)")
    PT_INDIVIDUAL = "pt_individual", _("Individual limited company (PT perorangan)")
    CV = "cv", _("Limited partnership (CV)")
    FIRM = "firm", _("Firm (firma)")
    PT = "pt", _("Limited company (PT)")
    COOPERATIVE = "cooperative", _("Cooperative")
    OTHER = "other", _("Other")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


KBLI_VERSIONS = [(v, f"KBLI {v}") for v in VERSIONS]
SECTIONS = [(letter, letter) for letter in LETTERS]


class Enterprise(models.Model):
    """A micro, small or medium enterprise. Identified by its NIB when it has one (formal), else
    by owner NIK, village and name (informal)."""

    name = models.CharField(_("name"), max_length=200)
    nib = models.CharField(_("NIB"), max_length=13, null=True, blank=True)
    owner_nik = models.CharField(_("owner NIK"), max_length=16, null=True, blank=True)
    owner_name = models.CharField(_("owner name"), max_length=200, null=True, blank=True)
    # The registry person when the NIK matches one; the NIK is kept either way.
    owner = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="enterprises", db_constraint=False, verbose_name=_("owner"))
    # Indexed by enterprises_village_section, which starts with it.
    # No database constraint: every import checks the code against the region list first, and a
    # per-row constraint check cost more than the rest of an import (see docs/architecture.md).
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False,
                                db_constraint=False, verbose_name=_("village"))
    kbli_code = models.CharField(_("KBLI code"), max_length=5)
    kbli_version = models.CharField(_("KBLI version"), max_length=4, choices=KBLI_VERSIONS)
    kbli_section = models.CharField(_("KBLI section"), max_length=1, choices=SECTIONS)
    capital = models.BigIntegerField(_("capital (Rp)"), null=True, blank=True,
                                     help_text=_("Business capital excluding land and buildings."))
    annual_sales = models.BigIntegerField(_("annual sales (Rp)"), null=True, blank=True)
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, null=True, blank=True)
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=16, choices=LegalForm.choices, null=True, blank=True)
    # db_default too: the import inserts with SQL and leaves out what the file does not give.
    status = models.CharField(_("status"), max_length=8, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.ACTIVE, db_default=EnterpriseStatus.ACTIVE)
    founded = models.DateField(_("founded"), null=True, blank=True)
    batch = batch_field()

    scope_region_field = "village_id"

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["village", "kbli_section"], name="enterprises_village_section"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nib"], condition=Q(nib__isnull=False), name="enterprises_nib_unique"),
            models.UniqueConstraint(fields=["owner_nik", "village", "name"], condition=Q(nib__isnull=True),
                                    name="enterprises_informal_unique"),
            models.CheckConstraint(condition=Q(nib__isnull=False) | Q(owner_nik__isnull=False),
                                   name="enterprises_nib_or_owner"),
            models.CheckConstraint(condition=Q(capital__gte=0) | Q(capital__isnull=True),
                                   name="enterprises_capital_not_negative"),
            models.CheckConstraint(condition=Q(annual_sales__gte=0) | Q(annual_sales__isnull=True),
                                   name="enterprises_sales_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_formal(self) -> bool:
        return bool(self.nib)

    @property
    def audit_region_code(self) -> str:
        return self.village_id


class GivenIdentity(models.Model):
    """Who a source says holds a membership or a job, as it gave it (text, never corrected: a NIK
    may be damaged, a birth date year-only or day and month swapped), beside the registry person
    it is linked to. `person` is null while nobody is recognised; a link sets it (exactly by NIK
    on import, or accepted through entas.enterprises.identities), undoing the link clears it and
    the given identity stays. `given_key` is what an import merges a record without a person by:
    the NIK as given, else the name; empty for a record made for a known person."""

    given_name = models.CharField(_("name as given"), max_length=200, blank=True, default="", db_default="")
    given_nik = models.CharField(_("NIK as given"), max_length=32, blank=True, default="", db_default="")
    given_birth_date = models.CharField(_("birth date as given"), max_length=32, blank=True, default="",
                                        db_default="")
    given_sex = models.CharField(_("sex as given"), max_length=16, blank=True, default="", db_default="")
    given_address = models.CharField(_("address as given"), max_length=255, blank=True, default="", db_default="")
    given_village = models.CharField(_("village code as given"), max_length=16, blank=True, default="",
                                     db_default="")
    given_key = models.CharField(_("identity key as given"), max_length=200, blank=True, default="", db_default="",
                                 editable=False)

    person_id: int | None

    class Meta:
        abstract = True

    @property
    def recognised(self) -> bool:
        return self.person_id is not None

    @property
    def display_name(self) -> str:
        """The registry's name of the person, else the name the source gave."""
        person = getattr(self, "person", None)
        return person.full_name if person is not None else self.given_name

    @property
    def display_nik(self) -> str:
        person = getattr(self, "person", None)
        return (person.nik or "") if person is not None else self.given_nik

    def key_as_given(self) -> str:
        """The merge key of this record's given identity: the NIK as given, else the name."""
        return self.given_nik or self.given_name


class Job(GivenIdentity):
    """A person employed by an enterprise from `start` until `end` (open: still there): a registry
    person, or one not yet recognised (`person` null) known by the identity the source gave."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="jobs",
                                   verbose_name=_("enterprise"))
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="jobs", db_constraint=False, verbose_name=_("person"))
    # db_default: the jobs import inserts with SQL and leaves out what the file does not give.
    position = models.CharField(_("position"), max_length=100, blank=True, default="", db_default="")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    batch = batch_field()

    scope_region_field = "enterprise__village_id"
    scope_also = ("person",)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "person"], condition=Q(end__isnull=True),
                                    name="enterprises_job_one_open"),
            # The key the jobs import merges by: a second job starting the same day is the same job.
            models.UniqueConstraint(fields=["enterprise", "person", "start"], name="enterprises_job_unique_start"),
            # The key the jobs import merges a job holder it did not recognise by (kept once linked).
            models.UniqueConstraint(fields=["enterprise", "given_key", "start"], condition=Q(given_key__gt=""),
                                    name="enterprises_job_given_unique"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                                   name="enterprises_job_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id or self.given_name} at {self.enterprise_id} from {self.start}"

    @property
    def audit_region_code(self) -> str:
        return self.enterprise.village_id


class CooperativeType(models.TextChoices):
    MERAH_PUTIH = "merah_putih", _("Koperasi Desa/Kelurahan Merah Putih")
    SAVINGS_LOAN = "savings_loan", _("Savings and loan")
    PRODUCER = "producer", _("Producer")
    CONSUMER = "consumer", _("Consumer")
    SERVICE = "service", _("Service")
    MARKETING = "marketing", _("Marketing")


class CooperativeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class Cooperative(models.Model):
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(_("registration number"), max_length=32, null=True, blank=True,
                                           help_text=_("Nomor induk koperasi."))
    legal_entity_number = models.CharField(_("legal entity number"), max_length=64, null=True, blank=True,
                                           help_text=_("Nomor badan hukum (AHU)."))
    type = models.CharField(_("type"), max_length=16, choices=CooperativeType.choices)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    status = models.CharField(_("status"), max_length=8, choices=CooperativeStatus.choices,
                              default=CooperativeStatus.ACTIVE, db_default=CooperativeStatus.ACTIVE)
    founded = models.DateField(_("founded"), null=True, blank=True)
    batch = batch_field()

    scope_region_field = "village_id"

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        constraints = [
            # Inpres 9/2025: one Koperasi Desa/Kelurahan Merah Putih per village or kelurahan.
            models.UniqueConstraint(fields=["village"], condition=Q(type="merah_putih"),
                                    name="enterprises_one_merah_putih_per_village"),
            models.UniqueConstraint(fields=["registration_number"], condition=Q(registration_number__isnull=False),
                                    name="enterprises_cooperative_registration_unique"),
            models.UniqueConstraint(fields=["legal_entity_number"], condition=Q(legal_entity_number__isnull=False),
                                    name="enterprises_cooperative_legal_entity_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.village_id


class CooperativeAccess(models.Model):
    """A cooperative-manager account that acts for a cooperative: its scope is the cooperatives it
    holds such access to (members, units, groups), nothing else of the registry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cooperative_access",
                             verbose_name=_("user"))
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="accounts",
                                    verbose_name=_("cooperative"))
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    scope_region_field = "cooperative__village_id"

    class Meta:
        verbose_name = _("cooperative access")
        verbose_name_plural = _("cooperative access")
        constraints = [models.UniqueConstraint(fields=["user", "cooperative"], name="enterprises_access_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.cooperative_id}"

    @property
    def audit_region_code(self) -> str:
        return self.cooperative.village_id


class UnitKind(models.TextChoices):
    OFFICE = "office", _("Office")
    SEMBAKO_OUTLET = "sembako_outlet", _("Sembako outlet")
    SAVINGS_LOAN = "savings_loan", _("Savings and loan")
    CLINIC = "clinic", _("Village clinic")
    PHARMACY = "pharmacy", _("Village pharmacy")
    COLD_STORAGE = "cold_storage", _("Warehouse / cold storage")
    LOGISTICS = "logistics", _("Village logistics")


class UnitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Being set up")
    OPERATING = "operating", _("Operating")
    CLOSED = "closed", _("Closed")


class BusinessUnit(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="units",
                                    verbose_name=_("cooperative"))
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=UnitStatus.choices, default=UnitStatus.PLANNED)
    opened = models.DateField(_("opened"), null=True, blank=True)

    scope_region_field = "cooperative__village_id"

    class Meta:
        verbose_name = _("business unit")
        verbose_name_plural = _("business units")
        constraints = [models.UniqueConstraint(fields=["cooperative", "kind"], name="enterprises_unit_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def audit_region_code(self) -> str:
        return self.cooperative.village_id


class Membership(GivenIdentity):
    """A person's membership of a cooperative from `joined` until `left` (open: still a member),
    with the share capital paid: simpanan pokok (once) and simpanan wajib (to date). The person is a
    registry person, or one not yet recognised (`person` null) known by the identity the source gave."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="memberships",
                                    verbose_name=_("cooperative"))
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="cooperative_memberships", db_constraint=False, verbose_name=_("person"))
    joined = models.DateField(_("joined"))
    left = models.DateField(_("left"), null=True, blank=True)
    share_principal = models.BigIntegerField(_("simpanan pokok paid (Rp)"), default=0, db_default=0)
    share_mandatory = models.BigIntegerField(_("simpanan wajib paid (Rp)"), default=0, db_default=0)
    batch = batch_field()

    scope_region_field = "cooperative__village_id"
    scope_also = ("person",)

    class Meta:
        verbose_name = _("cooperative membership")
        verbose_name_plural = _("cooperative memberships")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "person"], condition=Q(left__isnull=True),
                                    name="enterprises_membership_one_open"),
            # The key the memberships import merges by.
            models.UniqueConstraint(fields=["cooperative", "person", "joined"],
                                    name="enterprises_membership_unique_joined"),
            # The key the memberships import merges a member it did not recognise by (kept once linked).
            models.UniqueConstraint(fields=["cooperative", "given_key", "joined"], condition=Q(given_key__gt=""),
                                    name="enterprises_membership_given_unique"),
            models.CheckConstraint(condition=Q(left__isnull=True) | Q(left__gt=models.F("joined")),
                                   name="enterprises_membership_left_after_joined"),
            models.CheckConstraint(condition=Q(share_principal__gte=0, share_mandatory__gte=0),
                                   name="enterprises_membership_shares_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id or self.given_name} in {self.cooperative_id} from {self.joined}"

    @property
    def audit_region_code(self) -> str:
        return self.cooperative.village_id

    def is_open_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)


class ManagerRole(models.TextChoices):
    CHAIR = "chair", _("Chair (ketua)")
    SECRETARY = "secretary", _("Secretary (sekretaris)")
    TREASURER = "treasurer", _("Treasurer (bendahara)")
    SUPERVISOR = "supervisor", _("Supervisor (pengawas)")
    MANAGER = "manager", _("Hired manager")


class Manager(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="managers",
                                    verbose_name=_("cooperative"))
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=16, choices=ManagerRole.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    scope_region_field = "cooperative__village_id"
    scope_also = ("person",)

    class Meta:
        verbose_name = _("cooperative manager")
        verbose_name_plural = _("cooperative managers")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "role", "person"], condition=Q(end__isnull=True),
                                    name="enterprises_manager_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person_id}"

    @property
    def audit_region_code(self) -> str:
        return self.cooperative.village_id


class GroupKind(models.TextChoices):
    KELOMPOK = "kelompok", _("Kelompok (group)")
    SENTRA = "sentra", _("Sentra (centre)")
    KLASTER = "klaster", _("Klaster (cluster)")


class Group(models.Model):
    """Enterprises and people grouped for joint work, optionally inside a cooperative."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=GroupKind.choices)
    sector = models.CharField(_("sector (KBLI section)"), max_length=1, choices=SECTIONS)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    cooperative = models.ForeignKey(Cooperative, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="groups", verbose_name=_("cooperative"))
    formed = models.DateField(_("formed"))

    scope_region_field = "region_id"

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.region_id


class GroupMember(models.Model):
    """An enterprise or a person in a group (exactly one of the two)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("group"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               db_constraint=False, verbose_name=_("person"))
    joined = models.DateField(_("joined"))
    left = models.DateField(_("left"), null=True, blank=True)

    scope_region_field = "group__region_id"
    scope_also = ("person",)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, person__isnull=True) | Q(enterprise__isnull=True,
                                                                               person__isnull=False),
                name="enterprises_group_member_one_kind"),
            models.UniqueConstraint(fields=["group", "enterprise"],
                                    condition=Q(left__isnull=True, enterprise__isnull=False),
                                    name="enterprises_group_enterprise_once"),
            models.UniqueConstraint(fields=["group", "person"], condition=Q(left__isnull=True, person__isnull=False),
                                    name="enterprises_group_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id or self.person_id} in {self.group_id}"

    @property
    def audit_region_code(self) -> str:
        return self.group.region_id
