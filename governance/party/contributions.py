"""What party life adds to the command center: the roster by kind and status, 双报到 (members
and units reported, service post places taken, services per reported member this year), the
three lists (needs matched, projects) for the node, and members, reports and projects done
per child."""

from django.db.models import Count, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.formatting import COUNT, HOURS, RATE
from governance.party import service_card
from governance.party.models import (
    MemberKind,
    MemberStatus,
    Need,
    NeedStatus,
    PartyMember,
    PostClaim,
    Project,
    ProjectStatus,
    ServiceEntry,
    ServicePost,
    UnitReport,
)
from governance.scope import subtree_q

MATCHED = (NeedStatus.MATCHED, NeedStatus.DONE)


def _one(rows, aggregate):
    """A scalar subquery: the aggregate over the rows (0 over none)."""
    grouped = rows.order_by().annotate(one=Value(1)).values("one").annotate(n=aggregate)
    return Coalesce(Subquery(grouped.values("n")[:1]), 0)


def node_figures(node, period):
    """The node's party figures in one query of scalar subqueries, plus one count per app that
    records services on the card."""
    year = timezone.localtime(period.end).year
    under = {path: subtree_q(node, path) for path in ("node", "community", "unit__node")}
    roster = PartyMember.objects.filter(under["node"])
    reported = PartyMember.objects.filter(subtree_q(node, "report__community"))
    posts = ServicePost.objects.filter(under["community"], open=True)
    needs = Need.objects.filter(under["community"])
    projects = Project.objects.filter(under["unit__node"])
    figures = (
        type(node)
        .objects.filter(pk=node.pk)
        .values()
        .annotate(
            roster=_one(roster, Count("pk")),
            probationary=_one(roster.filter(kind=MemberKind.PROBATIONARY), Count("pk")),
            in_service=_one(roster.filter(status=MemberStatus.EMPLOYED), Count("pk")),
            mobile_members=_one(roster.filter(status=MemberStatus.MOBILE), Count("pk")),
            out_of_contact=_one(roster.filter(status=MemberStatus.LOST), Count("pk")),
            members_reported=_one(reported, Count("pk")),
            entries=_one(
                ServiceEntry.objects.filter(member__in=reported, on__year=year), Count("pk")
            ),
            units_reported=_one(
                UnitReport.objects.filter(under["community"], signed_at__isnull=False),
                Count("pk"),
            ),
            post_places=_one(posts, Sum("needed")),
            post_places_taken=_one(PostClaim.objects.filter(post__in=posts), Count("pk")),
            needs_total=_one(needs, Count("pk")),
            needs_met=_one(needs.filter(status__in=MATCHED), Count("pk")),
            projects_open=_one(projects.filter(status=ProjectStatus.OPEN), Count("pk")),
            projects_done=_one(projects.filter(status=ProjectStatus.DONE), Count("pk")),
        )
        .values(*FIGURES)
        .get()
    )
    users = reported.exclude(user=None).values("user_id")
    services = figures.pop("entries") + sum(
        source.count(users, year) for source in service_card.sources
    )
    members = figures["members_reported"]
    figures["services_per_member"] = services / members if members else None
    total = figures.pop("needs_total")
    figures["needs_matched"] = figures.pop("needs_met") / total if total else None
    return figures


FIGURES = (
    "roster",
    "probationary",
    "in_service",
    "mobile_members",
    "out_of_contact",
    "members_reported",
    "entries",
    "units_reported",
    "post_places",
    "post_places_taken",
    "needs_total",
    "needs_met",
    "projects_open",
    "projects_done",
)


def _figure(label, key, format=COUNT):
    return cc.Figure(label, lambda f: f[key], format)


cc.period_figures.register(
    cc.PeriodFigures(
        compute=node_figures,
        shown=(
            _figure(_("Party members on the roster"), "roster"),
            _figure(_("Probationary members"), "probationary"),
            _figure(_("Members in service"), "in_service"),
            _figure(_("Mobile members"), "mobile_members"),
            _figure(_("Members out of contact"), "out_of_contact"),
            _figure(_("In-service members reported"), "members_reported"),
            _figure(_("Units reported"), "units_reported"),
            _figure(_("Service post places"), "post_places"),
            _figure(_("Service post places taken"), "post_places_taken"),
            _figure(_("Services per reported member this year"), "services_per_member", HOURS),
            _figure(_("Needs matched"), "needs_matched", RATE),
            _figure(_("Projects under way"), "projects_open"),
            _figure(_("Projects done"), "projects_done"),
        ),
        order=40,
    )
)
cc.child_columns.register(
    cc.ChildColumns(
        columns=(cc.Column("party_roster", _("Party members on the roster")),),
        rows=lambda period: PartyMember.objects.all(),
        aggregates=lambda period: {"party_roster": Count("pk")},
        order=40,
    )
)
