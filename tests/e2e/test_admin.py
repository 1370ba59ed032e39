"""README, "What is here" and "Accounts, roles and scope": the street cadre's admin — the
organisation tree (collapsed, opened on demand, searched by code, reordered by drag and
drop), a password reset handed over in person and changed at the next login; the community
cadre renames their own community but cannot move or delete it; /org/ with its counts,
breadcrumb and Excel sheet."""

import pytest
from django.urls import reverse

from governance.models import OrgNode
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


@pytest.fixture
def world(transactional_db):
    return red_star_street()


def tree_row(person, name):
    return person.page.locator("#result_list tbody tr", has_text=name)


def test_street_cadre_keeps_the_tree_and_the_accounts(world, person):
    street = person("street_cadre").log_in(world["street_cadre"])
    street.goto(reverse("admin:index"))
    street.shot("admin")
    street.goto(reverse("admin:governance_orgnode_changelist"))
    # Collapsed: the street and its communities; a community opens on demand.
    assert tree_row(street, "红旗社区党委").count() == 1
    assert tree_row(street, "红旗社区第1网格党支部").count() == 0
    street.shot("tree-collapsed")
    with street.page.expect_navigation():
        tree_row(street, "红旗社区党委").locator("a.tree-toggle").click()
    assert tree_row(street, "红旗社区第1网格党支部").count() == 1
    street.shot("tree-opened")

    # Drag and drop: 幸福社区 before 红旗社区.
    handle = tree_row(street, "幸福社区党委").locator(".drag-handle")
    target = tree_row(street, "红旗社区党委")
    box = target.bounding_box()
    handle.hover()
    street.page.mouse.down()
    street.page.mouse.move(box["x"] + 40, box["y"] + 20, steps=5)
    street.page.mouse.move(box["x"] + 40, box["y"] + 3, steps=5)
    with street.page.expect_navigation():  # the move is posted, then the list reloads
        street.page.mouse.up()
    street.no_server_error()
    communities = OrgNode.objects.filter(parent=world.street).order_by("lft")
    assert [c.code for c in communities] == ["HX-02", "HX-01"]
    street.shot("tree-reordered")

    # Search by name or code.
    street.page.fill("#searchbar", "HX-01-01-02")
    with street.page.expect_navigation():
        street.page.press("#searchbar", "Enter")
    rows = street.page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "锦绣苑2号楼" in rows.inner_text()
    street.shot("tree-search")

    # Users: reset community_cadre's password; the temporary one is shown once.
    cadre_user = world["community_cadre"]
    street.goto(reverse("admin:governance_user_changelist"))
    street.page.locator(f"input[name=_selected_action][value='{cadre_user.pk}']").check()
    street.page.select_option("select[name=action]", "reset_passwords")
    with street.page.expect_navigation():
        street.page.locator("#changelist-form button[name=index]").click()
    said = street.page.locator("ul.messagelist li.warning").inner_text()
    temporary = said.rsplit(" ", 1)[-1].split("：")[-1].split(":")[-1].strip()
    # The username as typed: the message does not start with it, so the admin's capfirst
    # leaves it alone (logins are case-sensitive).
    assert cadre_user.username in said and len(temporary) >= 10, said
    street.shot("password-reset")

    # Its holder must choose a new one before anything else.
    cadre = person("community_cadre")
    cadre.page.goto(reverse("login"))
    cadre.page.fill("#id_username", cadre_user.username)
    cadre.page.fill("#id_password", temporary)
    cadre.submit("main form")
    cadre.goto(reverse("whistle-list"))
    assert cadre.path == reverse("password-change"), cadre.path
    assert zh("An administrator reset your password. Choose your own before you go on.") in (
        cadre.text()
    )
    cadre.shot("must-change-password")
    cadre.page.fill("#id_old_password", temporary)
    cadre.page.fill("#id_new_password1", "红旗社区-新密码-2026")
    cadre.page.fill("#id_new_password2", "红旗社区-新密码-2026")
    cadre.submit("main form")
    cadre.goto(reverse("whistle-list"))
    assert cadre.path == reverse("whistle-list")

    # In the admin a community cadre renames their own community; the parent and the kind
    # are not theirs to change, nor is deleting it.
    cadre.goto(reverse("admin:governance_orgnode_change", args=[world.community.pk]))
    cadre.shot("own-community")
    assert cadre.page.locator("select[name=parent]").count() == 0
    assert cadre.page.locator("select[name=kind]").count() == 0
    assert cadre.page.locator("a.deletelink").count() == 0
    cadre.page.fill("input[name=place_name]", "红旗社区（新）")
    cadre.submit("#orgnode_form")
    world.community.refresh_from_db()
    assert world.community.place_name == "红旗社区（新）"
    # Django's admin answers an object outside the queryset by sending them to its index
    # with "…不存在" (it may have been deleted), never the object.
    cadre.goto(reverse("admin:governance_orgnode_change", args=[world.other_community.pk]))
    assert cadre.path == reverse("admin:index") and "不存在" in cadre.text()
    cadre.shot("another-community")

    # /org/: their part of the tree with counts per child, a breadcrumb, and the sheet.
    cadre.goto(reverse("home"))
    cadre.click_link(zh("Organisation tree"), within="main")
    cadre.no_server_error()
    assert "红旗社区第1网格党支部" in cadre.text("main table")
    assert "幸福社区党委" not in cadre.text()
    cadre.shot("org-tree")
    sheet = cadre.fetch(cadre.page.get_by_role("link", name=zh("Download as Excel")))
    assert sheet.body().startswith(b"PK")
