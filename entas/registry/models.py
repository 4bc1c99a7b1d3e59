"""Households (No. KK), people (NIK), who lives where over time, decile history, assistance.

Rows come from imports (entas.registry.importer): each points to the batch that last changed it.
Optional text columns are NULL when the source did not say, which is not the same as empty.

Links between registry rows, and a household's to its village, carry no database foreign-key
constraint: on PostgreSQL each costs a trigger query per inserted row, more than the rest of an
import (docs/architecture.md, Departures). Only the import writes those columns, taking every id
from a join in the same transaction (a village code checked against the region list first), and
deletes go through the ORM, which still applies on_delete.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entas.ingest.models import ImportBatch


class Floor(models.TextChoices):
    EARTH = "earth", _("Earth")
    BAMBOO = "bamboo", _("Bamboo")
    WOOD = "wood", _("Wood")
    CEMENT = "cement", _("Cement")
    CERAMIC = "ceramic", _("Ceramic")


class Wall(models.TextChoices):
    BAMBOO = "bamboo", _("Bamboo")
    WOOD = "wood", _("Wood")
    PLASTER_BRICK = "plaster_brick", _("Plastered brick")
    BRICK = "brick", _("Brick")


class Roof(models.TextChoices):
    THATCH = "thatch", _("Thatch")
    ZINC = "zinc", _("Zinc")
    ASBESTOS = "asbestos", _("Asbestos")
    TILE = "tile", _("Tile")
    CONCRETE = "concrete", _("Concrete")


class Water(models.TextChoices):
    RIVER = "river", _("River or spring")
    UNPROTECTED_WELL = "unprotected_well", _("Unprotected well")
    PROTECTED_WELL = "protected_well", _("Protected well")
    PIPED = "piped", _("Piped water")
    BOTTLED = "bottled", _("Bottled or refill water")


class Sanitation(models.TextChoices):
    NONE = "none", _("None")
    SHARED = "shared", _("Shared")
    OWN = "own", _("Own")


class CookingFuel(models.TextChoices):
    WOOD = "wood", _("Firewood")
    KEROSENE = "kerosene", _("Kerosene")
    LPG_3KG = "lpg_3kg", _("LPG 3 kg")
    LPG_LARGE = "lpg_large", _("LPG over 3 kg")
    ELECTRIC = "electric", _("Electric")


ASSETS = ("motorcycle", "refrigerator", "tv", "smartphone", "livestock", "land", "boat", "car")


class Sex(models.TextChoices):
    MALE = "L", _("Male (laki-laki)")
    FEMALE = "P", _("Female (perempuan)")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    IN_LAW = "in_law", _("Child-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    NONE = "none", _("None")
    SD = "sd", _("Primary (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma")
    UNIVERSITY = "university", _("University")


class Occupation(models.TextChoices):
    NONE = "none", _("None")
    FARMER = "farmer", _("Farmer")
    FISHER = "fisher", _("Fisher")
    LABOURER = "labourer", _("Labourer")
    TRADER = "trader", _("Trader")
    DRIVER = "driver", _("Driver")
    CRAFTSMAN = "craftsman", _("Craftsman")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    PRIVATE_EMPLOYEE = "private_employee", _("Private employee")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    STUDENT = "student", _("Student")
    HOUSEKEEPING = "housekeeping", _("Housekeeping")
    OTHER = "other", _("Other")


class Disability(models.TextChoices):
    NONE = "none", _("None")
    PHYSICAL = "physical", _("Physical")
    SENSORY = "sensory", _("Sensory")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Programme(models.TextChoices):
    PKH = "PKH", _("PKH (Program Keluarga Harapan)")
    SEMBAKO = "SEMBAKO", _("Sembako / BPNT")
    PBI_JKN = "PBI_JKN", _("PBI JKN (health insurance premium)")
    OTHER = "OTHER", _("Other")


class PkhComponent(models.TextChoices):
    PREGNANT = "pregnant", _("Pregnant or post-partum")
    EARLY_CHILDHOOD = "early_childhood", _("Early childhood")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA)")
    SEVERE_DISABILITY = "severe_disability", _("Severe disability")
    ELDERLY = "elderly", _("Elderly")


def batch_field() -> "models.ForeignKey[ImportBatch | None, ImportBatch | None]":
    # Not indexed: every import writes millions of these, and nothing looks rows up by batch.
    return models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
        db_constraint=False, verbose_name=_("last changed by import"),
    )


class Household(models.Model):
    kk_number = models.CharField(_("No. KK"), max_length=16)
    # Indexed below with pattern ops: one index for equality and for the prefix LIKE of scoping.
    # No database constraint: every import checks the code against the region list first, and a
    # per-row constraint check cost more than the rest of an import (see docs/architecture.md).
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False,
                                db_constraint=False, verbose_name=_("village"))
    address = models.CharField(_("address"), max_length=255, null=True, blank=True)
    decile = models.PositiveSmallIntegerField(_("decile"), null=True, blank=True)
    decile_source = models.CharField(_("decile source"), max_length=64, null=True, blank=True)
    decile_date = models.DateField(_("decile date"), null=True, blank=True)
    per_capita_income = models.BigIntegerField(_("income per person per month (Rp)"), null=True, blank=True)
    floor_material = models.CharField(_("floor"), max_length=16, choices=Floor.choices, null=True, blank=True)
    wall_material = models.CharField(_("wall"), max_length=16, choices=Wall.choices, null=True, blank=True)
    roof_material = models.CharField(_("roof"), max_length=16, choices=Roof.choices, null=True, blank=True)
    drinking_water = models.CharField(_("drinking water"), max_length=20, choices=Water.choices, null=True, blank=True)
    sanitation = models.CharField(_("sanitation"), max_length=8, choices=Sanitation.choices, null=True, blank=True)
    electricity_watt = models.PositiveIntegerField(_("electricity (watt)"), null=True, blank=True)
    cooking_fuel = models.CharField(_("cooking fuel"), max_length=16, choices=CookingFuel.choices, null=True,
                                    blank=True)
    assets = models.CharField(_("assets"), max_length=255, null=True, blank=True,
                              help_text=_("Codes separated by ';'."))
    extreme_poor = models.BooleanField(_("extreme poor"), null=True, blank=True)
    batch = batch_field()

    scope_region_field = "village_id"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["decile", "village"], name="registry_household_decile"),
            models.Index(fields=["village"], condition=Q(extreme_poor=True), name="registry_household_extreme"),
            # PostgreSQL only (SQLite ignores opclasses and INCLUDE): byte-wise, so LIKE '33.10.%' can
            # use it, and covering: a search by region and desil (the DCI API) reads ids and deciles
            # from the index alone, not from thousands of scattered table pages (bench/bench_dci.py).
            models.Index(fields=["village"], opclasses=["varchar_pattern_ops"], include=["decile", "id"],
                         name="registry_household_village_cv"),
        ]
        constraints = [
            # A constraint, not unique=True: on PostgreSQL that would add a second, pattern-ops
            # index that every import pays for and no page uses.
            models.UniqueConstraint(fields=["kk_number"], name="registry_household_kk_unique"),
            models.CheckConstraint(condition=Q(decile__gte=1, decile__lte=10) | Q(decile__isnull=True),
                                   name="registry_household_decile_1_10"),
        ]

    def __str__(self) -> str:
        return self.kk_number

    @property
    def audit_region_code(self) -> str:
        return self.village_id


class DecileRecord(models.Model):
    """A household's decile as one source gave it on one date: history, never overwritten."""

    # Indexed through the unique constraint, which starts with it.
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="decile_history",
                                  db_index=False, db_constraint=False, verbose_name=_("household"))
    decile = models.PositiveSmallIntegerField(_("decile"))
    source = models.CharField(_("source"), max_length=64)
    date = models.DateField(_("date"))
    batch = batch_field()

    scope_region_field = "household__village_id"

    class Meta:
        verbose_name = _("decile record")
        verbose_name_plural = _("decile history")
        ordering = ["household", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["household", "source", "date"], name="registry_decile_once_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} desil {self.decile} ({self.source} {self.date})"


class WelfareRecord(models.Model):
    """What one extract said of a household's welfare on its date: history, one row per household
    and extract, replaced only by a re-import of that same extract. The scores: registry.welfare.

    Narrow rows (no surrogate id; the key is the household and the date) for 100 M households times
    the extracts kept. On PostgreSQL the table is partitioned by year of `date`, a partition made by
    the import before it writes into one, other dates in a default partition (migration 0009,
    registry.history; docs/architecture.md, registry)."""

    pk = models.CompositePrimaryKey("household", "date")
    # Indexed through the primary key, which starts with it.
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="welfare_history",
                                  db_index=False, db_constraint=False, verbose_name=_("household"))
    date = models.DateField(_("extract date"))
    decile = models.PositiveSmallIntegerField(_("decile"), null=True, blank=True)
    per_capita_income = models.BigIntegerField(_("income per person per month (Rp)"), null=True, blank=True)
    assets_score = models.PositiveSmallIntegerField(_("assets score"), null=True, blank=True)
    housing_score = models.PositiveSmallIntegerField(_("housing score"), null=True, blank=True)
    batch = batch_field()

    scope_region_field = "household__village_id"

    class Meta:
        verbose_name = _("welfare record")
        verbose_name_plural = _("welfare history")
        ordering = ["household", "-date"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.date}"


class Person(models.Model):
    """One person by NIK. `household`, `relationship` and `member_since` are the current
    membership, kept on the person: scoping and lists need no join through the history, and a
    national load of millions of people writes one row per person, not two. The periods that
    ended are HouseholdMembership rows."""

    nik = models.CharField(_("NIK"), max_length=16)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members",
                                  db_index=False, db_constraint=False, verbose_name=_("household"))
    full_name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, null=True, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_place = models.CharField(_("birth place"), max_length=100, null=True, blank=True)
    relationship = models.CharField(_("relationship to head"), max_length=16, choices=Relationship.choices,
                                    null=True, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices, null=True, blank=True)
    disability = models.CharField(_("disability"), max_length=16, choices=Disability.choices, null=True, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=16, choices=MaritalStatus.choices,
                                      null=True, blank=True)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    batch = batch_field()

    scope_region_field = "household__village_id"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # No index on the name: search is "contains", which a btree cannot serve, and each index
        # costs every import of millions of people.
        constraints = [models.UniqueConstraint(fields=["nik"], name="registry_person_nik_unique")]
        indexes = [
            # Instead of the foreign key's own index: the people of a set of households with their ids
            # from the index alone (a DCI search by region and desil collects up to 10,000 matching
            # ids before it reads a page of 100).
            models.Index(fields=["household"], include=["id"], name="registry_person_hh_cover"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def audit_region_code(self) -> str:
        return self.household.village_id if self.household_id and self.household else ""


class HouseholdMembership(models.Model):
    """A past period in which a person belonged to a household in one relationship to its head:
    written when a move or a new relationship ends it. The current period is on the Person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", db_constraint=False,
                               verbose_name=_("person"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships",
                                  db_constraint=False, verbose_name=_("household"))
    relationship = models.CharField(_("relationship to head"), max_length=16, choices=Relationship.choices,
                                    null=True, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)  # unknown for people stored without one
    end_date = models.DateField(_("until"))
    batch = batch_field()

    scope_region_field = "household__village_id"

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id} from {self.start_date}"


class AssistanceReceipt(models.Model):
    """Assistance a household (or one of its people) received for one period, in whole rupiah."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="assistance",
                                  db_constraint=False, verbose_name=_("household"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="assistance",
                               db_constraint=False, verbose_name=_("person"))
    programme = models.CharField(_("programme"), max_length=8, choices=Programme.choices)
    # '' rather than NULL for "no component", so that the unique constraints below hold.
    component = models.CharField(_("component"), max_length=20, choices=PkhComponent.choices, blank=True, default="")
    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY-MM or YYYY-Qn"))
    amount = models.BigIntegerField(_("amount (Rp)"))
    batch = batch_field()

    scope_region_field = "household__village_id"

    class Meta:
        verbose_name = _("assistance receipt")
        verbose_name_plural = _("assistance receipts")
        indexes = [models.Index(fields=["programme", "period"], name="registry_assistance_period")]
        constraints = [
            models.UniqueConstraint(fields=["household", "programme", "component", "period"],
                                    condition=Q(person__isnull=True), name="registry_assistance_family_once"),
            models.UniqueConstraint(fields=["household", "person", "programme", "component", "period"],
                                    condition=Q(person__isnull=False), name="registry_assistance_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.component} {self.period} Rp{self.amount:,}"


class MoveStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MoveRequest(models.Model):
    """A person whom an import puts in a household of another region than the one they live in now.

    The import may not move them (the importing officer cannot see the person's current household),
    so the row becomes a request that a user whose scope covers both villages approves or rejects.
    What the requester sees is only what their own file said (`given_name`, the NIK, the No. KK).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="move_requests",
                               db_constraint=False, verbose_name=_("person"))
    given_name = models.CharField(_("name in the file"), max_length=200, blank=True)
    to_kk_number = models.CharField(_("to No. KK"), max_length=16)
    to_village = models.CharField(_("to village"), max_length=13)
    relationship = models.CharField(_("relationship to head"), max_length=16, choices=Relationship.choices,
                                    null=True, blank=True)
    from_village = models.CharField(_("from village"), max_length=13, blank=True)
    requested_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("import"))
    file_row = models.PositiveBigIntegerField(_("row in the file"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=MoveStatus.choices, default=MoveStatus.PENDING)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    # The requester's side: an officer sees the requests into her region; approving also needs the
    # origin inside the approver's scope (registry.moves).
    scope_region_field = "to_village"

    class Meta:
        verbose_name = _("move request")
        verbose_name_plural = _("move requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"), name="registry_move_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.to_kk_number} ({self.status})"

    @property
    def audit_region_code(self) -> str:
        return self.to_village
