"""The command center (指挥中心): figures for any node of the tree and its children, from a
fixed number of aggregate queries over tree ranges, whatever the number of rows."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from governance.models import NodeKind, OrgNode, Role, User
from governance.scope import subtree_q
from grids.models import Household
from services import figures, wishes
from services.models import (
    AWAITING_DISPATCH,
    IN_HANDLING,
    LIT_STATUSES,
    Station,
    Whistle,
    Wish,
)

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
    people = User.objects.filter(in_subtree, is_active=True).aggregate(
        party_members=Count("pk", filter=Q(is_party_member=True)),
        volunteers=Count("pk", filter=Q(role=Role.VOLUNTEER)),
    )
    party_households = OrgNode.objects.filter(subtree_q(node), kind=NodeKind.HOUSEHOLD).count()
    households = Household.objects.filter(subtree_q(node, "building")).count()
    stations = Station.objects.filter(in_subtree, active=True).count()
    return {
        **people,
        "party_households": party_households,
        "households": households,
        "stations": stations,
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


def _count_under(model, child_filter, **extra):
    """A subquery counting `model` rows placed under the outer child node (tree range)."""
    rows = (
        model.objects.filter(
            node__tree_id=OuterRef("tree_id"),
            node__lft__gte=OuterRef("lft"),
            node__lft__lte=OuterRef("rght"),
        )
        .filter(child_filter, **extra)
        .order_by()
        .values("node__tree_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


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
            received=_count_under(Whistle, in_period),
            **{
                name: _count_under(Whistle, in_period & q)
                for name, q in parts.items()
                if name != "rejected"
            },
            overdue_now=_count_under(Whistle, overdue),
            wishes_posted=_count_under(Wish, in_period),
            wishes_lit=_count_under(
                Wish,
                Q(
                    status__in=LIT_STATUSES,
                    confirmed_at__gte=period.start,
                    confirmed_at__lt=period.end,
                ),
            ),
            station_count=_count_under(Station, Q(active=True)),
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
        }
        for row in rows
    ]


def placed_directly(node, period):
    """Whistles placed on the node itself rather than under a child (e.g. an address in the
    community with no building): the part of the node's figures no child row holds."""
    here = Whistle.objects.filter(node=node)
    return {
        "received": here.filter(created_at__gte=period.start, created_at__lt=period.end).count(),
        "overdue_now": here.overdue(period.end).count(),
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
