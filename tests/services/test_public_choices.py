"""The public forms' lists (communities, kinds of problem, amenities) come from the choice
cache: no query for them once cached, a change shows on the next page, what is posted is
still checked against the database, and with Redis down the pages and the report still work
(#19.4)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.stations.models import Amenity, StationKind
from services.whistles.models import Category, Whistle
from tests.factories import NodeFactory
from tests.services.test_outages import redis_down
from tests.services.whistles.test_public_pages import form_data

pytestmark = pytest.mark.django_db


def options(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)


def tables_read(queries):
    return {t for q in queries for t in re.findall(r'FROM "(\w+)"', q["sql"])}


def test_the_report_form_lists_from_the_cache_without_a_query(client, world):
    client.get("/report/")  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/report/").content.decode()
    assert not tables_read(queries.captured_queries) & {"governance_orgnode", "services_category"}
    communities = options(html, "community")
    assert communities[0][0] == ""  # the empty choice first
    assert [c[2] for c in communities[1:]] == [
        world.tree.community_a.place,
        world.tree.community_b.place,
    ]
    active = Category.objects.filter(active=True).order_by("ordering", "pk")
    assert [c[0] for c in options(html, "category")[1:]] == [str(c.pk) for c in active]


def test_the_report_page_makes_a_flat_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.get("/report/")
    for i in range(5):
        NodeFactory(parent=world.tree.street, name=f"新社区{i}党委", code=f"HX-1{i}")
    with django_assert_max_num_queries(3):
        assert client.get("/report/").status_code == 200


def test_a_renamed_or_new_community_shows_on_the_next_page(client, world):
    client.get("/report/")
    community = world.tree.community_b
    community.place_name = "幸福里"
    community.save()
    html = client.get("/report/").content.decode()
    assert "幸福里" in {c[2] for c in options(html, "community")}


def test_a_category_taken_off_the_form_goes_from_the_list(client, world):
    client.get("/report/")
    world.danger.active = False
    world.danger.save()
    html = client.get("/report/").content.decode()
    assert str(world.danger.pk) not in {c[0] for c in options(html, "category")}
    # And posting it anyway is refused, not saved.
    response = client.post("/report/", form_data(world, category=world.danger.pk))
    assert response.status_code == 400 and not Whistle.objects.exists()


def test_what_is_posted_is_checked_against_the_database_not_the_cached_list(client, world):
    client.get("/report/")
    # A building's id is not a community, whatever the cached list says.
    response = client.post("/report/", form_data(world, community=world.tree.buildings_a[0].pk))
    assert response.status_code == 400 and not Whistle.objects.exists()
    response = client.post("/report/", form_data(world, community="not-a-number"))
    assert response.status_code == 400


def test_the_chosen_community_stays_selected_when_the_form_comes_back(client, world):
    response = client.post("/report/", form_data(world, description="短"))
    assert response.status_code == 400
    selected = [c for c in options(response.content.decode(), "community") if c[1]]
    assert selected == [(str(world.tree.community_a.pk), " selected", world.tree.community_a.place)]


def test_place_names_are_escaped(client, world):
    community = world.tree.community_a
    community.place_name = '<b>"红旗"</b>'
    community.save()
    html = client.get("/report/").content.decode()
    assert "<b>" not in html and "&lt;b&gt;&quot;红旗&quot;&lt;/b&gt;" in html


def test_with_redis_down_the_form_shows_and_the_report_is_saved(
    client, world, django_capture_on_commit_callbacks, frozen_clock
):
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        html = client.get("/report/").content.decode()
        assert world.tree.community_a.place in {c[2] for c in options(html, "community")}
        world.danger.save()  # dropping the list while the cache is down fails nothing
        response = client.post("/report/", form_data(world))
    assert response.status_code == 302 and Whistle.objects.count() == 1


def test_the_station_finder_lists_follow_their_admin_lists(client, world):
    client.get("/stations/")
    Amenity.objects.create(name="轮椅")
    StationKind.objects.create(name="党群服务驿站")
    html = client.get("/stations/").content.decode()
    assert "轮椅" in {c[2] for c in options(html, "amenity")}
    assert "党群服务驿站" in {c[2] for c in options(html, "kind")}
    response = client.get("/stations/", {"amenity": "999999"})
    assert response.status_code == 200  # an unknown choice is a form error, not a 500


def test_the_wish_wall_offers_the_communities_with_the_chosen_one_selected(client, world):
    community = world.tree.community_b
    html = client.get("/wishes/", {"community": community.pk}).content.decode()
    offered = options(html, "community")
    assert offered[0][0] == "" and len(offered) == 3
    assert [c for c in offered if c[1]] == [(str(community.pk), " selected", community.place)]
    html = client.get("/wishes/", {"street": world.tree.street.pk}).content.decode()
    assert not [c for c in options(html, "community") if c[1] and c[0]]
