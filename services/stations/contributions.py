"""What service stations add to the command center: how many are active, per node and child."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.scope import subtree_q
from services.stations.models import Station


def active_stations(node):
    return Station.objects.filter(subtree_q(node, "node"), active=True).count()


cc.headcounts.register(cc.Headcount("stations", _("Service stations"), active_stations, order=70))
cc.child_columns.register(
    cc.ChildColumns(
        columns=(cc.Column("stations", _("Service stations")),),
        rows=lambda period: Station.objects.filter(active=True),
        aggregates=lambda period: {"stations": Count("pk")},
        order=30,
    )
)
