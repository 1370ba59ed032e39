"""The migration that gave existing gifts a pickup station: a station of the gift's own area
first, else one of its street, never one of another street; and existing redemptions a
pickup code each."""

import importlib

import pytest
from django.apps import apps

from tests.factories import NodeFactory
from tests.volunteers.conftest import make_station
from volunteers.models import Reward

pytestmark = pytest.mark.django_db
migration = importlib.import_module("volunteers.migrations.0007_gift_pickup")


def test_existing_gifts_get_a_station_of_their_area_else_of_their_street(small_tree):
    far = NodeFactory(parent=None, code="DF", name="东风街道党工委")
    make_station(NodeFactory(parent=far, code="DF-01"), code="DF01", name="东风驿站")
    street_station = make_station(small_tree.street, code="HX00", name="街道驿站")
    own = make_station(small_tree.grid_a, code="HXA1", name="红旗网格驿站")
    in_a = Reward.objects.create(node=small_tree.community_a, name="雨伞", points_cost=5)
    in_b = Reward.objects.create(node=small_tree.community_b, name="水杯", points_cost=5)
    lonely = Reward.objects.create(node=far.get_children().first(), name="毛巾", points_cost=5)

    migration.give_stations(apps, None)

    assert Reward.objects.get(pk=in_a.pk).pickup_station == own
    assert Reward.objects.get(pk=in_b.pk).pickup_station == street_station
    assert Reward.objects.get(pk=lonely.pk).pickup_station.name == "东风驿站"


def test_a_gift_with_a_station_keeps_it(service, small_tree):
    make_station(small_tree.grid_a, code="HXA2", name="另一驿站")
    migration.give_stations(apps, None)
    assert Reward.objects.get(pk=service.reward.pk).pickup_station == service.station
