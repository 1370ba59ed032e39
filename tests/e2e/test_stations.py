"""README, "Service stations and the 15-minute service circle", walk-through on `make run`:
a resident finds the nearest open station with a first-aid kit from their location on a
phone and opens it; the community cadre toggles an amenity, logs services and prints the QR
poster; the 15-minute circle shows coverage and the buildings left uncovered."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


CENTRE = (36.0671, 120.3826)  # 红旗社区


def near(north, east):
    """A point `north`, `east` metres from the community centre."""
    return CENTRE[0] + north / 111_000, CENTRE[1] + east / 89_800


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    world.community.latitude, world.community.longitude = CENTRE
    world.community.save(update_fields=["latitude", "longitude"])
    # Two buildings near the stations, one 3 km away: the circle leaves it uncovered.
    places = [(100, 0), (-200, 150), (3000, 0)]
    for building, (north, east) in zip(world.buildings, places, strict=True):
        building.latitude, building.longitude = near(north, east)
        building.save(update_fields=["latitude", "longitude"])
    # get_or_create: the migrations list some on a fresh database, flushed after each test.
    kinds = {n: StationKind.objects.get_or_create(name=n)[0] for n in ("党群服务站", "红蜂驿站")}
    amenities = {
        n: Amenity.objects.get_or_create(name=n)[0] for n in ("急救箱", "雨伞雨衣", "饮用水")
    }
    ServiceKind.objects.get_or_create(name="测血压")

    def station(code, name, kind, where, offered, days=range(7)):
        lat, lng = near(*where)
        made = Station.objects.create(
            code=code,
            name=name,
            kind=kinds[kind],
            node=world.community,
            address="红旗路1号",
            latitude=lat,
            longitude=lng,
            services="免费测血压、饮水、手机充电",
            contact_name="值班员",
            contact_phone="0532-88001234",
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(station=made, weekday=d, opens=time(0, 0), closes=time(23, 59))
            for d in days
        )
        StationAmenity.objects.bulk_create(
            StationAmenity(station=made, amenity=amenities[a]) for a in offered
        )
        return made

    today = timezone.localdate().weekday()
    world.near = station(
        "HX-01-S2", "红旗社区红蜂驿站", "红蜂驿站", (300, -250), ["急救箱", "雨伞雨衣"]
    )
    world.far = station("HX-01-S3", "红旗社区佳家驿站", "红蜂驿站", (-900, 300), ["急救箱"])
    # The nearest of all, with a first-aid kit, but closed today.
    world.closed = station(
        "HX-01-S4", "红旗社区养老服务站", "党群服务站", (50, 0), ["急救箱"], [(today + 1) % 7]
    )
    world.no_kit = station("HX-01-S1", "红旗社区党群服务站", "党群服务站", (0, 0), ["饮用水"])
    OpeningException.objects.create(
        station=world.near,
        date=timezone.localdate() + timedelta(days=3),
        closed=True,
        opens=time(0, 0),
        closes=time(0, 1),
        note="设备检修",
    )
    return world


def test_resident_finds_a_station_and_the_community_keeps_it(world, person):
    # 1. As a resident on a phone: Use my location, 急救箱 under "I need", Open now: the
    # nearest open stations with a first-aid kit first, with their distance.
    resident = person(
        "resident",
        phone=True,
        geolocation={"latitude": CENTRE[0], "longitude": CENTRE[1]},
        permissions=["geolocation"],
    ).goto(reverse("station-finder"))
    page = resident.page
    resident.shot("finder")
    resident.fits_a_phone()
    page.select_option("#id_amenity", label="急救箱")
    page.check("#id_open_now")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Use my location")).click()
    resident.no_server_error()
    found = page.locator("main ul.tiles li").all_inner_texts()
    assert [row.split("\n")[0] for row in found] == ["红旗社区红蜂驿站", "红旗社区佳家驿站"], found
    assert re.search(r"\d\s*(米|公里|m|km)\b", found[0]), found[0]  # with the distance
    resident.shot("nearest-open-with-a-first-aid-kit")
    resident.fits_a_phone()

    # ... or choose a community instead.
    resident.goto(reverse("station-finder"))
    page.select_option("#id_community", label="红旗社区")
    page.select_option("#id_amenity", label="急救箱")
    page.check("#id_open_now")
    resident.press(zh("Find"))
    assert "红旗社区红蜂驿站" in resident.text("main ul.tiles")
    assert "红旗社区养老服务站" not in resident.text("main ul.tiles")

    # Open one: the week's hours, holidays and closures, amenities available now, services
    # and contact, and the two resident forms pre-filled with the community and station.
    page.locator("main ul.tiles a", has_text="红旗社区红蜂驿站").click()
    resident.wait_for_path(reverse("station-page", args=[world.near.pk]))
    station_page = resident.text()
    for seen in ("设备检修", "急救箱", "雨伞雨衣", "免费测血压", "0532-88001234", "00:00–23:59"):
        assert seen in station_page, seen
    resident.shot("station")
    resident.fits_a_phone()
    resident.click_link(zh("Report a problem from here"), within="main")
    resident.wait_for_path(reverse("whistle-report"))
    assert page.locator("#id_community option:checked").inner_text() == "红旗社区"
    assert "HX-01-S2" in page.url
    resident.shot("report-from-the-station")
    page.go_back()
    resident.click_link(zh("Post a micro-wish from here"), within="main")
    resident.wait_for_path(reverse("wish-post"))
    assert page.locator("#id_community option:checked").inner_text() == "红旗社区"
    resident.shot("wish-from-the-station")

    # 2. As community_cadre: Service stations; a station's page toggles an amenity with one
    # tap, logs services given, prints the QR poster; the list has the monthly totals.
    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.goto(reverse("home"))
    cadre.click_link(zh("Service stations"), within="main")
    cadre.wait_for_path(reverse("station-manage-list"))
    cadre.shot("stations")
    cadre.click_link("红旗社区红蜂驿站", within="main")
    cadre.wait_for_path(reverse("station-manage", args=[world.near.pk]))
    cadre.shot("station")
    umbrellas = cadre.page.locator("main button.toggle", has_text="雨伞雨衣")
    assert umbrellas.get_attribute("aria-pressed") == "true"
    with cadre.page.expect_navigation():
        umbrellas.click()
    umbrellas = cadre.page.locator("main button.toggle", has_text="雨伞雨衣")
    assert umbrellas.get_attribute("aria-pressed") == "false"
    state = StationAmenity.objects.get(station=world.near, amenity__name="雨伞雨衣")
    assert state.available is False
    cadre.shot("umbrellas-lent-out")
    log = cadre.page.locator(f"form[action='{reverse('station-log', args=[world.near.pk])}']")
    log.locator("select[name=kind]").select_option(label="测血压")
    log.locator("input[name=count]").fill("12")
    cadre.press(zh("Log"))
    assert ServiceLog.objects.get(station=world.near).count == 12
    cadre.shot("services-logged")
    poster = cadre.fetch(cadre.page.get_by_role("link", name=zh("Print the QR poster")))
    assert poster.body().startswith(b"%PDF")
    cadre.goto(reverse("station-manage-list"))
    assert "12" in cadre.text()
    cadre.shot("monthly-totals")

    # The resident sees the umbrellas are out.
    resident.goto(reverse("station-page", args=[world.near.pk]))
    assert "雨伞雨衣 · " + zh("not available now") in resident.text("ul.amenities")

    # 3. The 15-minute circle: the share of buildings with a station within 1 km; for a
    # community chosen, the buildings left uncovered.
    cadre.click_link(zh("15-minute service circle"), within="main")
    cadre.wait_for_path(reverse("station-coverage"))
    assert "红旗社区\t3\t2\t66.7%" in cadre.text("main table")  # 2 of its 3 buildings
    cadre.shot("coverage")
    cadre.click_link("红旗社区", within="main table")
    assert "锦绣苑3号楼" in cadre.text()
    assert "锦绣苑1号楼" not in cadre.text()
    cadre.shot("uncovered-buildings")
