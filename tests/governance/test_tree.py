import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.db.models import ProtectedError
from mptt.exceptions import InvalidMove

from governance import tree
from governance.models import NodeKind, OrgNode
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db


def test_a_grid_branch_under_a_street_is_refused_with_a_clear_message(small_tree):
    node = OrgNode(kind=NodeKind.GRID, parent=small_tree.street, name="错误网格", code="BAD-1")
    with pytest.raises(ValidationError) as excinfo:
        node.full_clean()
    assert "只能直接隶属于" in str(excinfo.value.message_dict["parent"])


def test_the_database_holds_the_kind_rule_too(small_tree):
    with pytest.raises(IntegrityError):
        OrgNode(kind=NodeKind.GRID, parent=small_tree.street, name="绕过校验", code="BAD-2").save()


def test_a_street_is_a_root_and_nothing_else_is(small_tree):
    with pytest.raises(ValidationError):
        OrgNode(kind=NodeKind.STREET, parent=small_tree.street, name="x", code="BAD-3").full_clean()
    with pytest.raises(ValidationError):
        OrgNode(kind=NodeKind.COMMUNITY, parent=None, name="x", code="BAD-4").full_clean()
    OrgNode(
        kind=NodeKind.COMMUNITY, parent=small_tree.street, name="新社区", code="HX-03"
    ).full_clean()


def test_moving_a_grid_takes_its_buildings_along(small_tree):
    grid = small_tree.grid_a
    OrgNode.tree.move_node(grid, small_tree.community_b, "last-child")

    grid.refresh_from_db()
    assert grid.parent == small_tree.community_b
    moved = set(OrgNode.objects.filter(parent=grid).values_list("code", flat=True))
    assert moved == {b.code for b in small_tree.buildings_a}
    small_tree.community_b.refresh_from_db()
    assert set(small_tree.community_b.get_descendants().values_list("code", flat=True)) == {
        "HX-01-01",
        "HX-01-01-01",
        "HX-01-01-02",
        "HX-02-01",
        "HX-02-01-01",
        "HX-02-01-02",
    }
    assert tree.find_problems() == []


def test_moving_by_changing_the_parent_keeps_the_tree_consistent(small_tree):
    building = small_tree.buildings_a[0]
    building.parent = small_tree.grid_b
    building.save()
    assert tree.find_problems() == []
    assert building.get_ancestors().filter(pk=small_tree.community_b.pk).exists()


def test_a_move_to_the_wrong_level_is_refused(small_tree):
    with pytest.raises(InvalidMove, match="只能直接隶属于"):
        OrgNode.tree.move_node(small_tree.buildings_a[0], small_tree.community_b, "last-child")
    with pytest.raises(InvalidMove, match="只能直接隶属于"):
        # left of a community means: a child of the street
        OrgNode.tree.move_node(small_tree.grid_a, small_tree.community_b, "left")
    with pytest.raises(InvalidMove, match="不能移动"):
        OrgNode.tree.move_node(small_tree.street, small_tree.community_a, "last-child")
    assert tree.find_problems() == []


def test_a_node_with_children_cannot_be_deleted_and_the_tree_stays_whole(small_tree):
    with pytest.raises(ProtectedError):
        small_tree.grid_a.delete()
    assert tree.find_problems() == []
    small_tree.buildings_a[0].delete()
    assert tree.find_problems() == []
    assert OrgNode.objects.filter(parent=small_tree.grid_a).count() == 1


def test_new_nodes_land_under_their_parent_with_numbers_that_add_up(small_tree):
    for i in range(5):
        NodeFactory(parent=small_tree.grid_b, code=f"HX-02-01-1{i}")
    NodeFactory(name="东风街道党工委", code="DF")
    assert tree.find_problems() == []
    small_tree.grid_b.refresh_from_db()
    assert small_tree.grid_b.get_descendant_count() == 7


def test_check_tree_finds_a_deliberately_broken_tree_and_rebuilds_it(small_tree, capsys):
    call_command("check_tree")
    OrgNode.objects.filter(pk=small_tree.grid_a.pk).update(rght=99)
    OrgNode.objects.filter(pk=small_tree.buildings_b[0].pk).update(lft=3)

    with pytest.raises(CommandError, match="problem"):
        call_command("check_tree")
    assert "HX-01-01" in capsys.readouterr().err

    call_command("check_tree", "--rebuild")
    assert tree.find_problems() == []
    assert small_tree.grid_a.get_descendants().count() == 2


def test_check_tree_notices_a_child_in_another_tree_than_its_parent(small_tree):
    OrgNode.objects.filter(pk=small_tree.buildings_a[1].pk).update(tree_id=99)
    problems = tree.find_problems()
    assert any("HX-01-01-02" in p for p in problems)


def test_the_kind_message_is_translated_to_english_too(small_tree):
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidMove, match="must sit directly under"):
        OrgNode.tree.move_node(small_tree.buildings_a[0], small_tree.community_b, "last-child")
