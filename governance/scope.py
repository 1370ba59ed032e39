"""The one place that decides what a user may see: the subtree of the node they are attached
to, as a tree-range filter (tree_id plus an lft interval) that the database answers from an
index. Admin, pages, API and exports all go through here.
"""

from django.db import models
from django.db.models import BooleanField, Expression, Q

from governance.roles import TREE_ROLES, Role


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
    """The node whose subtree the user may see; None for nobody and for superusers.
    Only tree roles (cadres, grid workers) see a subtree through their node."""
    if not user.is_authenticated or user.is_superuser or user.role not in TREE_ROLES:
        return None
    return user.node


def scope_roots(user):
    """Every node whose subtree the user sees: their own node and, for grid workers, each grid
    they are assigned to (a professional worker covers several grids). Cached on the user."""
    root = scope_root(user)
    if root is None:
        return []
    if user.role != Role.GRID_WORKER:
        return [root]
    if not hasattr(user, "_scope_roots"):
        # The node's own class, as the models import this module; through the assignments'
        # reverse name so the foundation need not import grids.
        assigned = type(root).objects.filter(worker_assignments__worker=user).exclude(pk=root.pk)
        user._scope_roots = [root, *assigned]
    return user._scope_roots


def sees_everything(user):
    return user.is_authenticated and user.is_active and user.is_superuser


def visible_q(user, node_path=""):
    """A Q for the rows this user may see, or None when they may see nothing."""
    if sees_everything(user):
        return Q()
    roots = scope_roots(user)
    if not roots or not user.is_active:
        return None
    if len(roots) == 1:
        return subtree_q(roots[0], node_path)
    return _or(subtree_q(root, node_path) for root in roots)


def restrict(queryset, user, node_path="node"):
    q = visible_q(user, node_path)
    return queryset.none() if q is None else queryset.filter(q)


def in_scope(user, node):
    """Whether the node lies in the user's subtree (compares tree numbers; no query after the
    user's scope roots are known)."""
    if node is None:
        return False
    if sees_everything(user):
        return True
    return user.is_active and any(
        root.tree_id == node.tree_id and root.lft <= node.lft <= root.rght
        for root in scope_roots(user)
    )


def visible_q_any(user, node_paths):
    """Rows visible through any of several node paths (e.g. the place and the assigned grid).
    One path is a plain tree-range filter; several become one index-driven branch per path
    (see VisibleThroughAny) rather than an OR across joins, which reads the whole table."""
    qs = [q for q in (visible_q(user, path) for path in node_paths) if q is not None]
    if not qs:
        return None
    if any(not q for q in qs):  # an empty Q() means everything
        return Q()
    if len(qs) == 1:
        return qs[0]
    return Q(VisibleThroughAny(qs))


class VisibleThroughAny(Expression):
    """`pk IN (rows of path 1 UNION ALL rows of path 2 ...)`: each branch filters one node
    path's tree range, so the database answers it from that path's index (the subtree's nodes,
    then the rows on them); an OR of the paths' joins cannot use either index. ALL because `IN`
    ignores duplicates anyway: no need to make the database remove them first. Built against
    the model of the query it lands in."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, path_qs):
        super().__init__()
        self.path_qs = list(path_qs)

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        rows = query.model._base_manager.order_by()
        branches = [rows.filter(q).values("pk") for q in self.path_qs]
        union = branches[0].union(*branches[1:], all=True)
        return Q(pk__in=union).resolve_expression(query, allow_joins, reuse, summarize, for_save)


def _or(qs):
    combined = Q(pk__in=[])
    for q in qs:
        if not q:  # an empty Q() means everything
            return Q()
        combined |= q
    return combined


class ScopedQuerySet(models.QuerySet):
    """Gives a model `Model.objects.visible_to(user)`; `node_path` is the FK path to its node,
    `node_paths` several such paths of which any may grant visibility."""

    node_path = "node"
    node_paths = ()

    def visible_to(self, user):
        if not self.node_paths:
            return restrict(self, user, self.node_path)
        q = visible_q_any(user, self.node_paths)
        return self.none() if q is None else self.filter(q)
