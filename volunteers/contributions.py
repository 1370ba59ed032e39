"""What volunteer service adds: volunteers and teams, hours approved and active volunteers in
the command center; the points a fulfilled micro-wish earns."""

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import rewards
from governance.composite import command_center as cc
from governance.formatting import HOURS
from governance.party import service_card
from governance.scope import subtree_q
from volunteers.ledger import award_points
from volunteers.models import HoursStatus, ServiceHours, Team, VolunteerProfile

HOURS_FIELD = DecimalField(max_digits=12, decimal_places=2)

rewards.awarders.register(rewards.Awarder(award_points, order=10))


def volunteers(node):
    # The volunteer register, not the volunteer role: cadres and party members serve too.
    return VolunteerProfile.objects.filter(
        subtree_q(node, "community"), user__is_active=True
    ).count()


def teams(node):
    return Team.objects.filter(subtree_q(node, "node")).count()


cc.headcounts.register(cc.Headcount("volunteers", _("Volunteers"), volunteers, order=50))
cc.headcounts.register(cc.Headcount("teams", _("Volunteer teams"), teams, order=60))


def served_in(period):
    """Hours that count (approved) of activities that started in the period: an activity's
    hours belong to the period it took place in, however late they were approved."""
    return Q(activity__starts_at__gte=period.start, activity__starts_at__lt=period.end)


def service_aggregates(period):
    """Volunteer hours and the distinct volunteers who gave them, for the page's figures, the
    child table's columns and the row for the node itself alike. The period is the
    aggregates' filter, not a WHERE: with one, a planner without statistics starts from the
    activities of the period across the district and scans the node's subtree for each of
    their hours; without, it starts from the subtree (its activities, then their hours)."""
    return {
        "volunteer_hours": Sum(
            "hours", filter=served_in(period), default=Decimal("0"), output_field=HOURS_FIELD
        ),
        "active_volunteers": Count("volunteer", filter=served_in(period), distinct=True),
    }


cc.period_figures.register(
    cc.PeriodFigures(
        compute=lambda node, period: (
            ServiceHours.objects.counted()
            .filter(subtree_q(node, "activity__node"))
            .aggregate(**service_aggregates(period))
        ),
        shown=(
            cc.Figure(_("Volunteer hours approved"), lambda f: f["volunteer_hours"], HOURS),
            cc.Figure(_("Active volunteers"), lambda f: f["active_volunteers"]),
        ),
        order=30,
    )
)
cc.child_columns.register(
    cc.ChildColumns(
        columns=(
            cc.Column("volunteer_hours", _("Volunteer hours approved"), HOURS, chart="line"),
            cc.Column("active_volunteers", _("Active volunteers")),
        ),
        rows=lambda period: ServiceHours.objects.counted(),
        node_path="activity__node",
        aggregates=service_aggregates,
        direct_columns=("volunteer_hours", "active_volunteers"),
        order=40,
    )
)


# --- The party member's service card: approved hours of the year's activities.


def _card_hours(users, year):
    return ServiceHours.objects.filter(
        volunteer__user_id__in=users, status=HoursStatus.APPROVED, activity__starts_at__year=year
    )


def card_entries(member_of_user, year):
    approved = _card_hours(member_of_user, year).values_list(
        "volunteer__user_id", "activity__starts_at", "activity__title", "hours"
    )
    for user_id, starts_at, title, hours in approved:
        yield service_card.Entry(
            member_of_user[user_id],
            timezone.localdate(starts_at),
            _("Volunteer service"),
            title,
            hours,
        )


service_card.sources.register(
    service_card.Source(
        "volunteer hours",
        card_entries,
        count=lambda users, year: _card_hours(users, year).count(),
        order=10,
    )
)
