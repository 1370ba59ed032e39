"""What the organisation itself adds to the command center: its party members and
party-member households."""

from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.models import NodeKind, OrgNode, User
from governance.scope import subtree_q

cc.headcounts.register(
    cc.Headcount(
        "party_members",
        _("Registered party members"),
        lambda node: User.objects.filter(
            subtree_q(node, "node"), is_active=True, is_party_member=True
        ).count(),
        order=10,
    )
)
cc.headcounts.register(
    cc.Headcount(
        "party_households",
        _("Party-member households"),
        lambda node: OrgNode.objects.filter(subtree_q(node), kind=NodeKind.HOUSEHOLD).count(),
        order=20,
    )
)
