"""Service stations and the 15-minute service circle (15分钟党群服务圈): finding stations near
a resident and the coverage of a community's buildings."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from governance.choices_cache import CachedChoices
from governance.models import NodeKind, OrgNode
from governance.scope import subtree_q
from services.stations.models import (
    EARTH_RADIUS_M,
    OpeningException,
    OpeningHours,
    Station,
    StationAmenity,
    StationKind,
    Weekday,
    distance_m,
)

CIRCLE_RADIUS_M = 1000  # a 15-minute walk, as the crow flies


def nearby(*, lat, lng, amenity=None, kind=None, open_now=False, now=None):
    """Active stations ordered by distance from (lat, lng), measured by the database."""
    stations = Station.objects.filter(active=True).select_related("kind")
    if amenity is not None:
        stations = stations.filter(amenity_states__amenity=amenity, amenity_states__available=True)
    if kind is not None:
        stations = stations.filter(kind=kind)
    now = now or timezone.now()
    if open_now:
        stations = stations.open_at(now)
    is_open = Exists(Station.objects.filter(pk=OuterRef("pk")).open_at(now))
    return stations.with_distance(lat, lng).annotate(is_open=is_open).order_by("distance", "pk")


# --- The public finder: the district's few active stations with their hours, from the
# shared cache (dropped when a station, its hours, exceptions or amenities change), measured
# and checked for "open now" here instead of a query that takes longer to build than to run.


@dataclass(frozen=True)
class Listed:
    """An active station as the finder lists it."""

    pk: int
    name: str
    kind_id: int
    kind: str
    address: str
    latitude: float
    longitude: float
    hours: dict  # weekday -> [(opens, closes, closes_next_day)]
    exceptions: dict  # date -> (closed, opens, closes, closes_next_day), around the day it was read
    available: frozenset  # amenity ids available now


def _directory(today=None):
    today = today or timezone.localdate()
    hours, exceptions, available = {}, {}, {}
    for row in OpeningHours.objects.filter(station__active=True).values_list(
        "station_id", "weekday", "opens", "closes", "closes_next_day"
    ):
        hours.setdefault(row[0], {}).setdefault(row[1], []).append(row[2:])
    # The day before and after the day it is read: "now" is within them for as long as the
    # list is kept (nearby_listed reads it afresh otherwise).
    for row in OpeningException.objects.filter(
        station__active=True, date__range=(today - timedelta(days=1), today + timedelta(days=1))
    ).values_list("station_id", "date", "closed", "opens", "closes", "closes_next_day"):
        exceptions.setdefault(row[0], {})[row[1]] = row[2:]
    for station_id, amenity_id in StationAmenity.objects.filter(
        station__active=True, available=True
    ).values_list("station_id", "amenity_id"):
        available.setdefault(station_id, set()).add(amenity_id)
    return today, [
        Listed(
            pk=s.pk,
            name=s.name,
            kind_id=s.kind_id,
            kind=s.kind.name,
            address=s.address,
            latitude=s.latitude,
            longitude=s.longitude,
            hours=hours.get(s.pk, {}),
            exceptions=exceptions.get(s.pk, {}),
            available=frozenset(available.get(s.pk, ())),
        )
        for s in Station.objects.filter(active=True).select_related("kind").order_by("pk")
    ]


directory = CachedChoices(
    "station-directory",
    _directory,
    [Station, OpeningHours, OpeningException, StationAmenity, StationKind],
)


def is_open(station, moment):
    """Station.objects.open_at(moment) for one listed station, rule for rule."""
    moment = timezone.localtime(moment)
    today, now = moment.date(), moment.time()
    yesterday = today - timedelta(days=1)

    def running(opens, closes, next_day, *, started_today):
        if started_today:
            return opens <= now and (closes > now or next_day)
        return next_day and closes > now

    special_today = station.exceptions.get(today)
    special_yesterday = station.exceptions.get(yesterday)
    if special_today is not None:
        closed, *hours = special_today
        if not closed and running(*hours, started_today=True):
            return True
    elif any(running(*h, started_today=True) for h in station.hours.get(today.weekday(), ())):
        return True
    if special_today is not None and special_today[0]:
        return False  # a closed day closes last night's early hours too
    if special_yesterday is not None:
        closed, *hours = special_yesterday
        return not closed and running(*hours, started_today=False)
    return any(running(*h, started_today=False) for h in station.hours.get(yesterday.weekday(), ()))


def distance_between(lat, lng, station):
    """distance_m's haversine, in Python."""
    half_dlat = math.radians(station.latitude - lat) / 2
    half_dlng = math.radians(station.longitude - lng) / 2
    a = (
        math.sin(half_dlat) ** 2
        + math.cos(math.radians(lat))
        * math.cos(math.radians(station.latitude))
        * math.sin(half_dlng) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Found:
    pk: int
    name: str
    kind: str
    address: str
    distance: float
    is_open: bool

    @property
    def url(self):
        return page_url(self.pk)


_page_urls = {}


def page_url(pk):
    """A station page's address, worked out once per process (the finder lists every one)."""
    url = _page_urls.get(pk)
    if url is None:
        url = _page_urls[pk] = reverse("station-page", args=[pk])
    return url


def nearby_listed(*, lat, lng, amenity=None, kind=None, open_now=False, now=None, limit=30):
    """What nearby() finds, from the cached directory: active stations nearest first."""
    now = now or timezone.now()
    read_on, stations = directory.get()
    day = timezone.localdate(now)
    if not timedelta(0) <= day - read_on <= timedelta(days=1):
        _read_on, stations = _directory(day)  # the kept list's exceptions do not cover `day`
    found = []
    for station in stations:
        if amenity is not None and amenity.pk not in station.available:
            continue
        if kind is not None and station.kind_id != kind.pk:
            continue
        open_ = is_open(station, now)
        if open_now and not open_:
            continue
        found.append(
            Found(
                pk=station.pk,
                name=station.name,
                kind=station.kind,
                address=station.address,
                distance=distance_between(lat, lng, station),
                is_open=open_,
            )
        )
    found.sort(key=lambda f: (f.distance, f.pk))
    return found[:limit]


def week_hours(station):
    """Monday to Sunday, each with its opening hours or none (closed that day)."""
    by_day = {}
    for hours in station.hours.all():
        by_day.setdefault(hours.weekday, []).append(hours)
    return [(day, by_day.get(day.value, [])) for day in Weekday]


def covered_buildings():
    """Buildings annotated with whether an active station stands within CIRCLE_RADIUS_M."""
    near = (
        Station.objects.filter(active=True)
        .annotate(d=distance_m(OuterRef("latitude"), OuterRef("longitude")))
        .filter(d__lte=CIRCLE_RADIUS_M)
    )
    return OrgNode.objects.filter(
        kind=NodeKind.BUILDING, latitude__isnull=False, longitude__isnull=False
    ).annotate(covered=Exists(near))


def coverage(scope_node):
    """Per community under `scope_node`: buildings with coordinates, those covered, share."""
    rows = (
        covered_buildings()
        .filter(subtree_q(scope_node))
        .values("parent__parent_id")
        .annotate(total=Count("pk"), covered_count=Count("pk", filter=Q(covered=True)))
    )
    counts = {r["parent__parent_id"]: r for r in rows}
    communities = OrgNode.objects.filter(subtree_q(scope_node), kind=NodeKind.COMMUNITY)
    result = []
    for community in communities.order_by("lft"):
        row = counts.get(community.pk, {"total": 0, "covered_count": 0})
        result.append(
            {
                "community": community,
                "total": row["total"],
                "covered": row["covered_count"],
                "share": row["covered_count"] / row["total"] if row["total"] else None,
            }
        )
    return result


def uncovered(community):
    return (
        covered_buildings()
        .filter(subtree_q(community), covered=False)
        .select_related("parent")
        .order_by("lft")
    )
