"""A community cadre sees and changes only their community's subtree in the admin."""

import re

import pytest
from django.urls import reverse

from governance import tree
from governance.models import NodeKind, OrgNode
from tests.factories import NodeFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:governance_orgnode_changelist")


def change_url(node):
    return reverse("admin:governance_orgnode_change", args=[node.pk])


def test_the_tree_list_shows_only_the_cadres_community(client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    body = client.get(CHANGELIST).content.decode()
    assert "红旗第1网格党支部" in body
    assert "幸福社区党委" not in body and "阳光花园1号楼" not in body
    assert "红星街道党工委" not in body
    opened = client.get(CHANGELIST, {"open": small_tree.grid_a.pk}).content.decode()
    assert "锦绣苑1号楼" in opened
    # Opening a node of another community shows nothing of it.
    other = client.get(CHANGELIST, {"open": small_tree.grid_b.pk}).content.decode()
    assert "阳光花园1号楼" not in other and "幸福" not in other


def test_the_street_cadre_sees_the_whole_street(client_for, street_cadre, small_tree):
    body = client_for(street_cadre).get(CHANGELIST).content.decode()
    assert "红旗社区党委" in body and "幸福社区党委" in body


def test_guessing_the_id_of_another_communitys_node_shows_nothing(client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    other = small_tree.grid_b
    response = client.get(change_url(other), follow=True)
    assert other.name not in response.content.decode()
    assert other.code not in response.content.decode()

    client.post(
        change_url(other),
        {
            "parent": small_tree.community_a.pk,
            "kind": NodeKind.GRID,
            "name": "改名",
            "code": other.code,
        },
    )
    other.refresh_from_db()
    assert other.name == "幸福第1网格党支部" and other.parent == small_tree.community_b

    response = client.post(
        reverse("admin:governance_orgnode_delete", args=[other.pk]), {"post": "yes"}
    )
    assert OrgNode.objects.filter(pk=other.pk).exists()


def test_the_same_change_by_the_right_cadre_succeeds(client_for, cadre_b, small_tree):
    node = small_tree.grid_b
    response = client_for(cadre_b).post(
        change_url(node),
        {
            "parent": small_tree.community_b.pk,
            "kind": NodeKind.GRID,
            "name": "幸福东网格党支部",
            "code": node.code,
        },
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.name == "幸福东网格党支部"


def test_node_choices_are_limited_to_the_subtree(client_for, cadre_a, small_tree):
    body = client_for(cadre_a).get(reverse("admin:governance_orgnode_add")).content.decode()
    body = re.search(r'<select name="parent".*?</select>', body, re.S).group(0)
    assert f'value="{small_tree.grid_a.pk}"' in body
    assert f'value="{small_tree.grid_b.pk}"' not in body
    assert f'value="{small_tree.street.pk}"' not in body


def test_a_cadre_cannot_add_a_node_outside_the_subtree_nor_a_street(
    client_for, cadre_a, small_tree
):
    client = client_for(cadre_a)
    add = reverse("admin:governance_orgnode_add")
    response = client.post(
        add,
        {
            "parent": small_tree.grid_b.pk,
            "kind": NodeKind.BUILDING,
            "name": "越界楼",
            "code": "HX-02-01-09",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    response = client.post(
        add, {"parent": "", "kind": NodeKind.STREET, "name": "新街道", "code": "NEW"}
    )
    assert response.status_code == 200
    assert not OrgNode.objects.filter(code__in=["HX-02-01-09", "NEW"]).exists()

    response = client.post(
        add,
        {
            "parent": small_tree.grid_a.pk,
            "kind": NodeKind.BUILDING,
            "name": "新楼",
            "code": "HX-01-01-09",
        },
    )
    assert response.status_code == 302
    assert OrgNode.objects.get(code="HX-01-01-09").parent == small_tree.grid_a


def test_a_wrong_kind_in_the_admin_form_gets_the_message(client_for, cadre_a, small_tree):
    response = client_for(cadre_a).post(
        reverse("admin:governance_orgnode_add"),
        {
            "parent": small_tree.community_a.pk,
            "kind": NodeKind.BUILDING,
            "name": "楼",
            "code": "HX-01-99",
        },
    )
    assert "只能直接隶属于" in response.content.decode()


def test_the_cadres_own_node_can_be_renamed_but_not_moved_or_deleted(
    client_for, cadre_a, small_tree
):
    client = client_for(cadre_a)
    own = small_tree.community_a
    body = client.get(change_url(own)).content.decode()
    assert 'name="parent"' not in body  # shown read-only
    client.post(change_url(own), {"name": "红旗社区大党委", "code": own.code})
    own.refresh_from_db()
    assert own.name == "红旗社区大党委" and own.parent == small_tree.street
    client.post(reverse("admin:governance_orgnode_delete", args=[own.pk]), {"post": "yes"})
    assert OrgNode.objects.filter(pk=own.pk).exists()


def drag(client, cut, pasted_on, position):
    return client.post(
        CHANGELIST,
        {"cmd": "move_node", "cut_item": cut.pk, "pasted_on": pasted_on.pk, "position": position},
    )


def test_drag_and_drop_inside_the_subtree_moves(client_for, cadre_a, small_tree):
    second_grid = NodeFactory(parent=small_tree.community_a, code="HX-01-02")
    building = small_tree.buildings_a[0]
    response = drag(client_for(cadre_a), building, second_grid, "last-child")
    assert response.content.startswith(b"OK")
    building.refresh_from_db()
    assert building.parent == second_grid
    assert tree.find_problems() == []


def test_drag_and_drop_cannot_leave_the_subtree(client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    building = small_tree.buildings_a[0]
    assert drag(client, building, small_tree.grid_b, "last-child").content.startswith(b"FAIL")
    # Beside the cadre's own community means under the street: outside the subtree.
    assert drag(client, small_tree.grid_a, small_tree.community_a, "left").content.startswith(
        b"FAIL"
    )
    assert drag(client, small_tree.community_a, small_tree.community_a, "right").content.startswith(
        b"FAIL"
    )
    building.refresh_from_db()
    small_tree.grid_a.refresh_from_db()
    assert building.parent == small_tree.grid_a
    assert small_tree.grid_a.parent == small_tree.community_a


def test_drag_and_drop_to_the_wrong_level_is_refused(client_for, street_cadre, small_tree):
    response = drag(
        client_for(street_cadre), small_tree.buildings_a[0], small_tree.community_b, "last-child"
    )
    assert response.content.startswith(b"FAIL")
    assert tree.find_problems() == []


def test_users_of_another_community_are_not_listed(client_for, cadre_a, cadre_b, small_tree):
    # (The admin greets cadre_a by name now, so the list itself must show one of A's people.)
    UserFactory(username="vol_a", role="volunteer", node=small_tree.community_a)
    UserFactory(username="vol_b", role="volunteer", node=small_tree.community_b)
    client = client_for(cadre_a)
    body = client.get(reverse("admin:governance_user_changelist")).content.decode()
    assert "vol_a" in body and "vol_b" not in body and "cadre_b" not in body
    response = client.get(reverse("admin:governance_user_change", args=[cadre_b.pk]), follow=True)
    assert "cadre_b" not in response.content.decode()


def test_mobiles_are_masked_in_the_user_list(client_for, street_cadre, cadre_a):
    body = (
        client_for(street_cadre).get(reverse("admin:governance_user_changelist")).content.decode()
    )
    assert cadre_a.mobile not in body
    assert f"{cadre_a.mobile[:3]}****{cadre_a.mobile[-4:]}" in body


@pytest.mark.parametrize("grids", [2, 12])
def test_the_tree_list_query_count_does_not_grow(
    client_for, street_cadre, small_tree, django_assert_max_num_queries, grids
):
    for g in range(grids):
        grid = NodeFactory(parent=small_tree.community_a, code=f"HX-01-5{g:02d}")
        for b in range(3):
            NodeFactory(parent=grid, code=f"{grid.code}-{b}")
    client = client_for(street_cadre)
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).status_code == 200
    opened = {"open": f"{small_tree.community_a.pk},{small_tree.grid_a.pk}"}
    with django_assert_max_num_queries(13):
        assert client.get(CHANGELIST, opened).status_code == 200


def rows_of(response):
    return [row.pk for row in response.context["cl"].result_list]


def test_the_tree_list_opens_collapsed_and_expands_on_demand(client_for, street_cadre, small_tree):
    client = client_for(street_cadre)
    street, a, b = small_tree.street, small_tree.community_a, small_tree.community_b
    top = client.get(CHANGELIST)
    # The street cadre's own node and its children; nothing below.
    assert rows_of(top) == [street.pk, a.pk, b.pk]
    body = top.content.decode()
    assert f'href="?open={a.pk}"' in body and "锦绣苑1号楼" not in body
    opened = client.get(CHANGELIST, {"open": str(a.pk)})
    assert rows_of(opened) == [street.pk, a.pk, small_tree.grid_a.pk, b.pk]
    deeper = client.get(CHANGELIST, {"open": f"{a.pk},{small_tree.grid_a.pk}"})
    assert [n.pk for n in small_tree.buildings_a] == rows_of(deeper)[3:5]
    # Closing the community closes the grid opened beneath it.
    assert 'href="?"' in deeper.content.decode()
    # A search still finds any node of the scope, however deep.
    found = client.get(CHANGELIST, {"q": "锦绣苑2号楼"})
    assert rows_of(found) == [small_tree.buildings_a[1].pk]


def test_a_superuser_starts_from_the_streets_and_their_communities(client_for, superuser):
    street = NodeFactory(name="东风街道党工委", code="DF")
    community = NodeFactory(parent=street, name="东风社区党委", code="DF-01")
    grid = NodeFactory(parent=community, name="东风第1网格党支部", code="DF-01-01")
    rows = rows_of(client_for(superuser).get(CHANGELIST))
    assert street.pk in rows and community.pk in rows and grid.pk not in rows


def test_nonsense_in_open_is_ignored(client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    for value in ("abc", "1,,²,-3", ",".join(["9"] * 500)):
        assert client.get(CHANGELIST, {"open": value}).status_code == 200


@pytest.mark.parametrize("users", [1, 15])
def test_the_user_list_query_count_does_not_grow(
    client_for, street_cadre, small_tree, django_assert_max_num_queries, users
):
    from tests.factories import UserFactory

    for i in range(users):
        UserFactory(node=small_tree.grid_a, username=f"v{i}")
    client = client_for(street_cadre)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("admin:governance_user_changelist")).status_code == 200


def test_a_cadre_cannot_manage_superusers_peers_or_higher_ranks(
    client_for, street_cadre, cadre_a, small_tree
):
    from tests.factories import UserFactory, cadre

    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    peer = cadre(small_tree.street, "street_peer")
    client = client_for(street_cadre)
    listing = client.get(reverse("admin:governance_user_changelist")).content.decode()
    assert "cadre_a" in listing
    assert "street_peer" not in listing and ">root<" not in listing
    for victim in (root, peer):
        password_url = f"/admin/governance/user/{victim.pk}/password/"
        client.post(password_url, {"password1": "Takeover-123!", "password2": "Takeover-123!"})
        victim.refresh_from_db()
        assert not victim.check_password("Takeover-123!")
    # The role list offers only the ranks below.
    body = client.get(reverse("admin:governance_user_add")).content.decode()
    assert 'value="community_cadre"' in body and 'value="street_cadre"' not in body
    # A community cadre sees grid workers and volunteers, not other cadres.
    worker = cadre(small_tree.grid_a, "worker_a")
    community = client_for(cadre_a).get(reverse("admin:governance_user_changelist"))
    listed = {u.username for u in community.context["cl"].result_list}
    assert listed == {worker.username}


def test_the_admin_greets_people_by_their_name(client_for, street_cadre):
    street_cadre.full_name = "王建华"
    street_cadre.save()
    page = client_for(street_cadre).get("/admin/")
    assert "王建华" in page.content.decode()


# --- A community cadre creates the users of their community


USER_ADD = reverse("admin:governance_user_add")
AUTOCOMPLETE = reverse("admin:autocomplete")
NODE_PICKER = {"app_label": "governance", "model_name": "user", "field_name": "node"}


def new_user(node, role="grid_worker", username="new_worker"):
    return {
        "username": username,
        "password1": "a-long-enough-passphrase-7",
        "password2": "a-long-enough-passphrase-7",
        "full_name": "网格员新",
        "mobile": "13800001111",
        "role": role,
        "node": node.pk if node else "",
        "is_staff": "on",
    }


def picked(client, term=""):
    response = client.get(AUTOCOMPLETE, {**NODE_PICKER, "term": term})
    assert response.status_code == 200
    return {int(row["id"]) for row in response.json()["results"]}


def test_the_node_is_picked_by_name_from_the_cadres_subtree_only(client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    form = client.get(USER_ADD).content.decode()
    assert "admin-autocomplete" in form and 'name="node"' in form
    # No select listing every node of the district: the picker asks as one types.
    assert f'value="{small_tree.grid_b.pk}"' not in form
    inside = {
        small_tree.community_a.pk,
        small_tree.grid_a.pk,
        *(b.pk for b in small_tree.buildings_a),
    }
    assert picked(client) == inside
    assert picked(client, "网格") == {small_tree.grid_a.pk}
    assert picked(client, "幸福") == set() and picked(client, "HX-02") == set()


def test_a_community_cadre_creates_a_grid_worker_of_their_grid(client_for, cadre_a, small_tree):
    from governance.models import User

    response = client_for(cadre_a).post(USER_ADD, new_user(small_tree.grid_a))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new_worker")
    assert (user.role, user.node, user.full_name) == ("grid_worker", small_tree.grid_a, "网格员新")
    assert user.check_password("a-long-enough-passphrase-7")


def test_a_node_outside_the_subtree_is_not_accepted(client_for, cadre_a, small_tree):
    from governance.models import User

    client = client_for(cadre_a)
    for node in (small_tree.grid_b, small_tree.street):
        response = client.post(USER_ADD, new_user(node))
        assert response.status_code == 200
        assert "node" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new_worker").exists()


def test_a_community_cadre_gives_only_the_roles_below_and_always_a_role_and_node(
    client_for, cadre_a, small_tree
):
    from governance.models import User

    client = client_for(cadre_a)
    refused = [
        new_user(small_tree.community_a, role="community_cadre"),
        new_user(small_tree.street, role="street_cadre"),
        new_user(small_tree.grid_a, role=""),
        new_user(None, role="volunteer"),
        new_user(small_tree.community_a, role="grid_worker"),  # a grid worker needs a grid
    ]
    for data in refused:
        response = client.post(USER_ADD, data)
        assert response.status_code == 200, data
        assert response.context["adminform"].form.errors, data
    assert not User.objects.filter(username="new_worker").exists()
    volunteer = client.post(USER_ADD, new_user(small_tree.community_a, role="volunteer"))
    assert volunteer.status_code == 302
    assert User.objects.get(username="new_worker").role == "volunteer"


def test_a_grid_worker_may_neither_pick_nodes_nor_add_users(client_for, small_tree):
    from tests.factories import cadre

    client = client_for(cadre(small_tree.grid_a, "gw_add"))
    assert client.get(USER_ADD).status_code in (302, 403)
    response = client.get(AUTOCOMPLETE, {**NODE_PICKER, "term": ""})
    assert response.status_code in (302, 403) and b"results" not in response.content


@pytest.mark.parametrize("grids", [1, 12])
def test_the_node_picker_query_count_does_not_grow(
    client_for, cadre_a, small_tree, django_assert_max_num_queries, grids
):
    for g in range(grids):
        NodeFactory(parent=small_tree.community_a, code=f"HX-01-6{g:02d}")
    client = client_for(cadre_a)
    with django_assert_max_num_queries(8):
        picked(client)
