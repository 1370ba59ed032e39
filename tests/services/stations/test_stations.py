"""Service stations: open now, nearest first, the 15-minute circle, posters, the log, scope."""

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import time_machine
import zxingcpp
from django.urls import reverse

from services.stations import circle as stations
from services.stations import service_log
from services.stations.models import (
    Amenity,
    OpeningException,
    OpeningHours,
    ServiceKind,
    ServiceLog,
    Station,
    StationAmenity,
    StationKind,
)
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 2)
METRE_LAT, METRE_LNG = 1 / 111_000, 1 / 89_800
CENTRE = (36.066, 120.383)


def at(day, hh, mm=0):
    return time_machine.travel(datetime.combine(day, time(hh, mm), tzinfo=TZ), tick=False)


def place(north_m=0, east_m=0):
    return {
        "latitude": CENTRE[0] + north_m * METRE_LAT,
        "longitude": CENTRE[1] + east_m * METRE_LNG,
    }


def make_station(node, code, *, north=0, east=0, kind="党群服务站", hours=(), **extra):
    kind, _ = StationKind.objects.get_or_create(name=kind)
    station = Station.objects.create(
        code=code,
        name=f"驿站{code}",
        kind=kind,
        node=node,
        address="红旗路1号",
        **place(north, east),
        **extra,
    )
    for weekday, opens, closes in hours:
        OpeningHours.objects.create(
            station=station,
            weekday=weekday,
            opens=opens,
            closes=closes,
            closes_next_day=closes <= opens,
        )
    return station


def open_ids(moment_day, hh, mm=0):
    with at(moment_day, hh, mm):
        from django.utils import timezone

        return set(Station.objects.open_at(timezone.now()).values_list("code", flat=True))


def test_open_now_by_weekly_hours_across_midnight_and_on_exception_days(world):
    node = world.tree.community_a
    make_station(node, "DAY", hours=[(d, time(8, 30), time(17, 30)) for d in range(5)])
    make_station(node, "NIGHT", hours=[(0, time(20), time(6))])  # Monday night only
    assert open_ids(MONDAY, 9) == {"DAY"}
    assert open_ids(MONDAY, 17, 30) == set()  # closing time is closed
    assert open_ids(MONDAY, 23) == {"NIGHT"}
    assert open_ids(MONDAY + timedelta(days=1), 3) == {"NIGHT"}  # Tuesday 03:00, past midnight
    assert open_ids(MONDAY + timedelta(days=1), 7) == set()
    assert open_ids(MONDAY + timedelta(days=1), 9) == {"DAY"}
    assert open_ids(MONDAY + timedelta(days=5), 10) == set()  # Saturday
    # A holiday: closed all day, whatever the week says; and its night does not run on.
    holiday = MONDAY + timedelta(days=7)
    for code in ("DAY", "NIGHT"):
        OpeningException.objects.create(
            station=Station.objects.get(code=code), date=holiday, closed=True, note="清明节"
        )
    assert open_ids(holiday, 9) == set() and open_ids(holiday, 23) == set()
    assert open_ids(holiday + timedelta(days=1), 3) == set()
    # Special hours on an exception day.
    OpeningException.objects.create(
        station=Station.objects.get(code="DAY"),
        date=MONDAY,
        opens=time(10),
        closes=time(12),
        note="半天",
    )
    assert open_ids(MONDAY, 9) == set() and open_ids(MONDAY, 11) == {"DAY"}


def test_nearest_first_with_the_needed_amenity_and_open(world):
    node = world.tree.community_a
    far = make_station(node, "FAR", north=900)
    near = make_station(node, "NEAR", north=100, hours=[(0, time(8), time(18))])
    middle = make_station(node, "MID", east=400)
    make_station(node, "SHUT", north=50, active=False)
    kit = Amenity.objects.get(name="急救箱")
    StationAmenity.objects.create(station=far, amenity=kit, available=True)
    StationAmenity.objects.create(station=near, amenity=kit, available=False)
    StationAmenity.objects.create(station=middle, amenity=kit, available=True)

    found = list(stations.nearby(lat=CENTRE[0], lng=CENTRE[1]))
    assert [s.code for s in found] == ["NEAR", "MID", "FAR"]
    assert found[0].distance == pytest.approx(100, rel=0.02)
    assert [s.code for s in stations.nearby(lat=CENTRE[0], lng=CENTRE[1], amenity=kit)] == [
        "MID",
        "FAR",
    ]
    monday_noon = datetime(2026, 3, 2, 12, tzinfo=TZ)
    assert [
        s.code
        for s in stations.nearby(lat=CENTRE[0], lng=CENTRE[1], open_now=True, now=monday_noon)
    ] == ["NEAR"]


def test_the_15_minute_circle_on_a_hand_built_map(world):
    tree = world.tree
    for building, (north, east) in zip(tree.buildings_a, [(0, 0), (0, 1500)], strict=True):
        building.latitude, building.longitude = place(north, east).values()
        building.save()
    extra = NodeFactory(parent=tree.grid_a, code="HX-01-01-09", **place(600, 0))
    NodeFactory(parent=tree.grid_a, code="HX-01-01-10")  # no coordinates: not counted
    make_station(tree.community_a, "S1", north=300)  # 300 m and 300 m away
    make_station(tree.community_b, "S2", north=5000)  # too far for anyone in A
    rows = {r["community"].code: r for r in stations.coverage(tree.street)}
    assert (rows["HX-01"]["total"], rows["HX-01"]["covered"]) == (3, 2)
    assert rows["HX-01"]["share"] == pytest.approx(2 / 3)
    assert rows["HX-02"]["total"] == 0 and rows["HX-02"]["share"] is None
    assert [b.code for b in stations.uncovered(tree.community_a)] == ["HX-01-01-02"]
    assert extra.code not in [b.code for b in stations.uncovered(tree.community_a)]


def test_the_poster_carries_qr_codes_to_the_prefilled_forms(client_for, world):
    station = make_station(world.tree.community_a, "HX-01-S9")
    response = client_for(world.cadre_a).get(reverse("station-poster", args=[station.pk]))
    assert response["Content-Type"] == "application/pdf"
    page = pypdfium2.PdfDocument(io.BytesIO(response.content))[0]
    image = page.render(scale=3).to_pil()
    decoded = sorted(code.text for code in zxingcpp.read_barcodes(image))
    query = f"community={world.tree.community_a.pk}&source=HX-01-S9"
    assert decoded == [
        f"http://testserver/report/?{query}",
        f"http://testserver/wishes/new/?{query}",
    ]
    assert station.name in page.get_textpage().get_text_range()  # the Chinese text is real
    # The codes lead to forms that are really pre-filled.
    form = client_for(world.cadre_a).get(f"/report/?{query}").context["form"]
    assert form["community"].value() == world.tree.community_a.pk
    assert form["source"].value() == "HX-01-S9"


def test_staff_toggle_amenities_and_log_services_from_a_phone(client_for, world):
    station = make_station(world.tree.grid_a, "S1")  # run by the grid
    kit = Amenity.objects.get(name="急救箱")
    StationAmenity.objects.create(station=station, amenity=kit, available=True)  # offered
    client = client_for(world.worker_a)
    client.post(reverse("station-amenity", args=[station.pk, kit.pk]), {"available": "0"})
    assert StationAmenity.objects.get(station=station, amenity=kit).available is False
    # An amenity the station never offered is not added by a toggle: it is refused.
    other = Amenity.objects.exclude(pk=kit.pk).first()
    refused = client.post(
        reverse("station-amenity", args=[station.pk, other.pk]), {"available": "1"}, follow=True
    )
    assert [m.level_tag for m in refused.context["messages"]][-1] == "error"
    assert not StationAmenity.objects.filter(station=station, amenity=other).exists()
    client.post(reverse("station-amenity", args=[station.pk, kit.pk]), {"available": "1"})
    assert StationAmenity.objects.get(station=station, amenity=kit).available is True
    checks = ServiceKind.objects.get(name="血压测量")
    client.post(reverse("station-log", args=[station.pk]), {"kind": checks.pk, "count": 12})
    response = client.post(
        reverse("station-log", args=[station.pk]), {"kind": checks.pk, "count": -3}, follow=True
    )
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert list(ServiceLog.objects.values_list("count", flat=True)) == [12]
    totals = service_log.monthly_totals(ServiceLog.objects.all(), since=date(2000, 1, 1))
    assert totals[0]["total"] == 12 and totals[0]["kind__name"] == "血压测量"


def test_another_communitys_station_is_404_everywhere(client_for, world):
    station = make_station(world.tree.community_a, "S1")
    kit = Amenity.objects.get(name="急救箱")
    client = client_for(world.cadre_b)
    for url in (
        reverse("station-manage", args=[station.pk]),
        reverse("station-poster", args=[station.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("station-amenity", args=[station.pk, kit.pk]), {"available": "0"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("station-log", args=[station.pk]),
            {"kind": ServiceKind.objects.first().pk, "count": 5},
        ).status_code
        == 404
    )
    assert not StationAmenity.objects.exists() and not ServiceLog.objects.exists()
    listing = client.get(reverse("station-manage-list")).content.decode()
    assert station.name not in listing
    coverage = client.get(reverse("station-coverage")).content.decode()
    assert world.tree.community_a.place not in coverage


def test_bad_station_input_gets_messages_never_a_500(client_for, world):
    client = client_for(world.street_cadre)
    kind = StationKind.objects.first()
    add = reverse("admin:services_station_add")
    base = {
        "code": "BAD-1",
        "name": "坏数据驿站",
        "kind": kind.pk,
        "address": "x",
        "node": world.tree.community_a.pk,
        "latitude": 95,
        "longitude": 200,
        "hours-TOTAL_FORMS": 1,
        "hours-INITIAL_FORMS": 0,
        "hours-0-weekday": 0,
        "hours-0-opens": "18:00",
        "hours-0-closes": "08:00",
        "exceptions-TOTAL_FORMS": 0,
        "exceptions-INITIAL_FORMS": 0,
        "amenity_states-TOTAL_FORMS": 0,
        "amenity_states-INITIAL_FORMS": 0,
    }
    response = client.post(add, base)
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "latitude" in errors and "longitude" in errors
    assert not Station.objects.exists()
    fixed = {**base, "latitude": 36.06, "longitude": 120.38}
    response = client.post(add, fixed)
    assert response.status_code == 200
    hours_errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert "跨午夜" in hours_errors  # the message says how to enter overnight hours
    assert not Station.objects.exists()
    # A community cadre cannot place a station outside their community.
    response = client_for(world.cadre_a).post(
        add, {**fixed, "node": world.tree.community_b.pk, "hours-TOTAL_FORMS": 0}
    )
    assert response.status_code == 200 and not Station.objects.exists()


@pytest.mark.parametrize(
    "query", ["?lat=abc&lng=1", "?lat=91&lng=0", "?community=²", "?community=99999", "?amenity=x"]
)
def test_the_finder_takes_odd_input_calmly(client, world, query):
    response = client.get(f"/stations/{query}")
    assert response.status_code == 200


def grow(world, n):
    kit = Amenity.objects.get(name="急救箱")
    checks = ServiceKind.objects.get(name="血压测量")
    for i in range(n):
        station = make_station(
            world.tree.community_a,
            f"G{i}",
            north=i * 50,
            hours=[(d, time(8), time(20)) for d in range(7)],
        )
        StationAmenity.objects.create(station=station, amenity=kit)
        ServiceLog.objects.create(station=station, kind=checks, count=3, recorded_by=world.cadre_a)
        building = NodeFactory(parent=world.tree.grid_a, code=f"HX-01-01-B{i}", **place(i * 80))
        assert building


@pytest.mark.parametrize("n", [2, 12])
@pytest.mark.parametrize(
    "url, who",
    [
        (f"/stations/?lat={CENTRE[0]}&lng={CENTRE[1]}&open_now=on", None),
        ("/stations/manage/", "cadre_a"),
        ("/stations/coverage/", "cadre_a"),
    ],
)
def test_station_pages_query_counts_do_not_grow(
    client, world, n, url, who, django_assert_max_num_queries
):
    grow(world, n)
    if who:
        client.force_login(getattr(world, who))
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_station_page_query_count_does_not_grow(client, world, n, django_assert_max_num_queries):
    grow(world, n)
    station = Station.objects.get(code="G0")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("station-page", args=[station.pk])).status_code == 200


def test_a_closed_day_closes_the_previous_nights_early_hours(world):
    make_station(world.tree.community_a, "NIGHT", hours=[(4, time(18), time(6))])  # Friday
    friday = MONDAY + timedelta(days=4)
    assert open_ids(friday + timedelta(days=1), 2) == {"NIGHT"}
    OpeningException.objects.create(
        station=Station.objects.get(code="NIGHT"),
        date=friday + timedelta(days=1),
        closed=True,
        note="休息",
    )
    assert open_ids(friday + timedelta(days=1), 2) == set()


def test_same_day_hours_marked_overnight_are_refused(world):
    from django.core.exceptions import ValidationError

    station = make_station(world.tree.community_a, "S1")
    hours = OpeningHours(
        station=station, weekday=0, opens=time(8), closes=time(20), closes_next_day=True
    )
    with pytest.raises(ValidationError) as excinfo:
        hours.full_clean()
    assert "closes_next_day" in excinfo.value.message_dict


def test_the_station_page_shows_the_whole_week_and_the_finder_the_state(client, world):
    station = make_station(
        world.tree.community_a, "S1", hours=[(d, time(8, 30), time(17, 30)) for d in range(6)]
    )
    with at(MONDAY, 10):
        page = client.get(reverse("station-page", args=[station.pk]))
        found = client.get("/stations/", {"lat": CENTRE[0], "lng": CENTRE[1]})
    week = page.context["week"]
    assert len(week) == 7 and week[6][1] == []  # Sunday: closed
    assert "休息" in page.content.decode()
    assert found.context["stations"][0].is_open is True
