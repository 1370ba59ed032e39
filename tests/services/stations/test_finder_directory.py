"""The public finder lists stations from a cached directory and tells "open now" in Python:
the same stations, order, distances and open state as the database's rule (Station.objects.
open_at), dropped when a station or its hours change, and no query once kept (#19.4)."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.stations import circle
from services.stations.models import Amenity, OpeningException, Station, StationAmenity
from tests.services.stations.test_stations import CENTRE, MONDAY, TZ, at, make_station

pytestmark = pytest.mark.django_db


def codes(found):
    ids = {s.pk: s.code for s in Station.objects.all()}
    return [ids[f.pk] for f in found]


def test_open_now_agrees_with_the_database_at_every_half_hour(world):
    node = world.tree.community_a
    day = make_station(node, "DAY", hours=[(d, time(8, 30), time(17, 30)) for d in range(5)])
    night = make_station(node, "NIGHT", hours=[(0, time(20), time(6)), (3, time(22), time(2))])
    both = make_station(
        node, "BOTH", hours=[(1, time(7), time(12)), (1, time(14), time(1)), (2, time(9), time(11))]
    )
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    OpeningException.objects.create(station=day, date=MONDAY, opens=time(10), closes=time(12))
    OpeningException.objects.create(station=night, date=tuesday, closed=True)
    OpeningException.objects.create(
        station=both, date=wednesday, opens=time(23), closes=time(3), closes_next_day=True
    )
    OpeningException.objects.create(station=day, date=wednesday + timedelta(days=1), closed=True)
    for offset in range(0, 5 * 48):
        moment = datetime.combine(MONDAY, time(0), tzinfo=TZ) + timedelta(minutes=30 * offset)
        expected = set(Station.objects.open_at(moment).values_list("pk", flat=True))
        _read_on, listed = circle._directory(moment.date())
        assert {s.pk for s in listed if circle.is_open(s, moment)} == expected, moment


def test_nearest_first_with_distances_amenity_kind_and_open_now(world):
    node = world.tree.community_a
    far = make_station(node, "FAR", north=900)
    near = make_station(node, "NEAR", north=100, hours=[(0, time(8), time(18))])
    middle = make_station(node, "MID", east=400, kind="红蜂驿站")
    make_station(node, "SHUT", north=50, active=False)
    kit = Amenity.objects.get(name="急救箱")
    StationAmenity.objects.create(station=far, amenity=kit, available=True)
    StationAmenity.objects.create(station=near, amenity=kit, available=False)
    StationAmenity.objects.create(station=middle, amenity=kit, available=True)
    monday_noon = datetime(2026, 3, 2, 12, tzinfo=TZ)

    def both(**filters):
        listed = circle.nearby_listed(lat=CENTRE[0], lng=CENTRE[1], now=monday_noon, **filters)
        queried = list(circle.nearby(lat=CENTRE[0], lng=CENTRE[1], now=monday_noon, **filters))
        assert [f.pk for f in listed] == [s.pk for s in queried]
        for f, s in zip(listed, queried, strict=True):
            assert f.distance == pytest.approx(s.distance, abs=0.01)
            assert f.is_open == s.is_open
        return codes(listed)

    assert both() == ["NEAR", "MID", "FAR"]
    assert both(amenity=kit) == ["MID", "FAR"]
    assert both(kind=middle.kind) == ["MID"]
    assert both(open_now=True) == ["NEAR"]


def test_the_directory_is_kept_and_dropped_when_a_station_changes(client, world):
    station = make_station(world.tree.community_a, "S1", hours=[(0, time(8), time(18))])
    url = f"/stations/?lat={CENTRE[0]}&lng={CENTRE[1]}"
    with at(MONDAY, 10):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            found = client.get(url).context["stations"]
        assert not [q for q in queries.captured_queries if "services_station" in q["sql"]]
        assert [f.name for f in found] == ["驿站S1"] and found[0].is_open
        tile = client.get(url).content.decode()
        assert f'<a href="/stations/{station.pk}/"><strong>驿站S1</strong>' in tile
        assert "<small>党群服务站 · 0米 · 正在开放 · 红旗路1号</small>" in tile
        station.name = "红旗驿站"
        station.save()
        OpeningException.objects.create(station=station, date=MONDAY, closed=True)
        found = client.get(url).context["stations"]
        assert [f.name for f in found] == ["红旗驿站"] and not found[0].is_open
        station.active = False
        station.save()
        assert client.get(url).context["stations"] == []
