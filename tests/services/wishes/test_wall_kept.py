"""The wish wall is kept in the shared cache: a second visit reads no wishes, and a changed
wish, claimer's name or place shows on the next visit (#19.4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.wishes import steps as wishes
from services.wishes.models import WishCategory
from tests.services.wishes.conftest import on_wall, post

pytestmark = pytest.mark.django_db


def wish_queries(client, url="/wishes/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q for q in queries.captured_queries if "services_wish" in q["sql"]]


def test_a_second_visit_reads_no_wishes_and_a_change_shows_next_time(client, world, volunteer):
    wish = on_wall(world, text="想要一盏台灯。")
    first, read = wish_queries(client)
    assert read and [c["text"] for c in first.context["cards"]] == ["想要一盏台灯。"]
    again, read = wish_queries(client)
    assert not read and again.context["cards"] == first.context["cards"]

    wishes.claim_wish(wish=wish, actor=volunteer, show_name=True)
    wishes.confirm_wish(wish=wishes.fulfil_wish(wish=wish, actor=volunteer, note="done"))
    lit = client.get("/wishes/")
    assert lit.context["cards"][0]["lit"] and lit.context["lit_count"] == 1
    assert lit.context["rankings"][0]["name"] == volunteer.full_name

    volunteer.full_name = "王建华"
    volunteer.save()
    assert client.get("/wishes/").context["rankings"][0]["name"] == "王建华"
    community = world.tree.community_a
    community.place_name = "幸福里"
    community.save()
    assert client.get("/wishes/").context["cards"][0]["place"] == "幸福里"


def test_each_place_and_kind_is_kept_apart(client, world):
    on_wall(world, text="社区甲的心愿。")
    other = post(
        world,
        community=world.tree.community_b,
        building=world.tree.buildings_b[0],
        category=WishCategory.REPAIR,
        text="社区乙的心愿。",
    )
    wishes.approve_wish(wish=other, actor=world.cadre_b)

    def texts(**params):
        return [c["text"] for c in client.get("/wishes/", params).context["cards"]]

    assert texts(community=world.tree.community_a.pk) == ["社区甲的心愿。"]
    assert texts(community=world.tree.community_b.pk) == ["社区乙的心愿。"]
    assert texts(category="repair") == ["社区乙的心愿。"]
    assert sorted(texts()) == ["社区乙的心愿。", "社区甲的心愿。"]
