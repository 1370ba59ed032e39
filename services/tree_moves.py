"""When the organisation tree moves a grid or a building to another community, the whistles
and wishes placed under it move with it, so triage rights and figures follow the community
that now holds them. Runs inside the tree write's transaction (mptt's node_moved signal)."""

from governance.models import NodeKind
from governance.scope import subtree_q


def follow_moved_node(sender, instance, **kwargs):
    if instance.kind not in (NodeKind.GRID, NodeKind.BUILDING):
        return
    from services.whistles.models import Whistle
    from services.wishes.models import Wish

    community = instance.get_ancestors().get(kind=NodeKind.COMMUNITY)
    # The subtree's nodes first (the tree range index), then the rows on them (the node
    # index): a join in the UPDATE made PostgreSQL read every whistle of the district.
    nodes = type(instance).objects.filter(subtree_q(instance)).values("pk")
    for model in (Whistle, Wish):
        (
            model.objects.filter(node__in=nodes)
            .exclude(community=community)
            .update(community=community)
        )
