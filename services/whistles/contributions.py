"""What whistles add to the composite pages: the command center's figures, columns, trend
and longest overdue; my work's whistles and call-backs."""

from datetime import timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import Count, DateField, Q
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.composite.my_work import WorkSection
from governance.composite.my_work import sections as work_sections
from governance.formatting import DURATION, RATE
from governance.party import service_card
from governance.permissions import Perm
from governance.scope import subtree_q
from services.whistles import figures
from services.whistles.models import IN_HANDLING, CallBack, MemberCall, Whistle, overdue_q
from services.whistles.selectors import with_due


def _monday(moment):
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def _every_week(period, found):
    """The weekly rows with the empty weeks of the period filled in, so the chart and table
    show a gap as a gap (the database returns only weeks that have whistles)."""
    monday, weeks = _monday(period.start), []
    while monday <= timezone.localtime(period.end).date():
        weeks.append(found.get(monday) or {"week": monday, "received": 0, "resolved": 0})
        monday += timedelta(days=7)
    return weeks


def worst_overdue(whistles, now, limit=10):
    """The ten longest overdue open whistles, the longest first."""
    return list(_worst_first(whistles.overdue(now))[:limit])


def _worst_first(whistles):
    return (
        whistles.select_related("category", "community", "building")
        .annotate_running_due()
        .order_by("running_due", "pk")
    )


def _overdue_ids(now):
    """PostgreSQL: the ids of the overdue whistles in worst_overdue's order, gathered by the
    figures' pass (which reads every whistle of the node anyway) rather than a pass of its
    own; the page then reads the first ten by key."""
    return ArrayAgg("pk", filter=overdue_q(now), order_by=("running_due", "pk"), default=[])


def _trend(period, whistles):
    """The weekly counts and the counts by category of the whistles received in the period,
    summed from one pass grouped by both. Weeks come as local dates (Monday), cast by the
    database, so no row needs a conversion in Python.

    The pass is bounded by the weeks the period touches, a bound on the week expression that
    no index serves; the counts keep to the period exactly. A bound on created_at itself
    tempts a planner without statistics to intersect the created_at index with the node's,
    for each node of the subtree: seconds for a street."""
    in_period = _in_period(period)
    weekly, by_category = {}, {}
    for row in (
        whistles.annotate(week=Cast(TruncWeek("created_at", output_field=DateField()), DateField()))
        .filter(week__gte=_monday(period.start), week__lte=_monday(period.end))
        .values("week", "category__name")
        .annotate(
            n=Count("pk", filter=in_period),
            resolved=Count("pk", filter=in_period & Q(resolved_at__isnull=False)),
        )
        .order_by()
    ):
        if not row["n"]:  # only whistles of the period's first week from before it
            continue
        week = weekly.setdefault(row["week"], {"week": row["week"], "received": 0, "resolved": 0})
        week["received"] += row["n"]
        week["resolved"] += row["resolved"]
        by_category[row["category__name"]] = by_category.get(row["category__name"], 0) + row["n"]
    return {
        "by_category": [
            {"category__name": name, "n": n}
            for name, n in sorted(by_category.items(), key=lambda item: (-item[1], item[0]))
        ],
        "weekly": _every_week(period, weekly),
    }


def node_figures(node, period):
    whistles = Whistle.objects.filter(subtree_q(node, "node"))
    gather = connections[whistles.db].vendor == "postgresql"
    counted, extra = figures.figures_and(
        whistles.annotate_running_due(),
        start=period.start,
        end=period.end,
        now=period.end,
        also={"overdue_ids": _overdue_ids(period.end)} if gather else None,
    )
    if gather:
        worst = list(_worst_first(Whistle.objects.filter(pk__in=extra["overdue_ids"][:10])))
    else:
        worst = worst_overdue(whistles, period.end)
    return {"whistles": counted, **_trend(period, whistles), "worst_overdue": worst}


def _whistles(read):
    return lambda data: read(data["whistles"])


cc.period_figures.register(
    cc.PeriodFigures(
        compute=node_figures,
        shown=(
            cc.Figure(_("Received"), _whistles(lambda w: w.received)),
            cc.Figure(
                _("Response rate"),
                _whistles(lambda w: w.response_rate),
                RATE,
            ),
            cc.Figure(
                _("Resolution rate"),
                _whistles(lambda w: w.resolution_rate),
                RATE,
            ),
            cc.Figure(
                _("Satisfaction rate"),
                _whistles(lambda w: w.satisfaction_rate),
                RATE,
            ),
            cc.Figure(_("Overdue now"), _whistles(lambda w: w.overdue_now)),
            cc.Figure(
                _("Median time to resolve"),
                _whistles(lambda w: w.median_time_to_resolve),
                DURATION,
            ),
        ),
        order=10,
    )
)


def _in_period(period):
    return Q(created_at__gte=period.start, created_at__lt=period.end)


def child_rows(period):
    """Every whistle: the columns' filters pick those received in the period or overdue now.
    The database reads each of the node's whistles anyway (by node, then the row); a WHERE on
    the period or the deadlines tempts a planner without statistics to intersect their indexes
    with the node's for each node of the subtree, which takes seconds for a street."""
    return Whistle.objects.all()


def child_aggregates(period):
    in_period = _in_period(period)
    return {
        "received": Count("pk", filter=in_period),
        **{
            name: Count("pk", filter=in_period & q)
            for name, q in figures.rate_conditions(period.end).items()
            if name != "rejected"
        },
        "overdue_now": Count("pk", filter=overdue_q(period.end)),
    }


def child_values(child):
    return {
        "received": child["received"],
        "response_rate": figures.share(child["responded_on_time"], child["response_due"]),
        "resolution_rate": figures.share(child["resolved_first_time"], child["resolution_due"]),
        "satisfaction_rate": figures.share(child["satisfied"], child["rated"]),
        "overdue_now": child["overdue_now"],
    }


cc.child_columns.register(
    cc.ChildColumns(
        columns=(
            cc.Column("received", _("Received"), chart="bar"),
            cc.Column("response_rate", _("Response rate"), RATE),
            cc.Column("resolution_rate", _("Resolution rate"), RATE),
            cc.Column("satisfaction_rate", _("Satisfaction rate"), RATE),
            cc.Column("overdue_now", _("Overdue now"), chart="bar"),
        ),
        rows=child_rows,
        aggregates=child_aggregates,
        values=child_values,
        direct_columns=("received", "overdue_now"),
        order=10,
    )
)


def trend_charts(data):
    return {
        "weekly": [
            {
                "week": r["week"].isoformat()[:10],
                "received": r["received"],
                "resolved": r["resolved"],
            }
            for r in data["weekly"]
        ],
        "categories": [{"name": r["category__name"], "value": r["n"]} for r in data["by_category"]],
        "labels": {"received": str(_("Received")), "resolved": str(_("Resolved"))},
    }


cc.sections.register(cc.Section("services/_command_trend.html", order=10, charts=trend_charts))
cc.sections.register(cc.Section("services/_command_overdue.html", order=10, below_table=True))


# --- My work


def my_whistles(user, now):
    if not user.has_perm(Perm.VIEW_WHISTLE):
        return None
    # Only what a row shows: every join more costs the planner and the database per row.
    whistles = with_due(
        Whistle.objects.visible_to(user).open().select_related("category", "community", "building"),
        now,
    )
    if user.has_perm(Perm.HANDLE_WHISTLE):
        whistles = whistles.filter(status__in=IN_HANDLING)
    return {"whistles": whistles.order_by("overdue_first", "running_due", "pk")[:50]}


def callbacks_due(user, now):
    if not user.has_perm(Perm.VIEW_WHISTLE):
        return None
    return {
        "callbacks": (
            CallBack.objects.visible_to(user)
            .filter(done_at__isnull=True, due_at__lte=now)
            .select_related("whistle__category")
            .order_by("due_at")[:50]
        )
    }


work_sections.register(WorkSection("services/_work_whistles.html", my_whistles, order=30))
work_sections.register(WorkSection("services/_work_callbacks.html", callbacks_due, order=50))


# --- The party member's service card: grid calls they answered first (网格呼叫、党员先到).


def _answered(users, year):
    return MemberCall.objects.filter(answered_by__user_id__in=users, answered_at__year=year)


def card_entries(member_of_user, year):
    answered = _answered(member_of_user, year).values_list(
        "answered_by__user_id", "answered_at", "whistle__tracking_code", "whistle__description"
    )
    for user_id, answered_at, code, description in answered:
        yield service_card.Entry(
            member_of_user[user_id],
            timezone.localdate(answered_at),
            _("Grid call answered"),
            f"{code} {Truncator(description).chars(40)}",
        )


service_card.sources.register(
    service_card.Source(
        "grid calls",
        card_entries,
        count=lambda users, year: _answered(users, year).count(),
        order=30,
    )
)
