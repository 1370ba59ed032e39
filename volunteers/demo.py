"""Demo volunteer service for 红星街道: a team in every community, a year and a half of
Saturday activities with approved hours and the points they earned, a gift
catalogue picked up at the community's station (a gift 陈海燕 reserved, waiting to be handed
over), last December's confirmed star round, and activities the demo volunteer can join
today (one is under way now, so check-in works on `make run`).

History is bulk-written with the same numbers the workflows would produce (hours clipped to
the window, points = hours × points per hour × difficulty, each entry's balance after it);
`check_ledger` holds on the result."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from governance.demo import GIVEN, SURNAMES, clock
from governance.models import NodeKind, OrgNode, Role, User
from governance.scope import subtree_q
from services.stations import demo as stations_demo
from services.stations.models import Station
from volunteers import stars
from volunteers.hours import ledger_reason, points_for
from volunteers.models import (
    Activity,
    EntryKind,
    HoursKind,
    HoursStatus,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Reward,
    ServiceHours,
    SignUp,
    SignUpStatus,
    StarRound,
    Team,
    VolunteerProfile,
)
from volunteers.rewards import redeem

TEAMS = [
    ("守望彩虹", "助老服务队"),
    ("小红帽", "平安巡逻队"),
    ("红色物业", "环境整治队"),
    ("邻里守望", "互助服务队"),
    ("彩虹桥", "关爱儿童队"),
    ("绿色家园", "垃圾分类督导队"),
    ("银发先锋", "文明劝导队"),
    ("红心", "楼道治理队"),
]
TITLES = ["助老清洁", "楼道清理", "夜间巡逻", "垃圾分类宣传", "义诊咨询", "四点半课堂"]
GIFTS = [("环保购物袋", 50, 40), ("抽纸一提", 80, 30), ("食用油 5L", 300, 10), ("电影票", 200, 20)]
MEMBERS_PER_TEAM = 10
HISTORY_START = date(2025, 5, 3)  # a Saturday


def seed(*, scale=False):
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None or Team.objects.filter(node__tree_id=street.tree_id).exists():
        return {"volunteer teams": 0, "service hours": 0}
    rng = random.Random(5)
    stations = stations_demo.seed_stations()  # gifts are picked up at a station: first
    communities = list(street.get_children().order_by("lft"))
    demo_volunteer = User.objects.filter(username="volunteer").first()
    teams, members = [], {}
    for index, community in enumerate(communities):
        brand, name = TEAMS[index % len(TEAMS)]
        founded = _at(HISTORY_START - timedelta(days=14), 10)
        team = Team.objects.create(
            brand=brand,
            name=name,
            node=community,
            created_at=founded,
            description=f"{community.place}{brand}{name}：每周六上午开展志愿服务。",
        )
        people = _volunteers(community, index, rng)
        if index == 0 and demo_volunteer is not None:
            people = [_profile(demo_volunteer, community), *people[1:]]
        Membership.objects.bulk_create(
            [
                Membership(
                    team=team,
                    volunteer=profile,
                    is_leader=i == 1,
                    status=MembershipStatus.APPROVED,
                    # They joined before the first Saturday they served on.
                    requested_at=founded + timedelta(days=i % 5),
                    decided_at=founded + timedelta(days=i % 5 + 1),
                )
                for i, profile in enumerate(people)
            ]
        )
        teams.append(team)
        members[team.pk] = people
        pickup = _pickup_station(community, street)
        Reward.objects.bulk_create(
            [
                Reward(node=community, name=n, points_cost=c, stock=s, pickup_station=pickup)
                for n, c, s in GIFTS
            ]
        )
    hours = sum(_history(team, members[team.pk], rng) for team in teams)
    _book_points()
    _confirmed_round(date(2025, 12, 31))
    if demo_volunteer is not None:
        _reserved_gift(demo_volunteer)
    for team in teams:
        _coming_up(team, members[team.pk][0])
    return {"service stations": stations, "volunteer teams": len(teams), "service hours": hours}


def _pickup_station(community, street):
    """The community's own station (its 党群服务站 first), else one of the street's."""
    active = Station.objects.filter(active=True).order_by("code")
    return (
        active.filter(subtree_q(community, "node")).first()
        or active.filter(node__tree_id=street.tree_id).first()
    )


def _reserved_gift(user):
    """陈海燕 reserved a gift five days ago, not yet picked up: the community hands it over by
    its pickup code. Through the real step, after her last hours were booked and before the
    wishes she lit, so her ledger's running balance reads in time order."""
    reward = Reward.objects.filter(node=user.node, name=GIFTS[1][0]).first()
    if reward is None:
        return
    with clock(timezone.now() - timedelta(days=5)):
        redeem(reward=reward, user=user)


def _volunteers(community, index, rng):
    users = [
        User(
            username=f"vol{index + 1:02d}{i:02d}",
            full_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            role=Role.VOLUNTEER,
            node=community,
            is_party_member=i % 3 == 0,
            mobile=f"137{index:02d}{i:06d}",
            password="!",  # no login: the demo logs in as `volunteer`
        )
        for i in range(MEMBERS_PER_TEAM)
    ]
    User.objects.bulk_create(users)
    users = User.objects.filter(username__in=[u.username for u in users]).order_by("username")
    return [_profile(user, community) for user in users]


def _profile(user, community):
    profile, _ = VolunteerProfile.objects.get_or_create(
        user=user, defaults={"community": community, "registered_on": HISTORY_START}
    )
    return profile


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _history(team, people, rng):
    """Saturday mornings since HISTORY_START: the first member (the demo
    volunteer in the first community) always comes, the others now and then."""
    today = timezone.localdate()
    days = []
    day = HISTORY_START
    while day < today - timedelta(days=7):
        days.append(day)
        day += timedelta(days=7)
    activities = Activity.objects.bulk_create(
        [
            Activity(
                team=team,
                node=team.node,
                title=TITLES[i % len(TITLES)],
                place=f"{team.node.place}党群服务站",
                starts_at=_at(d, 8),
                ends_at=_at(d, 12),
                capacity=12,
                signup_deadline=_at(d - timedelta(days=1), 18),
                points_per_hour=10,
                closed_at=_at(d, 13),
            )
            for i, d in enumerate(days)
        ]
    )
    signups = []
    for activity in activities:
        for i, profile in enumerate(people):
            if i == 0 or rng.random() < 0.45:
                late = timedelta(minutes=rng.choice([0, 0, 10, 30]))
                signups.append(
                    SignUp(
                        activity=activity,
                        volunteer=profile,
                        status=SignUpStatus.REGISTERED,
                        queued_at=activity.signup_deadline - timedelta(days=2),
                        confirmed_at=activity.starts_at - timedelta(hours=20),
                        checked_in_at=activity.starts_at + late,
                        checked_out_at=activity.ends_at,
                    )
                )
    signups = SignUp.objects.bulk_create(signups)
    ServiceHours.objects.bulk_create(
        [
            ServiceHours(
                volunteer=s.volunteer,
                activity=s.activity,
                signup=s,
                kind=HoursKind.CREDIT,
                hours=Decimal((s.checked_out_at - s.checked_in_at).total_seconds() / 3600).quantize(
                    Decimal("0.01")
                ),
                status=HoursStatus.APPROVED,
                created_at=s.checked_out_at,
                decided_at=s.checked_out_at + timedelta(days=1),
            )
            for s in signups
        ]
    )
    return len(signups)


@translation.override(settings.LANGUAGE_CODE)  # commands run untranslated; entries keep text
def _book_points():
    """One earned entry per approved hours row, in time order, with running balances."""
    balances = {}
    entries = []
    rows = ServiceHours.objects.filter(status=HoursStatus.APPROVED).select_related("activity")
    for row in rows.order_by("decided_at", "pk"):
        points = points_for(row)
        balances[row.volunteer_id] = balances.get(row.volunteer_id, 0) + points
        entries.append(
            LedgerEntry(
                volunteer_id=row.volunteer_id,
                kind=EntryKind.EARNED_HOURS,
                points=points,
                balance_after=balances[row.volunteer_id],
                reason=ledger_reason(row),
                key=f"hours:{row.pk}",
                at=row.decided_at,
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    for profile in VolunteerProfile.objects.filter(pk__in=balances):
        profile.points_balance = balances[profile.pk]
        profile.save(update_fields=["points_balance"])


@translation.override(settings.LANGUAGE_CODE)  # the volunteers are told, in Chinese
def _confirmed_round(rating_date):
    """Last December's round, proposed then, through its notice period and confirmed."""
    star_round, _proposed = stars.propose(rating_date)
    StarRound.objects.filter(pk=star_round.pk).update(
        proposed_at=_at(rating_date, 9), notice_ends_on=rating_date + timedelta(days=7)
    )
    stars.confirm(star_round, now=_at(rating_date + timedelta(days=8), 9))


def _coming_up(team, regular):
    """One activity under way now, its sign-up closed and `regular` on it (so check-in
    works on `make run`), and two in the coming week to sign up for."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    specs = [
        ("社区环境清洁日", now - timedelta(hours=1), 6, 20),
        ("敬老院陪伴", now + timedelta(days=2), 3, 8),
        ("防诈骗宣传", now + timedelta(days=5), 2, 2),
    ]
    for title, start, length, capacity in specs:
        activity = Activity.objects.create(
            team=team,
            node=team.node,
            title=title,
            place=f"{team.node.place}党群服务站",
            starts_at=start,
            ends_at=start + timedelta(hours=length),
            capacity=capacity,
            signup_deadline=start,
            points_per_hour=10,
        )
        if start < now:
            SignUp.objects.create(
                activity=activity, volunteer=regular, status=SignUpStatus.REGISTERED
            )
