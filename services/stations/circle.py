"""Service stations and the 15-minute service circle (15分钟党群服务圈): finding stations near
a resident and the coverage of a community's buildings."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from governance.models import NodeKind, OrgNode
from governance.scope import subtree_q
from services.stations.models import Station, Weekday, distance_m

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
