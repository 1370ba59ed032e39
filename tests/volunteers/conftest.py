"""A volunteer team in community A of the small tree: a leader, two members, an activity
tomorrow from 9:00 to 12:00 and a gift in the catalogue."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from governance.models import Role
from services.stations.models import OpeningHours, Station, StationKind
from tests.factories import UserFactory
from volunteers.models import (
    Activity,
    Membership,
    MembershipStatus,
    Reward,
    Team,
    VolunteerProfile,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The test clock: activities start the next morning.
T0 = datetime(2026, 5, 11, 9, tzinfo=SHANGHAI)  # a Monday


@dataclass
class Service:
    team: Team
    leader: object  # User
    alice: object
    bob: object
    activity: Activity
    reward: Reward
    station: Station  # where the reward is collected


def volunteer(username, node, **fields):
    user = UserFactory(username=username, role=Role.VOLUNTEER, node=node, **fields)
    VolunteerProfile.objects.get_or_create(user=user, defaults={"community": node})
    return user


def make_activity(team, starts_at=T0 + timedelta(days=1), hours=3, capacity=10, **fields):
    return Activity.objects.create(
        team=team,
        node=team.node,
        title=fields.pop("title", "助老清洁"),
        place="锦绣苑活动室",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        signup_deadline=fields.pop("signup_deadline", starts_at - timedelta(hours=12)),
        points_per_hour=fields.pop("points_per_hour", 10),
        **fields,
    )


def make_station(node, code="HQA1", name="红旗社区党群服务站"):
    """A station open Monday to Friday, 9:00-17:00."""
    kind, _ = StationKind.objects.get_or_create(name="党群服务站")
    station = Station.objects.create(
        code=code,
        name=name,
        kind=kind,
        node=node,
        address="红旗路1号",
        latitude=31.23,
        longitude=121.47,
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            station=station, weekday=weekday, opens=time(9), closes=time(17)
        )
    return station


@pytest.fixture
def service(small_tree):
    community = small_tree.community_a
    team = Team.objects.create(name="助老服务队", brand="守望彩虹", node=community)
    leader = volunteer("leader", community, full_name="李队长")
    alice = volunteer("alice", community, full_name="王爱丽", is_party_member=True)
    bob = volunteer("bob", community, full_name="赵小波")
    for user in (leader, alice, bob):
        Membership.objects.create(
            team=team,
            volunteer=user.volunteer,
            is_leader=user is leader,
            status=MembershipStatus.APPROVED,
        )
    station = make_station(community)
    return Service(
        team=team,
        leader=leader,
        alice=alice,
        bob=bob,
        activity=make_activity(team),
        reward=Reward.objects.create(
            node=community, name="环保购物袋", points_cost=20, stock=5, pickup_station=station
        ),
        station=station,
    )
