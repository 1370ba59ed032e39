"""Grids and the registers behind them: grid profiles and their workers, building profiles,
households and residents. Ordinary households are not tree nodes: they hang off their
building's node (a street has tens of thousands)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models import NodeKind, OrgNode, User, mainland_mobile
from governance.scope import ScopedQuerySet


class GridType(models.TextChoices):
    BASE = "base", _("Base grid (residential)")
    EXCLUSIVE = "exclusive", _("Exclusive grid (an agency or company compound)")


class GridProfileQuerySet(ScopedQuerySet):
    node_path = "grid"


class GridProfile(models.Model):
    grid = models.OneToOneField(
        OrgNode,
        verbose_name=_("grid"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="grid_profile",
        limit_choices_to={"kind": NodeKind.GRID},
    )
    grid_type = models.CharField(
        _("grid type"), max_length=10, choices=GridType.choices, default=GridType.BASE
    )
    boundary = models.TextField(
        _("boundary"), blank=True, help_text=_("Where the grid begins and ends, in words.")
    )
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    objects = GridProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid profile")
        verbose_name_plural = _("grid profiles")

    def __str__(self):
        return self.grid.place


class WorkerKind(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time (one per grid)")
    PART_TIME = "part_time", _("Part-time")
    PROFESSIONAL = "professional", _("Professional (across several grids)")


class WorkerAssignmentQuerySet(ScopedQuerySet):
    node_path = "grid"


class WorkerAssignment(models.Model):
    """Who works a grid: exactly one full-time worker per grid (who works no other grid as
    full-time), part-time workers as needed, one professional worker per grid who may cover
    several grids."""

    grid = models.ForeignKey(
        OrgNode,
        verbose_name=_("grid"),
        on_delete=models.CASCADE,
        related_name="worker_assignments",
        limit_choices_to={"kind": NodeKind.GRID},
    )
    worker = models.ForeignKey(
        User,
        verbose_name=_("grid worker"),
        on_delete=models.CASCADE,
        related_name="grid_assignments",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=WorkerKind.choices)

    objects = WorkerAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid worker assignment")
        verbose_name_plural = _("grid worker assignments")
        constraints = [
            models.UniqueConstraint(fields=["grid", "worker"], name="one_assignment_per_pair"),
            models.UniqueConstraint(
                fields=["grid"], condition=Q(kind="full_time"), name="one_full_time_worker_per_grid"
            ),
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(kind="full_time"),
                name="full_time_worker_on_one_grid",
            ),
            models.UniqueConstraint(
                fields=["grid"],
                condition=Q(kind="professional"),
                name="one_professional_worker_per_grid",
            ),
        ]

    def __str__(self):
        return f"{self.grid.place} · {self.worker} ({self.get_kind_display()})"


class BuildingProfileQuerySet(ScopedQuerySet):
    node_path = "building"


class BuildingProfile(models.Model):
    building = models.OneToOneField(
        OrgNode,
        verbose_name=_("building"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="building_profile",
        limit_choices_to={"kind": NodeKind.BUILDING},
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    units = models.PositiveSmallIntegerField(
        _("units"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    floors = models.PositiveSmallIntegerField(
        _("floors"), default=1, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    head = models.ForeignKey(
        "Resident",
        verbose_name=_("building head (楼栋长)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BuildingProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("building profile")
        verbose_name_plural = _("building profiles")

    def __str__(self):
        return self.building.place


class HouseholdQuerySet(ScopedQuerySet):
    node_path = "building"


class Household(models.Model):
    building = models.ForeignKey(
        OrgNode,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"kind": NodeKind.BUILDING},
    )
    unit = models.CharField(_("unit"), max_length=10)
    room = models.CharField(_("room"), max_length=10)
    size = models.PositiveSmallIntegerField(
        _("people"), default=1, validators=[MinValueValidator(1)]
    )
    party_household = models.OneToOneField(
        OrgNode,
        verbose_name=_("party-member household node"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="register_household",
        limit_choices_to={"kind": NodeKind.HOUSEHOLD},
        help_text=_("When this is a party-member household (党员中心户): its leaf in the tree."),
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building__lft", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"], name="one_household_per_room"
            )
        ]
        # The phone search asks for a room (and unit) across the worker's buildings.
        indexes = [models.Index(fields=["room", "unit"], name="household_room_unit")]

    def __str__(self):
        return f"{self.building.place} {self.unit}-{self.room}"


class ResidentTag(models.Model):
    """Tags cadres extend: elderly living alone, disabled, left-behind child, low-income…"""

    name = models.CharField(_("name"), max_length=30, unique=True)
    vulnerable = models.BooleanField(_("vulnerable (care ledger)"), default=False)

    class Meta:
        verbose_name = _("resident tag")
        verbose_name_plural = _("resident tags")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class ResidentQuerySet(ScopedQuerySet):
    node_path = "household__building"


class Resident(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="residents"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mainland_mobile])
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    tags = models.ManyToManyField(ResidentTag, verbose_name=_("tags"), blank=True)
    unit_head = models.BooleanField(_("unit head (单元长)"), default=False)
    # Pinyin initials of the name (张建国 → zjg), for the grid worker's phone search.
    name_initials = models.CharField(max_length=50, blank=True, db_index=True, editable=False)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A derived search key, kept in step with the name on every save.
        self.name_initials = name_initials(self.name)
        if kwargs.get("update_fields") and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_initials"}
        super().save(*args, **kwargs)


def name_initials(name):
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER)).lower()[:50]


class CareRecordQuerySet(ScopedQuerySet):
    node_path = "resident__household__building"


class CareRecord(models.Model):
    """困难群众台账, 一人一策: a vulnerable resident's needs, the plan, the responsible helper
    and how often they are visited."""

    resident = models.OneToOneField(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="care_record"
    )
    needs = models.TextField(_("needs"))
    plan = models.TextField(_("plan (一人一策)"))
    helper = models.ForeignKey(
        User,
        verbose_name=_("responsible helper"),
        on_delete=models.PROTECT,
        related_name="care_records",
    )
    visit_every_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    last_visit_at = models.DateTimeField(_("last visited"), null=True, blank=True)
    next_visit_due = models.DateTimeField(_("next visit due"), db_index=True)
    # The due time already reminded / flagged overdue: each happens once per due time.
    reminded_for = models.DateTimeField(null=True, blank=True)
    flagged_for = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = CareRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("care record")
        verbose_name_plural = _("care ledger")

    def __str__(self):
        return str(self.resident)


class VisitQuerySet(ScopedQuerySet):
    node_path = "household__building"


def visit_photo_path(visit, filename):
    from governance.public import random_token

    return f"visits/{random_token(24)}.{filename.rsplit('.', 1)[-1].lower()}"


class Visit(models.Model):
    """走访: a grid worker at a household's door."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="visits"
    )
    worker = models.ForeignKey(
        User, verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="visits"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    seen = models.TextField(_("what was seen"))
    needs = models.TextField(_("needs"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=visit_photo_path, blank=True)
    whistle = models.ForeignKey(
        "services.Whistle",
        verbose_name=_("whistle raised"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.household} {self.at:%Y-%m-%d}"
