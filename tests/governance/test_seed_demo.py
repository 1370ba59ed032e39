import pytest
from django.core.management import call_command
from django.http import HttpRequest

from governance import tree
from governance.demo import DEMO_PASSWORD, DEMO_USERS
from governance.models import NodeKind, OrgNode, User

pytestmark = pytest.mark.django_db


def counts():
    by_kind = {kind: OrgNode.objects.filter(kind=kind).count() for kind in NodeKind}
    return by_kind, User.objects.count(), list(OrgNode.objects.values_list("pk", "lft", "rght"))


def test_seed_demo_builds_one_realistic_street_and_twice_changes_nothing(capsys):
    call_command("seed_demo")
    first = counts()
    by_kind = first[0]
    assert by_kind[NodeKind.STREET] == 1
    assert by_kind[NodeKind.COMMUNITY] == 8
    assert by_kind[NodeKind.GRID] == 60
    assert by_kind[NodeKind.BUILDING] == 600
    assert 150 < by_kind[NodeKind.HOUSEHOLD] < 400
    assert tree.find_problems() == []
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output and "community_cadre" in output

    call_command("seed_demo")
    assert counts() == first


def test_every_demo_user_can_log_in_and_sits_where_the_readme_says(client):
    call_command("seed_demo")
    for username, _name, role, code, _staff in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert (user.node.code if user.node else None) == code
        user.full_clean()
        # django-axes counts logins per request: the test client's login gives it one.
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)


def test_seed_demo_if_empty_leaves_an_existing_tree_alone(small_tree):
    call_command("seed_demo", "--if-empty")
    assert not OrgNode.objects.filter(code="HX-08").exists()
    assert not User.objects.filter(username="street_cadre").exists()


def test_the_scaled_district_has_ten_streets():
    call_command("seed_demo", "--scale")
    assert OrgNode.objects.filter(kind=NodeKind.STREET).count() == 10
    assert OrgNode.objects.filter(kind=NodeKind.BUILDING).count() == 600 + 9 * 1600
    assert tree.find_problems() == []
