"""The 13 service stations of the demo street with their hours, amenities and a year of
services logged by each community's cadre."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from governance.models import NodeKind, OrgNode, Role, User
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

STATIONS = [
    (
        "党群服务站",
        "{place}党群服务站",
        (0, 0),
        None,
        ["饮用水", "休息座椅", "卫生间", "手机充电", "血压计"],
    ),
    (
        "红蜂驿站",
        "{place}红蜂驿站",
        (300, -250),
        ("07:00", "23:00"),
        ["打气筒", "雨伞雨衣", "维修工具", "急救箱", "饮用水", "微波炉", "手机充电", "休息座椅"],
    ),
    (
        "佳家驿站",
        "{place}佳家驿站",
        (-350, 300),
        ("20:00", "06:00"),
        ["饮用水", "手机充电", "休息座椅", "雨伞雨衣", "急救箱"],
    ),
    (
        "养老服务站",
        "{place}养老服务站",
        (-200, -300),
        ("08:00", "18:00"),
        ["血压计", "休息座椅", "饮用水"],
    ),
    (
        "社区食堂",
        "{place}社区食堂",
        (250, 350),
        ("10:30", "19:30"),
        ["微波炉", "饮用水", "休息座椅"],
    ),
]
# Which of the demo street's communities have which stations: two have none, so the
# 15-minute circle has gaps to show.
STATIONS_BY_COMMUNITY = {1: [0, 1, 2, 3, 4], 2: [0, 1], 3: [0], 4: [0, 3], 5: [0, 1], 6: [0]}


def seed_stations():
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None or Station.objects.filter(node__tree_id=street.tree_id).exists():
        return 0
    kinds = {k.name: k for k in StationKind.objects.all()}
    amenities = {a.name: a for a in Amenity.objects.all()}
    services = list(ServiceKind.objects.all())
    # Each community's cadre logs its stations' services (the demo's own in 红旗社区).
    cadres = {}
    for user in User.objects.filter(role=Role.COMMUNITY_CADRE, node__parent=street).order_by("-pk"):
        cadres[user.node_id] = user
    logs = []
    rng = random.Random(15)
    today = timezone.localdate()
    made = 0
    for number, picks in STATIONS_BY_COMMUNITY.items():
        community = OrgNode.objects.get(code=f"HX-{number:02d}")
        for index in picks:
            kind, name, (north, east), daily, offered = STATIONS[index]
            station = Station.objects.create(
                code=f"{community.code}-S{index + 1}",
                name=name.format(place=community.place),
                kind=kinds[kind],
                node=community,
                address=f"{community.place}{rng.randint(1, 200)}号",
                latitude=community.latitude + north / 111_000,
                longitude=community.longitude + east / 89_800,
                services="免费测血压、饮水、手机充电、政策咨询",
                contact_name="值班员",
                contact_phone=f"0532-8{rng.randrange(10**6):06d}",
            )
            if daily is None:  # office hours, Saturday mornings, and closed on New Year's Day
                rows = [(d, "08:30", "17:30") for d in range(5)] + [(5, "09:00", "12:00")]
                OpeningException.objects.create(
                    station=station,
                    date=today.replace(year=today.year + 1, month=1, day=1),
                    closed=True,
                    note="元旦休息",
                )
            else:
                rows = [(d, *daily) for d in range(7)]
            OpeningHours.objects.bulk_create(
                [
                    OpeningHours(
                        station=station, weekday=d, opens=o, closes=c, closes_next_day=c < o
                    )
                    for d, o, c in rows
                ]
            )
            StationAmenity.objects.bulk_create(
                [
                    StationAmenity(
                        station=station, amenity=amenities[a], available=rng.random() > 0.15
                    )
                    for a in offered
                ]
            )
            logs += _service_log(station, cadres.get(community.pk), services, rng, today)
            made += 1
    ServiceLog.objects.bulk_create(logs, batch_size=2000)
    return made


LOG_EVERY_DAYS = 3
LOG_DAYS = 365


def _service_log(station, cadre, services, rng, today):
    """A year of services given, every few days, each written up that evening."""
    if cadre is None:
        return []
    rows = []
    for days_ago in range(0, LOG_DAYS, LOG_EVERY_DAYS):
        day = today - timedelta(days=days_ago)
        rows.append(
            ServiceLog(
                station=station,
                kind=rng.choice(services),
                count=rng.randint(3, 40),
                date=day,
                recorded_by=cadre,
                recorded_at=min(
                    timezone.make_aware(datetime.combine(day, time(17, 30))), timezone.now()
                ),
            )
        )
    return rows


# Which stations each community of a district street has: a 党群服务站 in every one, the
# others (驿站, elderly care, canteen) in some, by the community's number.
DISTRICT_STATIONS = [[0, 1, 3], [0, 2], [0, 4], [0, 1], [0]]


def seed_district_stations(street):
    """The stations of a district street, as the demo street's (hours, amenities, a year of
    services logged by the community's cadre); nothing when it has them already."""
    if Station.objects.filter(node__tree_id=street.tree_id).exists():
        return 0
    kinds = {k.name: k for k in StationKind.objects.all()}
    amenities = {a.name: a for a in Amenity.objects.all()}
    services = list(ServiceKind.objects.all())
    cadres = {}
    for user in User.objects.filter(role=Role.COMMUNITY_CADRE, node__parent=street).order_by("-pk"):
        cadres[user.node_id] = user
    rng = random.Random(f"stations-{street.code}")
    today = timezone.localdate()
    stations, hours, offered, logs = [], [], [], []
    communities = OrgNode.objects.filter(parent=street, kind=NodeKind.COMMUNITY).order_by("lft")
    for number, community in enumerate(communities):
        for index in DISTRICT_STATIONS[number % len(DISTRICT_STATIONS)]:
            kind, name, (north, east), daily, amenity_names = STATIONS[index]
            station = Station(
                code=f"{community.code}-S{index + 1}",
                name=name.format(place=community.place),
                kind=kinds[kind],
                node=community,
                address=f"{community.place}{rng.randint(1, 200)}号",
                latitude=community.latitude + north / 111_000,
                longitude=community.longitude + east / 89_800,
                services="免费测血压、饮水、手机充电、政策咨询",
                contact_name="值班员",
                contact_phone=f"0532-8{rng.randrange(10**6):06d}",
            )
            stations.append((station, daily, amenity_names, cadres.get(community.pk)))
    Station.objects.bulk_create([s for s, *_ in stations])
    for station, daily, amenity_names, cadre in stations:
        if daily is None:
            rows = [(d, "08:30", "17:30") for d in range(5)] + [(5, "09:00", "12:00")]
        else:
            rows = [(d, *daily) for d in range(7)]
        hours += [
            OpeningHours(station=station, weekday=d, opens=o, closes=c, closes_next_day=c < o)
            for d, o, c in rows
        ]
        offered += [
            StationAmenity(station=station, amenity=amenities[a], available=rng.random() > 0.15)
            for a in amenity_names
        ]
        logs += _service_log(station, cadre, services, rng, today)
    OpeningHours.objects.bulk_create(hours, batch_size=2000)
    StationAmenity.objects.bulk_create(offered, batch_size=2000)
    ServiceLog.objects.bulk_create(logs, batch_size=2000)
    return len(stations)
