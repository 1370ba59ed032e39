"""What the organisation itself adds to the command center: its party members and
party-member households."""

from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.models import NodeKind, OrgNode, User
from governance.scope import subtree_q


def party_members(node):
    return User.objects.filter(
        subtree_q(node, "node"), is_active=True, is_party_member=True
    ).count()


def party_households(node):
    return OrgNode.objects.filter(subtree_q(node), kind=NodeKind.HOUSEHOLD).count()


cc.headcounts.register(
    cc.Headcount("party_members", _("Registered party members"), party_members, order=10)
)
cc.headcounts.register(
    cc.Headcount("party_households", _("Party-member households"), party_households, order=20)
)
