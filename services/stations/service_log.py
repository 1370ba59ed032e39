"""What happens at a station: amenity status set from a phone, and the service log."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.scope import in_scope
from services.stations.models import ServiceLog, StationAmenity


def set_amenity(*, station, amenity, available, actor):
    """Say whether an amenity the station offers is available now (from a phone at the
    station). What it offers is kept in the admin; a toggle never adds an amenity."""
    if not in_scope(actor, station.node):
        raise PermissionDenied(_("This station is not in your area."))
    offered = StationAmenity.objects.filter(station=station, amenity=amenity)
    if not offered.update(available=available):
        raise ValidationError(
            _("%(amenity)s is not offered at this station: add it on the station's admin page.")
            % {"amenity": amenity.name}
        )
    return offered.get()


def log_service(*, station, kind, count, actor, on=None, note=""):
    if not in_scope(actor, station.node):
        raise PermissionDenied(_("This station is not in your area."))
    with transaction.atomic():
        return ServiceLog.objects.create(
            station=station,
            kind=kind,
            count=count,
            date=on or timezone.localdate(),
            note=note,
            recorded_by=actor,
        )


def monthly_totals(logs, *, since: date):
    """Service counts per month and station (and kind), one grouped query."""
    return list(
        logs.filter(date__gte=since)
        .annotate(month=TruncMonth("date"))
        .values("month", "station_id", "station__name", "kind__name")
        .annotate(total=Sum("count"))
        .order_by("-month", "station__name", "kind__name")
    )


def node_monthly_totals(logs, *, since: date):
    """Service counts per month for the whole set (a node's subtree): for the dashboard."""
    return list(
        logs.filter(date__gte=since)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum("count"))
        .order_by("-month")
    )
