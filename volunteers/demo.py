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
from django.utils.translation import gettext

from governance.demo import (
    GIVEN,
    SURNAMES,
    building_rooms,
    clock,
    copy_rows,
    district_streets,
    reserve_ids,
)
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


def seed(*, scale=0):
    created = _demo_street()
    if scale:
        for street in district_streets():
            for what, n in seed_district_volunteers(street).items():
                created[what] = created.get(what, 0) + n
    return created


def _demo_street():
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


# --- the district's other streets: a year of service, written by COPY in one pass a street

VOLUNTEER_SHARE = 0.075  # registered volunteers per household: ~30,000 in the district
TEAM_SIZE = 40  # a community has a team for every 40 volunteers, at most three
DISTRICT_HISTORY_DAYS = 365
TURNOUT = (0.1, 0.2)  # the share of a team that comes to one of its activities


@translation.override(settings.LANGUAGE_CODE)  # the ledger's reasons keep their text
def seed_district_volunteers(street):
    """A district street's volunteers (`VOLUNTEER_SHARE` of each community's households,
    `v_<community code>_<n>`, no login; every fifth a party member), up to three teams per
    community with a Saturday or Sunday activity every week of the past year, the hours of
    those who came (approved) and the points they earned, each ledger entry with the
    balance after it in time order and the profile's balance the last one; the community's
    stations and gift catalogue. Nothing when the street has teams already."""
    if Team.objects.filter(node__tree_id=street.tree_id).exists():
        return {}
    stations = stations_demo.seed_district_stations(street)
    rng = random.Random(f"volunteers-{street.code}")
    today = timezone.localdate()
    communities = list(street.get_children().order_by("lft"))
    # Every flat is a household of the register (grids/demo.py): count them from the tree.
    sizes = {}
    for code, community in OrgNode.objects.filter(
        tree_id=street.tree_id, kind=NodeKind.BUILDING
    ).values_list("code", "parent__parent_id"):
        sizes[community] = sizes.get(community, 0) + len(building_rooms(code))
    counts = {c.pk: round(sizes.get(c.pk, 0) * VOLUNTEER_SHARE) for c in communities}
    first = today - timedelta(days=DISTRICT_HISTORY_DAYS)

    user_id = reserve_ids(User, sum(counts.values()))
    users, profiles, team_members = [], [], []
    for community in communities:
        for i in range(counts[community.pk]):
            users.append(
                (
                    user_id,
                    f"v_{community.code}_{i + 1:04d}",
                    rng.choice(SURNAMES) + rng.choice(GIVEN),
                    Role.VOLUNTEER,
                    community.pk,
                    i % 5 == 0,
                    f"13{rng.randint(3, 9)}{rng.randrange(10**8):08d}",
                    "!",
                )
            )
            team_members.append((community, user_id))
            user_id += 1
    copy_rows(
        User,
        ["id", "username", "full_name", "role", "node_id", "is_party_member", "mobile", "password"],
        users,
    )
    founded = _at(first - timedelta(days=14), 10)
    teams = []
    for index, community in enumerate(communities):
        for t in range(max(1, min(3, counts[community.pk] // TEAM_SIZE))):
            brand, name = TEAMS[(index + t) % len(TEAMS)]
            teams.append(
                Team(
                    brand=brand,
                    name=name,
                    node=community,
                    created_at=founded,
                    description=f"{community.place}{brand}{name}：每周开展志愿服务。",
                )
            )
    Team.objects.bulk_create(teams)
    by_community = {}
    for team in teams:
        by_community.setdefault(team.node_id, []).append(team)
    profile_id = reserve_ids(VolunteerProfile, len(team_members))
    members, memberships = {}, []
    for i, (community, user) in enumerate(team_members):
        options = by_community[community.pk]
        team = options[i % len(options)]
        profile = profile_id + i
        profiles.append([profile, user, community.pk, first - timedelta(days=rng.randint(15, 400))])
        leader = not members.get(team.pk)
        members.setdefault(team.pk, []).append(profile)
        requested = founded + timedelta(days=i % 5)
        memberships.append(
            (
                team.pk,
                profile,
                leader,
                MembershipStatus.APPROVED,
                requested,
                requested + timedelta(days=1),
            )
        )

    activities = []
    for t, team in enumerate(teams):
        day = first + timedelta(days=(5 - first.weekday()) % 7 + t % 2)  # Saturday or Sunday
        week = 0
        while day < today - timedelta(days=7):
            starts = _at(day, 8 + t % 3)
            activities.append(
                Activity(
                    team=team,
                    node_id=team.node_id,
                    title=TITLES[(week + t) % len(TITLES)],
                    place=f"{team.node.place}党群服务站",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    capacity=60,
                    signup_deadline=starts - timedelta(hours=14),
                    points_per_hour=10,
                    closed_at=starts + timedelta(hours=4),
                    checkin_code=f"{rng.randrange(10**6):06d}",
                )
            )
            day += timedelta(days=7)
            week += 1
    Activity.objects.bulk_create(activities, batch_size=2000)

    attended = []  # (activity, volunteer, checked in, checked out)
    for activity in activities:
        people = members[activity.team_id]
        come = max(1, round(len(people) * rng.uniform(*TURNOUT)))
        for profile in rng.sample(people, min(come, len(people))):
            late = timedelta(minutes=rng.choice([0, 0, 10, 30]))
            attended.append((activity, profile, activity.starts_at + late, activity.ends_at))
    signup_id = reserve_ids(SignUp, len(attended))
    copy_rows(
        SignUp,
        [
            "id",
            "activity_id",
            "volunteer_id",
            "status",
            "queued_at",
            "confirmed_at",
            "checked_in_at",
            "checked_out_at",
        ],
        [
            (
                signup_id + i,
                activity.pk,
                profile,
                SignUpStatus.REGISTERED,
                activity.signup_deadline - timedelta(days=2),
                activity.starts_at - timedelta(hours=20),
                checked_in,
                checked_out,
            )
            for i, (activity, profile, checked_in, checked_out) in enumerate(attended)
        ],
    )
    hours_id = reserve_ids(ServiceHours, len(attended))
    reason = gettext("%(hours)s h: %(activity)s")
    hours_rows, entries, balances = [], [], {}
    booked = []
    for i, (activity, profile, checked_in, checked_out) in enumerate(attended):
        hours = Decimal((checked_out - checked_in).total_seconds() / 3600).quantize(Decimal("0.01"))
        decided = checked_out + timedelta(days=1)
        hours_rows.append(
            (
                hours_id + i,
                profile,
                activity.pk,
                signup_id + i,
                HoursKind.CREDIT,
                hours,
                HoursStatus.APPROVED,
                checked_out,
                decided,
            )
        )
        points = int(
            (hours * activity.points_per_hour * Decimal(activity.difficulty)).to_integral_value()
        )
        booked.append(
            (
                decided,
                hours_id + i,
                profile,
                points,
                reason % {"hours": hours, "activity": activity.title},
            )
        )
    copy_rows(
        ServiceHours,
        [
            "id",
            "volunteer_id",
            "activity_id",
            "signup_id",
            "kind",
            "hours",
            "status",
            "created_at",
            "decided_at",
        ],
        hours_rows,
    )
    booked.sort()
    for decided, pk, profile, points, text in booked:
        balances[profile] = balances.get(profile, 0) + points
        entries.append(
            (
                profile,
                EntryKind.EARNED_HOURS,
                points,
                balances[profile],
                text,
                f"hours:{pk}",
                None,
                decided,
            )
        )
    copy_rows(
        LedgerEntry,
        ["volunteer_id", "kind", "points", "balance_after", "reason", "key", "actor_id", "at"],
        entries,
    )
    copy_rows(
        VolunteerProfile,
        ["id", "user_id", "community_id", "registered_on", "points_balance"],
        [
            (pk, user, community, registered, balances.get(pk, 0))
            for pk, user, community, registered in profiles
        ],
    )
    copy_rows(
        Membership,
        ["team_id", "volunteer_id", "is_leader", "status", "requested_at", "decided_at"],
        memberships,
    )
    Reward.objects.bulk_create(
        [
            Reward(
                node=community,
                name=n,
                points_cost=c,
                stock=s,
                pickup_station=_pickup_station(community, street),
            )
            for community in communities
            for n, c, s in GIFTS
        ]
    )
    return {
        "district service stations": stations,
        "district volunteers": len(profiles),
        "district volunteer teams": len(teams),
        "district service hours": len(hours_rows),
    }
