"""The command center (指挥中心): figures for any node of the tree and its children, from a
fixed number of aggregate queries over tree ranges, whatever the number of rows."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from governance.models import NodeKind, OrgNode, User
from governance.scope import subtree_q
from grids.models import CareRecord, Household
from services import figures, wishes
from services.models import (
    AWAITING_DISPATCH,
    IN_HANDLING,
    LIT_STATUSES,
    Station,
    Whistle,
    Wish,
)
from volunteers.models import ServiceHours, Team, VolunteerProfile

PERIODS = {"30": 30, "90": 90, "365": 365}


@dataclass(frozen=True)
class Period:
    start: object
    end: object
    days: int

    @classmethod
    def last(cls, days, now=None):
        end = timezone.localtime(now or timezone.now())
        return cls(start=end - timedelta(days=days), end=end, days=days)


def headcounts(node):
    in_subtree = subtree_q(node, "node")
    party_members = User.objects.filter(in_subtree, is_active=True, is_party_member=True).count()
    # The volunteer register, not the volunteer role: cadres and party members serve too.
    volunteers = VolunteerProfile.objects.filter(
        subtree_q(node, "community"), user__is_active=True
    ).count()
    party_households = OrgNode.objects.filter(subtree_q(node), kind=NodeKind.HOUSEHOLD).count()
    households = Household.objects.filter(subtree_q(node, "building")).count()
    care_residents = CareRecord.objects.filter(
        subtree_q(node, "resident__household__building"), active=True
    ).count()
    teams = Team.objects.filter(in_subtree).count()
    stations = Station.objects.filter(in_subtree, active=True).count()
    return {
        "party_members": party_members,
        "volunteers": volunteers,
        "teams": teams,
        "party_households": party_households,
        "households": households,
        "care_residents": care_residents,
        "stations": stations,
    }


HOURS = DecimalField(max_digits=12, decimal_places=2)


def served_in(period):
    """Hours that count (approved) of activities that started in the period: an activity's
    hours belong to the period it took place in, however late they were approved."""
    return ServiceHours.objects.counted().filter(
        activity__starts_at__gte=period.start, activity__starts_at__lt=period.end
    )


def service_aggregates():
    """Volunteer hours and the distinct volunteers who gave them, for the page's figures, the
    child table's columns and the row for the node itself alike."""
    return {
        "volunteer_hours": Sum("hours", default=Decimal("0"), output_field=HOURS),
        "active_volunteers": Count("volunteer", distinct=True),
    }


def node_figures(node, period):
    """Everything the page shows for one node (not its children)."""
    whistles = Whistle.objects.filter(subtree_q(node, "node"))
    received = whistles.filter(created_at__gte=period.start, created_at__lt=period.end)
    wish_rows = Wish.objects.filter(subtree_q(node, "node"))
    return {
        "headcounts": headcounts(node),
        "whistles": figures.whistle_figures(
            whistles, start=period.start, end=period.end, now=period.end
        ),
        "by_category": list(
            received.values("category__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "category__name")
        ),
        "weekly": _every_week(
            period,
            received.annotate(week=TruncWeek("created_at"))
            .values("week")
            .annotate(
                received=Count("pk"), resolved=Count("pk", filter=Q(resolved_at__isnull=False))
            )
            .order_by("week"),
        ),
        "worst_overdue": worst_overdue(whistles, period.end),
        "wishes_posted": wish_rows.filter(
            created_at__gte=period.start, created_at__lt=period.end
        ).count(),
        "wishes_lit": wish_rows.filter(
            status__in=LIT_STATUSES, confirmed_at__gte=period.start, confirmed_at__lt=period.end
        ).count(),
        "wishes_lit_this_year": wishes.lit_this_year(wish_rows, now=period.end),
        **served_in(period)
        .filter(subtree_q(node, "activity__node"))
        .aggregate(**service_aggregates()),
    }


def _every_week(period, rows):
    """The weekly rows with the empty weeks of the period filled in, so the chart and table
    show a gap as a gap (the database returns only weeks that have whistles)."""
    found = {timezone.localtime(row["week"]).date(): row for row in rows}
    start = timezone.localtime(period.start).date()
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= timezone.localtime(period.end).date():
        weeks.append(found.get(monday) or {"week": monday, "received": 0, "resolved": 0})
        monday += timedelta(days=7)
    return weeks


def worst_overdue(whistles, now, limit=10):
    """The ten longest overdue open whistles, the longest first."""
    return list(
        whistles.overdue(now)
        .select_related("category", "community", "building")
        .annotate_running_due()
        .order_by("running_due", "pk")[:limit]
    )


def _under(rows, child_filter=None, *, node_path="node", value=None):
    """A subquery aggregating `rows` placed under the outer child node (its tree range, reached
    through `node_path`): a count unless `value` says otherwise; 0 when there are none."""
    value = value if value is not None else Count("pk")
    output_field = value.output_field
    under = (
        rows.filter(
            **{
                f"{node_path}__tree_id": OuterRef("tree_id"),
                f"{node_path}__lft__gte": OuterRef("lft"),
                f"{node_path}__lft__lte": OuterRef("rght"),
            }
        )
        .filter(child_filter or Q())
        .order_by()
        # One group: the rows all share the child's tree_id.
        .values(f"{node_path}__tree_id")
        .annotate(n=value)
        .values("n")
    )
    return Coalesce(Subquery(under, output_field=output_field), Value(0), output_field=output_field)


def children_table(node, period):
    """The node's children, each with the figures the drill-down table compares: one query."""
    in_period = Q(created_at__gte=period.start, created_at__lt=period.end)
    now = period.end
    overdue = Q(status__in=AWAITING_DISPATCH, dispatch_due__lt=now) | Q(
        status__in=IN_HANDLING, resolve_due__lt=now
    )
    parts = figures.rate_conditions(now)
    rows = (
        OrgNode.objects.filter(parent=node)
        .order_by("lft")
        .annotate(
            received=_under(Whistle.objects, in_period),
            **{
                name: _under(Whistle.objects, in_period & q)
                for name, q in parts.items()
                if name != "rejected"
            },
            overdue_now=_under(Whistle.objects, overdue),
            wishes_posted=_under(Wish.objects, in_period),
            wishes_lit=_under(
                Wish.objects,
                Q(
                    status__in=LIT_STATUSES,
                    confirmed_at__gte=period.start,
                    confirmed_at__lt=period.end,
                ),
            ),
            station_count=_under(Station.objects, Q(active=True)),
            **{
                name: _under(served_in(period), node_path="activity__node", value=value)
                for name, value in service_aggregates().items()
            },
        )
    )
    return [
        {
            "node": row,
            "received": row.received,
            "response_rate": figures.share(row.responded_on_time, row.response_due),
            "resolution_rate": figures.share(row.resolved_first_time, row.resolution_due),
            "satisfaction_rate": figures.share(row.satisfied, row.rated),
            "overdue_now": row.overdue_now,
            "wishes_posted": row.wishes_posted,
            "wishes_lit": row.wishes_lit,
            "stations": row.station_count,
            "volunteer_hours": row.volunteer_hours,
            "active_volunteers": row.active_volunteers,
        }
        for row in rows
    ]


def placed_directly(node, period):
    """Whistles placed on the node itself rather than under a child (e.g. an address in the
    community with no building) and hours of its own activities (a street's team): the part
    of the node's figures no child row holds."""
    here = Whistle.objects.filter(node=node)
    return {
        "received": here.filter(created_at__gte=period.start, created_at__lt=period.end).count(),
        "overdue_now": here.overdue(period.end).count(),
        **served_in(period).filter(activity__node=node).aggregate(**service_aggregates()),
    }


SORTABLE = (
    "received",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "overdue_now",
    "wishes_posted",
    "wishes_lit",
    "stations",
    "volunteer_hours",
    "active_volunteers",
)


def sort_table(table, key):
    """Sort the child table by a column; missing rates (nothing to divide) go last."""
    if key.lstrip("-") not in SORTABLE:
        return table
    descending = key.startswith("-")
    column = key.lstrip("-")
    present = [r for r in table if r[column] is not None]
    missing = [r for r in table if r[column] is None]
    return sorted(present, key=lambda r: r[column], reverse=descending) + missing
