"""What each structural write of the tree runs: a move renumbers only what it must and moves
once, an insert opens its space inside the locked transaction (#19.3)."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from mptt.managers import TreeManager
from mptt.signals import node_moved

from governance import tree
from governance.models import NodeKind, OrgNode
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db


def numbers():
    return {
        code: (lft, rght, level, parent)
        for code, lft, rght, level, parent in OrgNode.objects.values_list(
            "code", "lft", "rght", "level", "parent__code"
        )
    }


def renumbering_updates(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("UPDATE")
        and "governance_orgnode" in q["sql"]
        and "CASE" in q["sql"]
    ]


@pytest.mark.parametrize(
    "moved, target, position",
    [
        ("HX-01-01", "HX-02", "last-child"),  # rightwards
        ("HX-02-01", "HX-01", "first-child"),  # leftwards
        ("HX-02-01", "HX-01-01", "left"),
        ("HX-01-01", "HX-02-01", "right"),
        ("HX-01-01-02", "HX-01-01-01", "left"),  # among siblings
        ("HX-02-01-01", "HX-01-01", "last-child"),
    ],
)
def test_a_move_leaves_the_tree_whole_with_the_node_where_it_was_put(
    small_tree, moved, target, position
):
    NodeFactory(parent=small_tree.street, code="HX-03")  # a bystander to the right
    node, to = OrgNode.objects.get(code=moved), OrgNode.objects.get(code=target)
    OrgNode.tree.move_node(node, to, position)

    assert tree.find_problems() == []
    node.refresh_from_db()
    to.refresh_from_db()
    if position in ("first-child", "last-child"):
        assert node.parent_id == to.pk
        siblings = list(to.get_children().values_list("code", flat=True))
        assert siblings[0 if position == "first-child" else -1] == moved
    else:
        assert node.parent_id == to.parent_id
        assert (node.rght + 1 == to.lft) if position == "left" else (to.rght + 1 == node.lft)
    descendants = {b.code for b in node.get_descendants()}
    expected = {c for c in numbers() if c.startswith(f"{moved}-")}
    assert descendants == expected


def test_a_move_renumbers_once_only_what_lies_between_and_signals_once(small_tree):
    bystander = NodeFactory(parent=small_tree.street, code="HX-03")
    NodeFactory(parent=bystander, code="HX-03-01")
    before = numbers()
    heard = mock.Mock()
    node_moved.connect(heard, sender=OrgNode)
    try:
        with CaptureQueriesContext(connection) as queries:
            OrgNode.tree.move_node(small_tree.grid_a, small_tree.community_b, "last-child")
    finally:
        node_moved.disconnect(heard, sender=OrgNode)

    (update,) = renumbering_updates(queries.captured_queries)
    assert "BETWEEN" in update  # restricted to the rows between the old and the new place
    assert heard.call_count == 1
    after = numbers()
    # Outside the span of the move nothing was renumbered.
    for code in ("HX", "HX-03", "HX-03-01"):
        assert after[code] == before[code]
    assert after["HX-01-01"][3] == "HX-02"
    assert tree.find_problems() == []


def test_changing_the_parent_in_a_form_moves_once_too(small_tree):
    building = small_tree.buildings_a[0]
    building.parent = small_tree.grid_b
    with CaptureQueriesContext(connection) as queries:
        building.save()
    (update,) = renumbering_updates(queries.captured_queries)
    assert "BETWEEN" in update
    building.refresh_from_db()
    assert building.parent_id == small_tree.grid_b.pk
    assert tree.find_problems() == []


@pytest.mark.django_db(transaction=True)
def test_an_insert_opens_its_space_inside_the_locked_transaction(small_tree):
    seen = []
    original = TreeManager._manage_space

    def spy(self, *args, **kwargs):
        seen.append(connection.in_atomic_block)
        return original(self, *args, **kwargs)

    with mock.patch.object(TreeManager, "_manage_space", spy):
        node = OrgNode(kind=NodeKind.COMMUNITY, name="新社区", code="HX-09")
        node.insert_at(small_tree.street, position="first-child", save=True)

    assert seen == [True]
    node.refresh_from_db()
    assert node.lft == 2 and node.parent_id == small_tree.street.pk
    assert tree.find_problems() == []


def test_the_tree_table_keeps_only_the_indexes_its_queries_use():
    """Every renumbered node rewrites every index of the table (#19): the tree range and the
    code's uniqueness stay, mptt's index on tree_id alone and PostgreSQL's LIKE index on a
    unique text column do not come back."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, OrgNode._meta.db_table)
    indexed = [(name, c["columns"]) for name, c in constraints.items() if c["index"]]
    assert ["tree_id", "lft"] in [columns for _name, columns in indexed]
    assert ["tree_id"] not in [columns for _name, columns in indexed]
    assert not [name for name, _columns in indexed if name.endswith("_like")]
    assert any(c["unique"] and c["columns"] == ["code"] for c in constraints.values())
