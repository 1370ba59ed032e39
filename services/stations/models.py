"""Service stations (党群服务站, 红蜂驿站, 佳家驿站, elderly-care stations, canteens, 红色驿站):
their hours, amenities and the services they log."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import NodeKind, OrgNode, User
from governance.scope import ScopedQuerySet

EARTH_RADIUS_M = 6_371_000
latitude_range = [MinValueValidator(-90), MaxValueValidator(90)]
longitude_range = [MinValueValidator(-180), MaxValueValidator(180)]


def distance_m(lat, lng, lat_field="latitude", lng_field="longitude"):
    """Great-circle (haversine) distance in metres from (lat, lng) to the row's coordinates,
    computed by the database. `lat`/`lng` may be numbers or OuterRef()s (every step names
    its output type, which an OuterRef cannot tell)."""
    real = FloatField()

    def radians(value):
        return Radians(value, output_field=real)

    half_dlat = ExpressionWrapper(radians(F(lat_field) - lat) / 2, output_field=real)
    half_dlng = ExpressionWrapper(radians(F(lng_field) - lng) / 2, output_field=real)
    a = ExpressionWrapper(
        Power(Sin(half_dlat, output_field=real), 2)
        + Cos(radians(lat), output_field=real)
        * Cos(radians(F(lat_field)), output_field=real)
        * Power(Sin(half_dlng, output_field=real), 2),
        output_field=real,
    )
    return ExpressionWrapper(
        2 * EARTH_RADIUS_M * ASin(Sqrt(a, output_field=real)), output_field=real
    )


class Named(models.Model):
    """A short managed list cadres extend in the admin."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["ordering", "pk"]

    def __str__(self):
        return self.name


class StationKind(Named):
    class Meta(Named.Meta):
        verbose_name = _("station kind")
        verbose_name_plural = _("station kinds")


class Amenity(Named):
    class Meta(Named.Meta):
        verbose_name = _("amenity")
        verbose_name_plural = _("amenities")


class ServiceKind(Named):
    class Meta(Named.Meta):
        verbose_name = _("kind of service")
        verbose_name_plural = _("kinds of service")


class StationQuerySet(ScopedQuerySet):
    node_path = "node"

    def with_distance(self, lat, lng):
        return self.annotate(distance=distance_m(lat, lng))

    def open_at(self, moment):
        """Stations open at `moment`: today's exception if there is one, else today's weekly
        hours, or last night's hours running past midnight."""
        moment = timezone.localtime(moment)
        today, now = moment.date(), moment.time()
        yesterday = today - timedelta(days=1)

        def running(rows, *, started_today):
            if started_today:  # opened today and not closed yet (or closes after midnight)
                return rows.filter(Q(closes__gt=now) | Q(closes_next_day=True), opens__lte=now)
            return rows.filter(closes_next_day=True, closes__gt=now)  # yesterday's, past midnight

        exceptions = OpeningException.objects.filter(station=OuterRef("pk"))
        weekly = OpeningHours.objects.filter(station=OuterRef("pk"))
        special_today = exceptions.filter(date=today)
        special_yesterday = exceptions.filter(date=yesterday)
        return self.filter(
            Exists(running(special_today.filter(closed=False), started_today=True))
            | (
                ~Exists(special_today)
                & Exists(running(weekly.filter(weekday=today.weekday()), started_today=True))
            )
            | (
                ~Exists(special_today.filter(closed=True))  # a closed day closes its early hours
                & Exists(running(special_yesterday.filter(closed=False), started_today=False))
            )
            | (
                ~Exists(special_today.filter(closed=True))
                & ~Exists(special_yesterday)
                & Exists(running(weekly.filter(weekday=yesterday.weekday()), started_today=False))
            )
        )


class Station(models.Model):
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Use letters, digits and hyphens."))],
        help_text=_("Printed on the poster; reports made from it carry this code."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.ForeignKey(StationKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    node = models.ForeignKey(
        OrgNode,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="stations",
        limit_choices_to={"kind__lte": NodeKind.GRID},
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(_("latitude"), validators=latitude_range)
    longitude = models.FloatField(_("longitude"), validators=longitude_range)
    services = models.TextField(_("services offered"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    photo = models.ImageField(_("photo"), upload_to="stations/", blank=True)
    active = models.BooleanField(_("in service"), default=True)
    amenities = models.ManyToManyField(
        Amenity, through="StationAmenity", blank=True, verbose_name=_("amenities")
    )

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["node__tree_id", "node__lft", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="station_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="station_longitude_range"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def community(self):
        """The community a poster's forms are pre-filled with (None for a street station)."""
        node = self.node
        if node.kind == NodeKind.COMMUNITY:
            return node
        if node.kind > NodeKind.COMMUNITY:
            return node.get_ancestors().filter(kind=NodeKind.COMMUNITY).first()
        return None


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HoursFields(models.Model):
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    closes_next_day = models.BooleanField(
        _("closes after midnight"),
        default=False,
        help_text=_("For overnight hours, e.g. 18:00 to 06:00 the next morning."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.opens is None or self.closes is None:
            return
        if self.closes_next_day and self.closes > self.opens:
            raise ValidationError(
                {
                    "closes_next_day": _(
                        "These hours end the same day: untick “closes after midnight”."
                    )
                }
            )
        if not self.closes_next_day and self.closes <= self.opens:
            raise ValidationError(
                {
                    "closes": _(
                        "Closing time must be after opening time; for overnight hours tick "
                        "“closes after midnight”."
                    )
                }
            )


class OpeningHours(HoursFields):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens"), closes_next_day=False)
                | Q(closes__lte=F("opens"), closes_next_day=True),
                name="hours_close_after_open",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class OpeningException(HoursFields):
    """A holiday or closure: on `date` the station is closed, or open only these hours."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=False)
    note = models.CharField(_("note"), max_length=100, blank=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening exception")
        verbose_name_plural = _("holidays and closures")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="one_exception_a_day"),
            models.CheckConstraint(
                condition=Q(closed=True) | Q(opens__isnull=False, closes__isnull=False),
                name="exception_closed_or_hours",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.note}"

    def clean(self):
        if not self.closed and (self.opens is None or self.closes is None):
            raise ValidationError(_("Either tick “closed all day” or give the hours."))
        if not self.closed:
            super().clean()


class StationAmenity(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="amenity_states")
    amenity = models.ForeignKey(Amenity, verbose_name=_("amenity"), on_delete=models.PROTECT)
    available = models.BooleanField(_("available now"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("amenity of the station")
        verbose_name_plural = _("amenities of the station")
        constraints = [
            models.UniqueConstraint(fields=["station", "amenity"], name="one_state_per_amenity")
        ]

    def __str__(self):
        return f"{self.station} {self.amenity}"


class ServiceLogQuerySet(ScopedQuerySet):
    node_path = "station__node"


class ServiceLog(models.Model):
    """Services a station gave: 12 blood-pressure checks, 30 rider rest visits…"""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="service_logs"
    )
    kind = models.ForeignKey(ServiceKind, verbose_name=_("service"), on_delete=models.PROTECT)
    count = models.PositiveIntegerField(_("count"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ServiceLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("service log entry")
        verbose_name_plural = _("service log")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="service_count_positive")
        ]

    def __str__(self):
        return f"{self.station} {self.kind} ×{self.count}"
