"""The cadres' Excel export of service hours: per team, per volunteer and per month for a
period, all from aggregate queries over the hours the user may see (their subtree, through
the activity's node). Counted hours are approved ones, dated by their activity's start."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import workbooks
from governance.masking import mask_mobile
from governance.params import parse_period
from governance.scope import scope_root
from governance.workbooks import COUNT, HOURS, MONTH, Column
from volunteers.models import (
    Activity,
    HoursKind,
    Membership,
    MembershipStatus,
    ServiceHours,
    SignUp,
    Team,
    VolunteerProfile,
)
from volunteers.profiles import shown_name


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def from_query(cls, params, today=None):
        """?from=&to= (YYYY-MM-DD); by default this calendar year so far. Raises a translated
        ValidationError on a bad date or a reversed period."""
        today = today or timezone.localdate()
        start, end = parse_period(
            params.get("from") or f"{today.year}-01-01", params.get("to") or today.isoformat()
        )
        return cls(start, end)

    def q(self, path):
        """Rows whose datetime at `path` falls on a local date within the period."""
        return Q(**{f"{path}__date__range": (self.start, self.end)})


def _counted(user, period):
    return ServiceHours.objects.visible_to(user).counted().filter(period.q("activity__starts_at"))


def team_rows(user, period):
    hours = {
        row["activity__team"]: row
        for row in _counted(user, period)
        .values("activity__team")
        .annotate(volunteers=Count("volunteer", distinct=True), hours=Sum("hours"))
    }
    activities = dict(
        Activity.objects.visible_to(user)
        .filter(period.q("starts_at"), cancelled=False)
        .values("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    teams = Team.objects.filter(pk__in={*hours, *activities}).select_related("node")
    return [
        {
            "team": str(team),
            "organisation": team.node.place,
            "volunteers": hours.get(team.pk, {}).get("volunteers", 0),
            "activities": activities.get(team.pk, 0),
            "hours": hours.get(team.pk, {}).get("hours") or 0,
        }
        for team in teams
    ]


def volunteer_rows(user, period):
    """Everyone with counted hours or a no-show in the period."""
    hours = {
        row["volunteer"]: row
        for row in _counted(user, period)
        .values("volunteer")
        .annotate(
            approved=Sum("hours"),
            credit=Sum("hours", filter=Q(kind=HoursKind.CREDIT)),
            honour=Sum("hours", filter=Q(kind=HoursKind.HONOUR)),
        )
    }
    no_shows = dict(
        SignUp.objects.visible_to(user)
        .filter(period.q("activity__starts_at"), no_show=True)
        .values("volunteer")
        .annotate(n=Count("pk"))
        .values_list("volunteer", "n")
    )
    ids = {*hours, *no_shows}
    teams = defaultdict(list)
    for volunteer_id, team in _memberships(user, ids):
        teams[volunteer_id].append(team)
    profiles = (
        VolunteerProfile.objects.filter(pk__in=ids)
        .select_related("user", "community")
        .order_by("community__tree_id", "community__lft", "user__full_name", "pk")
    )
    rows = []
    for profile in profiles:
        figures = hours.get(profile.pk, {})
        rows.append(
            {
                "name": shown_name(user, profile),
                "mobile": mask_mobile(profile.user.mobile),
                "community": profile.community.place if profile.community else "",
                "teams": "、".join(teams[profile.pk]),
                "approved": figures.get("approved") or 0,
                "credit": figures.get("credit") or 0,
                "honour": figures.get("honour") or 0,
                "no_shows": no_shows.get(profile.pk, 0),
            }
        )
    return rows


def _memberships(user, volunteer_ids):
    """(volunteer id, team label) of the approved memberships the user sees."""
    rows = (
        Membership.objects.visible_to(user)
        .filter(volunteer__in=volunteer_ids, status=MembershipStatus.APPROVED)
        .order_by("team__name")
        .values_list("volunteer", "team__brand", "team__name")
    )
    # The label Team.__str__ gives, without loading the teams.
    return [(pk, f"{brand}·{name}" if brand else name) for pk, brand, name in rows]


def month_rows(user, period):
    return list(
        _counted(user, period)
        .annotate(month=TruncMonth("activity__starts_at"))
        .values("month")
        .annotate(hours=Sum("hours"), volunteers=Count("volunteer", distinct=True))
        .order_by("month")
    )


def write_hours_workbook(*, user, period, stream):
    root = scope_root(user)
    title = workbooks.heading(workbooks.area_name(root), period.start, period.end)
    workbook = Workbook(write_only=True)
    workbooks.write_table(
        workbook,
        sheet_title=_("By team"),
        title=title,
        columns=[
            Column(_("Team")),
            Column(_("Organisation")),
            Column(_("Volunteers"), COUNT),
            Column(_("Activities"), COUNT),
            Column(_("Approved hours"), HOURS),
        ],
        rows=(
            (row["team"], row["organisation"], row["volunteers"], row["activities"], row["hours"])
            for row in team_rows(user, period)
        ),
    )
    workbooks.write_table(
        workbook,
        sheet_title=_("By volunteer"),
        title=title,
        columns=[
            Column(_("Full name")),
            Column(_("Mobile")),
            Column(_("Community")),
            Column(_("Teams")),
            Column(_("Approved hours"), HOURS),
            Column(_("Credit hours"), HOURS),
            Column(_("Honour hours"), HOURS),
            Column(_("No-shows"), COUNT),
        ],
        rows=(list(row.values()) for row in volunteer_rows(user, period)),  # the header's order
        freeze_columns=1,
    )
    workbooks.write_table(
        workbook,
        sheet_title=_("By month"),
        title=title,
        columns=[
            Column(_("Month"), MONTH),
            Column(_("Approved hours"), HOURS),
            Column(_("Active volunteers"), COUNT),
        ],
        rows=((row["month"], row["hours"], row["volunteers"]) for row in month_rows(user, period)),
    )
    workbook.save(stream)
