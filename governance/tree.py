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
from mptt.signals import node_moved

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
    """mptt's manager, with inserts and moves under the tree lock, the kind rule checked
    first, and a move rewriting only the rows whose numbers change."""

    def insert_node(self, node, target, position="last-child", save=False, **kwargs):
        # `insert_at` opens space in the tree before it saves the node: without the lock
        # around both, that shift ran outside any transaction, beside other writers.
        trees = {target.tree_id} if target is not None else {NEW_TREE}
        with write_lock(trees):
            return super().insert_node(node, target, position, save, **kwargs)

    def move_node(self, node, target, position="last-child"):
        if target is None or node.parent_id is None:
            raise InvalidMove(_("Streets are roots and cannot be moved."))
        with write_lock({node.tree_id, target.tree_id}):
            # Both nodes' numbers re-read under the lock: the move is computed from them.
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
            self._move_node(node, target, position=position)
            # mptt leaves the new parent for save() to write. OrgNode.save would re-read the
            # old one from the database, take it for a change and move the subtree a second
            # time (signalling twice); the lock is held already, so mptt's own save writes it
            # (and the audit trail records the new parent).
            super(type(node), node).save()
            node_moved.send(sender=type(node), instance=node, target=target, position=position)

    def _move_child_within_tree(self, node, target, position):
        """mptt's move inside one tree, restricted to the rows it renumbers: mptt's own query
        rewrites every node of the street (most of them to the same numbers), each rewrite
        a new row version and an entry in every index of the table."""
        left, right, level = node.lft, node.rght, node.level
        width = right - left + 1
        if position in ("last-child", "first-child"):
            if node == target:
                raise InvalidMove(_("A node may not be made a child of itself."))
            if left < target.lft < right:
                raise InvalidMove(_("A node may not be made a child of any of its descendants."))
            if position == "last-child":
                new_left = target.rght - width if target.rght > right else target.rght
            else:
                new_left = target.lft - width + 1 if target.lft > left else target.lft + 1
            level_change = level - target.level - 1
            parent = target
        elif position in ("left", "right"):
            if node == target:
                raise InvalidMove(_("A node may not be made a sibling of itself."))
            if left < target.lft < right:
                raise InvalidMove(_("A node may not be made a sibling of any of its descendants."))
            if position == "left":
                new_left = target.lft - width if target.lft > left else target.lft
            else:
                new_left = target.rght - width + 1 if target.rght > right else target.rght + 1
            level_change = level - target.level
            parent = target.parent
        else:
            raise ValueError(_("An invalid position was given: %s.") % position)
        new_right = new_left + width - 1
        low, high = min(left, new_left), max(right, new_right)
        shift = new_left - left
        # What lies between the old and the new place closes up by the subtree's width.
        gap = -width if shift > 0 else width
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {table}
                SET level = CASE WHEN lft BETWEEN %(left)s AND %(right)s
                        THEN level - %(level_change)s ELSE level END,
                    lft = CASE WHEN lft BETWEEN %(left)s AND %(right)s THEN lft + %(shift)s
                        WHEN lft BETWEEN %(low)s AND %(high)s THEN lft + %(gap)s
                        ELSE lft END,
                    rght = CASE WHEN rght BETWEEN %(left)s AND %(right)s THEN rght + %(shift)s
                        WHEN rght BETWEEN %(low)s AND %(high)s THEN rght + %(gap)s
                        ELSE rght END
                WHERE tree_id = %(tree_id)s
                  AND (lft BETWEEN %(low)s AND %(high)s OR rght BETWEEN %(low)s AND %(high)s)""",
                {
                    "left": left,
                    "right": right,
                    "level_change": level_change,
                    "shift": shift,
                    "low": low,
                    "high": high,
                    "gap": gap,
                    "tree_id": node.tree_id,
                },
            )
        node.lft, node.rght, node.level = new_left, new_right, level - level_change
        node.parent = parent
        node._mptt_cached_fields["parent"] = parent.pk


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
