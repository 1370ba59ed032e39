"""Read-side queries on the tree, shaped for pages. Each is a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from governance.models import NodeKind, OrgNode


def _descendants_of_kind(kind):
    """A subquery counting the outer node's descendants of one kind (a tree-range count)."""
    inner = (
        OrgNode.objects.filter(
            tree_id=OuterRef("tree_id"),
            lft__gt=OuterRef("lft"),
            lft__lt=OuterRef("rght"),
            kind=kind,
        )
        .order_by()
        .values("tree_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)


def _with_counts(nodes):
    return nodes.annotate(
        grid_count=_descendants_of_kind(NodeKind.GRID),
        building_count=_descendants_of_kind(NodeKind.BUILDING),
        household_count=_descendants_of_kind(NodeKind.HOUSEHOLD),
    )


def children_with_counts(node):
    """The node's children, each with how many grids, buildings and party households it holds."""
    return _with_counts(OrgNode.objects.filter(parent=node)).order_by("lft")


def roots_with_counts():
    """Top-level rows of a superuser's view: every street, with the same counts."""
    return _with_counts(OrgNode.objects.filter(parent__isnull=True)).order_by("tree_id")
