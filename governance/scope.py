"""The one place that decides what a user may see: the subtree of the node they are attached
to, as a tree-range filter (tree_id plus an lft interval) that the database answers from an
index. Admin, pages, API and exports all go through here.
"""

from django.db import models
from django.db.models import Q


def subtree_q(node, node_path=""):
    """Rows whose node (reached through `node_path`, "" for the node itself) is in the subtree."""
    prefix = f"{node_path}__" if node_path else ""
    return Q(
        **{
            f"{prefix}tree_id": node.tree_id,
            f"{prefix}lft__gte": node.lft,
            f"{prefix}lft__lte": node.rght,
        }
    )


def scope_root(user):
    """The node whose subtree the user may see; None for nobody and for superusers."""
    if not user.is_authenticated or user.is_superuser:
        return None
    return user.node


def sees_everything(user):
    return user.is_authenticated and user.is_active and user.is_superuser


def visible_q(user, node_path=""):
    """A Q for the rows this user may see, or None when they may see nothing."""
    if sees_everything(user):
        return Q()
    root = scope_root(user)
    if root is None or not user.is_active:
        return None
    return subtree_q(root, node_path)


def restrict(queryset, user, node_path="node"):
    q = visible_q(user, node_path)
    return queryset.none() if q is None else queryset.filter(q)


def in_scope(user, node):
    """Whether the node lies in the user's subtree (no query: compares tree numbers)."""
    if node is None:
        return False
    if sees_everything(user):
        return True
    root = scope_root(user)
    return (
        root is not None
        and user.is_active
        and root.tree_id == node.tree_id
        and root.lft <= node.lft <= root.rght
    )


class ScopedQuerySet(models.QuerySet):
    """Gives a model `Model.objects.visible_to(user)`; set `node_path` to the FK path."""

    node_path = "node"

    def visible_to(self, user):
        return restrict(self, user, self.node_path)
