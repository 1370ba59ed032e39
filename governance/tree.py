"""Structural writes on the organisation tree, and its consistency check.

django-mptt keeps nested-set numbers (lft/rght/level/tree_id) that every insert, move and
delete rewrites across many rows. Two writers in the same street at once corrupt them, so
every structural write runs in one transaction holding a PostgreSQL advisory lock per tree
(one tree per street), and re-reads the numbers it acts on once the lock is held.
"""

from collections import defaultdict
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, transaction
from django.utils.translation import gettext as _
from mptt.exceptions import InvalidMove
from mptt.managers import TreeManager

# Advisory locks take (namespace, key); the key is the tree_id, and NEW_TREE guards the
# allocation of a new tree_id when a street is created.
LOCK_NAMESPACE = 7301
NEW_TREE = 0
TREE_NUMBERS = ["lft", "rght", "level", "tree_id"]


@contextmanager
def write_lock(tree_ids):
    """One transaction holding the advisory lock of each tree, taken in a fixed order."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for tree_id in sorted({t for t in tree_ids if t is not None}):
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tree_id]
                    )
        # SQLite allows one writer at a time already.
        yield


def new_parent_for(target, position):
    return target if position in ("first-child", "last-child") else target.parent


class LockedTreeManager(TreeManager):
    """mptt's manager, with moves under the tree lock and the kind rule checked first."""

    def move_node(self, node, target, position="last-child"):
        if target is None or node.parent_id is None:
            raise InvalidMove(_("Streets are roots and cannot be moved."))
        with write_lock({node.tree_id, target.tree_id}):
            # mptt re-reads both nodes itself before moving; the kind check needs them fresh too.
            try:
                node.refresh_from_db(fields=[*TREE_NUMBERS, "parent"])
                target.refresh_from_db(fields=[*TREE_NUMBERS, "parent"])
            except node.DoesNotExist:
                raise InvalidMove(
                    _("The node was deleted meanwhile; reload and try again.")
                ) from None
            error = node.parent_error(new_parent_for(target, position))
            if error:
                raise InvalidMove(error)
            super().move_node(node, target, position)


def find_problems():
    """Every inconsistency in lft/rght/level/tree_id/kind, as readable sentences."""
    OrgNode = apps.get_model("governance", "OrgNode")  # by name: the models import this module

    rows = OrgNode.objects.order_by("tree_id", "lft").values_list(
        "pk", "parent_id", "tree_id", "lft", "rght", "level", "kind", "code"
    )
    nodes = {row[0]: row for row in rows}
    children = defaultdict(list)
    roots_by_tree = defaultdict(list)
    problems = []
    for pk, parent_id, tree_id, lft, rght, level, kind, code in nodes.values():
        if parent_id is None:
            roots_by_tree[tree_id].append(pk)
            if level != 0:
                problems.append(f"{code}: a root at level {level}")
        else:
            children[parent_id].append(pk)
            parent = nodes[parent_id]
            if parent[2] != tree_id:
                problems.append(f"{code}: tree_id {tree_id} differs from its parent's {parent[2]}")
            if level != parent[5] + 1:
                problems.append(f"{code}: level {level}, parent's level {parent[5]}")
        if kind != level:
            problems.append(f"{code}: kind {kind} at level {level}")
        if lft >= rght:
            problems.append(f"{code}: lft {lft} is not below rght {rght}")
    for tree_id, roots in roots_by_tree.items():
        if len(roots) > 1:
            problems.append(f"tree {tree_id}: {len(roots)} roots")
        for root in roots:
            if nodes[root][3] != 1:
                problems.append(f"{nodes[root][7]}: root lft is {nodes[root][3]}, not 1")
    # Nested sets are consistent when each node's children tile its interval exactly.
    for pk, (_pk, _parent, _tree, lft, rght, _level, _kind, code) in nodes.items():
        expected_left = lft + 1
        for child in sorted(children.get(pk, ()), key=lambda c: nodes[c][3]):
            child_lft, child_rght = nodes[child][3], nodes[child][4]
            if child_lft != expected_left:
                problems.append(f"{nodes[child][7]}: lft {child_lft}, expected {expected_left}")
            expected_left = child_rght + 1
        if expected_left != rght:
            problems.append(f"{code}: rght {rght}, expected {expected_left}")
    return problems


def rebuild():
    """Recompute the nested-set numbers of every tree from the parent links."""
    OrgNode = apps.get_model("governance", "OrgNode")  # by name: the models import this module

    tree_ids = set(OrgNode.objects.values_list("tree_id", flat=True).distinct())
    with write_lock(tree_ids | {NEW_TREE}):
        OrgNode.tree.rebuild()
