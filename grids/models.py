"""Grids and the registers behind them: grid profiles and their workers, building profiles,
households and residents. Ordinary households are not tree nodes: they hang off their
building's node (a street has tens of thousands)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mainland_mobile])
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    tags = models.ManyToManyField(ResidentTag, verbose_name=_("tags"), blank=True)
    unit_head = models.BooleanField(_("unit head (单元长)"), default=False)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "pk"]

    def __str__(self):
        return self.name
