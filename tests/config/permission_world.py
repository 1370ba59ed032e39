"""The demo street and the few objects the permission matrix needs beyond it.

`build()` seeds 红星街道 with `seed_demo`, then adds what the demo lacks so that every kind
of object exists in three places: at home (红旗社区 HX-01 and its grid HX-01-01, where the
demo users sit), in the sibling community (幸福社区 HX-02, same street) and away (东风街道 DF,
a second street built here). docs/permission-matrix.csv names them `<kind>.inside` and
`<kind>.outside`; `World.resolve` picks, for each role, the object inside its scope and the
nearest one outside it (see OUTSIDE below).
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import (
    Notification,
    OrgNode,
    PartnerUnit,
    PersonalDataExport,
    Role,
    User,
)
from governance.party.models import (
    Alliance,
    FeedbackLetter,
    Need,
    PartyMember,
    Project,
    ProjectUpdate,
)
from governance.public import SESSION_KEY as KNOWN_CODES
from grids.models import (
    BuildingProfile,
    CareRecord,
    GridProfile,
    Household,
    Resident,
    ResidentTag,
    Visit,
    WorkerAssignment,
    WorkerKind,
)
from services.stations.models import Amenity, ServiceKind, ServiceLog, Station, StationKind
from services.whistles import dispatch, intake
from services.whistles.models import CallBack, Category, Department, Status, Whistle, WhistlePhoto
from services.wishes import steps as wishes
from services.wishes.models import Wish, WishCategory, WishFor, WishStatus
from tests.factories import NodeFactory, UserFactory
from tests.services.images import photo
from volunteers.models import (
    Activity,
    EntryKind,
    HoursKind,
    HoursStatus,
    LedgerEntry,
    Membership,
    MembershipStatus,
    Redemption,
    Reward,
    ServiceHours,
    SignUp,
    SignUpStatus,
    StarAward,
    StarRound,
    Team,
    VolunteerProfile,
)

# The roles of the matrix, in its column order: two browsers with no login, then the demo users.
ROLES = (
    "anonymous",
    "resident",
    "volunteer",
    "partner",
    "grid_worker",
    "dept_handler",
    "community_cadre",
    "street_cadre",
    "superuser",
)
USERNAMES = {
    "volunteer": "volunteer",
    "partner": "partner",
    "grid_worker": "grid_worker",
    "dept_handler": "dept_handler",
    "community_cadre": "community_cadre",
    "street_cadre": "street_cadre",
    "superuser": "admin",
}

# The nearest place beyond each role's scope. Cadres and grid workers see a subtree: the
# community cadre and the grid worker end at 红旗社区, the street cadre at 红星街道. A handler
# sees what is dispatched to its departments (the sibling's whistle went to another one); a
# volunteer sees the teams, activities and gifts of the home street.
OUTSIDE = {
    "anonymous": "sibling",
    "resident": "sibling",  # a code this browser does not know
    "volunteer": "away",
    "partner": "away",
    "grid_worker": "sibling",
    "dept_handler": "sibling",
    "community_cadre": "sibling",
    "street_cadre": "away",
    "superuser": "away",
}
# Where a role's "inside" object differs from the home one.
INSIDE = {
    ("grid_worker", "station"): "grid",  # the community's stations are not in their grid
    ("partner", "wish"): "partner",  # the wish the partner claimed for its unit
}


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)  # kind -> {"home"|"sibling"|"away"|…: obj}
    notifications: dict = field(default_factory=dict)  # username -> Notification
    known_codes: list = field(default_factory=list)  # the resident's browser knows these

    def resolve(self, ref, role):
        """A cell's kwarg value from `kind.inside`, `kind.outside`, `kind.only` (a kind with no
        place in the tree: one object serves both) or a literal."""
        kind, _, side = ref.partition(".")
        if side == "only":
            return self.objects[kind]["home"].pk
        if side not in ("inside", "outside"):
            return ref
        if kind == "notification":  # one's own, or another user's
            own = self.notifications.get(USERNAMES.get(role, "street_cadre"))
            return (own if side == "inside" else self.notifications["someone_else"]).pk
        places = self.objects[kind]
        place = INSIDE.get((role, kind), "home") if side == "inside" else OUTSIDE[role]
        value = places[place]
        return value if isinstance(value, str | int) else value.pk


CHANGES = {"room": ["", "101"]}  # an audit-trail entry as django-auditlog writes one


def _street(code, name):
    """A small second street: one community, one grid, two buildings."""
    street = NodeFactory(name=f"{name}党工委", code=code, place_name=name)
    community = NodeFactory(
        parent=street, name="东湖社区党委", code=f"{code}-01", place_name="东湖社区"
    )
    grid = NodeFactory(
        parent=community,
        name="东湖社区第1网格党支部",
        code=f"{code}-01-01",
        place_name="东湖第1网格",
    )
    buildings = [
        NodeFactory(
            parent=grid,
            name=f"东湖苑{i}号楼党小组",
            code=f"{code}-01-01-0{i}",
            place_name=f"东湖苑{i}号楼",
            latitude=36.07,
            longitude=120.45,
        )
        for i in (1, 2)
    ]
    for node in (street, community, grid):
        node.refresh_from_db()
    return street, community, grid, buildings


def _whistle(community, building, *, department=None, actor=None):
    category = Category.objects.get(name="乱停车、占道")
    whistle = intake.submit_whistle(
        category=category,
        description="电动车堵在楼道口，轮椅推不出去。",
        community=community,
        building=building,
        reporter_name="孙建华",
        reporter_mobile="13912340000",
        contact_consent=True,
    )
    if department is not None:
        whistle = dispatch.accept_whistle(whistle=whistle, actor=actor)
        whistle = dispatch.dispatch_whistle(whistle=whistle, actor=actor, department=department)
    for stage in WhistlePhoto.Stage:
        WhistlePhoto.objects.create(whistle=whistle, stage=stage, image=photo(f"{stage}.png"))
    return whistle


def _wish(community, building, cadre):
    wish = wishes.post_wish(
        wish_for=WishFor.ELDERLY,
        category=WishCategory.DAILY,
        text="希望有人帮忙代买一个月的降压药。",
        community=community,
        building=building,
        photo=photo("wish.png"),
        poster_name="钱桂兰",
        poster_mobile="13912341111",
    )
    return wishes.approve_wish(wish=wish, actor=cadre)


def _with_photo(wish):
    if not wish.photo:
        wish.photo = photo("wish.png")
        wish.save(update_fields=["photo"])
    return wish


def _project(unit, community):
    """A project of the unit's for a need of the community, with a step that has a photo."""
    need = Need.objects.create(community=community, title="楼道灯维修")
    project = Project.objects.create(
        unit=unit, need=need, title=need.title, started_on=timezone.localdate()
    )
    ProjectUpdate.objects.create(project=project, progress=20, note="开工", photo=photo("p.png"))
    return project


def _letter(unit):
    # The demo writes last quarter's letters already for units with members on the roster.
    return FeedbackLetter.objects.get_or_create(unit=unit, year=2026, quarter=3)[0]


def _alliance(unit, community):
    alliance = Alliance.objects.create(name=f"{community.place}党建联盟", node=community)
    alliance.units.add(unit)
    return alliance


def _furnish(objects, place, *, street, community, grid, building, cadre, handler_dept=None):
    """One of each scoped thing in `place` (sibling or away), made like the demo makes them."""
    worker = UserFactory(
        username=f"worker-{grid.code}", role=Role.GRID_WORKER, node=grid, full_name="周网格"
    )
    member = UserFactory(
        username=f"member-{community.code}", role=Role.VOLUNTEER, node=community, full_name="吴志愿"
    )
    put = {}
    put["orgnode"] = community
    put["community"] = community
    put["user"] = worker
    put["whistle"] = _whistle(community, building, department=handler_dept, actor=cadre)
    put["whistle_photo"] = put["whistle"].photos.get(stage=WhistlePhoto.Stage.RESOLUTION)
    put["callback"] = CallBack.objects.create(
        whistle=put["whistle"], node=building, due_at=timezone.now() + timedelta(days=1)
    )
    put["wish"] = _wish(community, building, cadre)
    put["station"] = Station.objects.filter(node=community).first() or Station.objects.create(
        code=f"{community.code}-S9",
        name="东湖驿站",
        kind=StationKind.objects.first(),
        node=community,
        address="东湖路1号",
        latitude=36.07,
        longitude=120.45,
    )
    put["servicelog"] = ServiceLog.objects.create(
        station=put["station"], kind=ServiceKind.objects.first(), count=3, recorded_by=cadre
    )
    put["gridprofile"] = GridProfile.objects.get_or_create(grid=grid)[0]
    put["buildingprofile"] = BuildingProfile.objects.get_or_create(
        building=building, defaults={"address": "东湖路1号", "units": 2, "floors": 6}
    )[0]
    put["workerassignment"] = WorkerAssignment.objects.create(
        grid=grid, worker=worker, kind=WorkerKind.FULL_TIME
    )
    # The demo registers every flat of its street (1-101 too); the away street has none.
    household = Household.objects.get_or_create(
        building=building, unit="1", room="101", defaults={"size": 2}
    )[0]
    put["household"] = household
    put["resident"] = Resident.objects.create(
        household=household, name="郑淑芬", mobile="13912342222", birth_year=1940
    )
    put["carerecord"] = CareRecord.objects.create(
        resident=put["resident"],
        needs="行动不便",
        plan="每周上门一次",
        helper=worker,
        next_visit_due=timezone.now() + timedelta(days=3),
    )
    put["visit"] = Visit.objects.create(household=household, worker=worker, seen="一切正常")
    put["partnerunit"] = PartnerUnit.objects.create(
        name=f"{community.place}共建单位", node=community
    )
    put["project"] = _project(put["partnerunit"], community)
    put["projectupdate"] = put["project"].updates.get()
    put["alliance"] = _alliance(put["partnerunit"], community)
    put["partymember"] = PartyMember.objects.create(
        node=community, name="郑党员", mobile="13600001111"
    )
    put["feedbackletter"] = _letter(put["partnerunit"])
    put["personaldataexport"] = PersonalDataExport.objects.create(
        user=worker, filename="registers.xlsx", path="/grids/import/export.xlsx"
    )
    put["logentry"] = LogEntry.objects.log_create(
        household, action=LogEntry.Action.CREATE, changes=CHANGES, actor=worker
    )
    # Volunteer service: the sibling community has the demo's team; away gets its own.
    team = Team.objects.filter(node=community).first()
    if team is None:
        team = Team.objects.create(name="东湖志愿服务队", brand="红帆", node=community)
    put["team"] = team
    profile = VolunteerProfile.objects.create(user=member, community=community)
    put["volunteerprofile"] = profile
    put["membership"] = Membership.objects.create(
        team=team, volunteer=profile, status=MembershipStatus.APPROVED
    )
    start = timezone.now() - timedelta(hours=1)
    put["activity"] = activity = Activity.objects.create(
        team=team,
        node=community,
        title="楼道清理",
        place="东湖活动室",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        capacity=10,
        signup_deadline=start,
        points_per_hour=10,
    )
    put["signup"] = SignUp.objects.create(
        activity=activity, volunteer=profile, status=SignUpStatus.REGISTERED
    )
    put["servicehours"] = ServiceHours.objects.create(
        volunteer=profile,
        activity=activity,
        kind=HoursKind.CREDIT,
        hours=Decimal("2.0"),
        status=HoursStatus.PENDING,
    )
    put["ledgerentry"] = LedgerEntry.objects.create(
        volunteer=profile,
        kind=EntryKind.ADJUSTED,
        points=50,
        balance_after=50,
        reason="demo",
        key=f"matrix:{community.code}",
    )
    put["reward"] = reward = Reward.objects.create(
        node=community, name="环保购物袋", points_cost=20, stock=5, picture=photo("gift.png")
    )
    put["redemption"] = Redemption.objects.create(reward=reward, volunteer=profile, points=20)
    put["staraward"] = StarAward.objects.create(
        round=StarRound.objects.first(),
        volunteer=profile,
        stars=1,
        hours=Decimal("120"),
        confirmed_at=timezone.now(),
    )
    put["department"] = handler_dept or Department.objects.create(street=street, name="东湖城管队")
    for kind, value in put.items():
        objects.setdefault(kind, {})[place] = value


def build():
    call_command("seed_demo", verbosity=0)
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES.values())}
    volunteer, partner, worker = users["volunteer"], users["partner"], users["grid_worker"]
    cadre = users["community_cadre"]
    world = World(users=users)
    o = world.objects
    street = OrgNode.objects.get(code="HX")
    home_grid = worker.node
    home_building = OrgNode.objects.filter(parent=home_grid).order_by("lft").first()

    def home(kind, value, **more):
        o.setdefault(kind, {})["home"] = value
        for place, other in more.items():
            o[kind][place] = other

    # Home: the demo's own objects where it has them.
    home("orgnode", home_grid)
    home("community", home_grid.parent)
    home("user", worker)
    city = Department.objects.get(street=street, name="城市管理执法队")
    whistle = (
        Whistle.objects.filter(lead_department=city, status=Status.RESOLVED).order_by("pk").first()
    )
    for stage in WhistlePhoto.Stage:
        WhistlePhoto.objects.create(whistle=whistle, stage=stage, image=photo(f"{stage}.png"))
    home("whistle", whistle)
    home("whistle_photo", whistle.photos.get(stage=WhistlePhoto.Stage.RESOLUTION))
    callback, _ = CallBack.objects.get_or_create(
        whistle=whistle, defaults={"node": whistle.node, "due_at": timezone.now()}
    )
    home("callback", callback)
    claimed = Wish.objects.filter(claimer=volunteer, status=WishStatus.CLAIMED).first()
    unit_wish = Wish.objects.filter(claimer=partner).first()
    home("wish", _with_photo(claimed), partner=_with_photo(unit_wish))
    home_station = Station.objects.filter(node=cadre.node).order_by("pk").first()
    grid_station = Station.objects.create(
        code="HX-01-01-S1",
        name="红旗第1网格便民点",
        kind=StationKind.objects.first(),
        node=home_grid,
        address="红旗路8号",
        latitude=home_station.latitude,
        longitude=home_station.longitude,
    )
    home("station", home_station, grid=grid_station)
    home("servicelog", ServiceLog.objects.filter(station=home_station).first())
    home("gridprofile", GridProfile.objects.get(grid=home_grid))
    home("buildingprofile", BuildingProfile.objects.get(building=home_building))
    home("workerassignment", WorkerAssignment.objects.get(worker=worker))
    # A household with a care record, so its page has the care-ledger section too.
    care = CareRecord.objects.filter(helper=worker).order_by("pk").first()
    household = care.resident.household
    home("household", household)
    home("resident", care.resident)
    home("carerecord", care)
    home("visit", Visit.objects.create(household=household, worker=worker, seen="一切正常"))
    home("partnerunit", PartnerUnit.objects.get(contacts=partner))
    home("project", _project(o["partnerunit"]["home"], home_grid.parent))
    home("projectupdate", o["project"]["home"].updates.get())
    home("alliance", _alliance(o["partnerunit"]["home"], home_grid.parent))
    home("partymember", PartyMember.objects.create(node=home_grid.parent, name="钱党员"))
    home("feedbackletter", _letter(o["partnerunit"]["home"]))
    home(
        "personaldataexport",
        PersonalDataExport.objects.create(
            user=worker, filename="registers.xlsx", path="/grids/import/export.xlsx"
        ),
    )
    home(
        "logentry",
        LogEntry.objects.log_create(
            household, action=LogEntry.Action.CREATE, changes=CHANGES, actor=cadre
        ),
    )
    profile = volunteer.volunteer
    team = Team.objects.get(memberships__volunteer=profile)
    home("team", team)
    home("volunteerprofile", profile)
    home("membership", Membership.objects.get(team=team, volunteer=profile))
    signup = SignUp.objects.filter(volunteer=profile, activity__ends_at__gt=timezone.now()).first()
    home("activity", signup.activity)
    home("signup", signup)
    hours = ServiceHours.objects.filter(volunteer=profile).order_by("-pk").first()
    home("servicehours", hours)
    home("ledgerentry", LedgerEntry.objects.filter(volunteer=profile).first())
    reward = Reward.objects.filter(node=team.node).order_by("pk").first()
    reward.picture = photo("gift.png")
    reward.save(update_fields=["picture"])
    home("reward", reward)
    home(
        "redemption",
        Redemption.objects.create(reward=reward, volunteer=profile, points=reward.points_cost),
    )
    home("staraward", StarAward.objects.get(volunteer=profile, confirmed_at__isnull=False))
    home("department", city)

    # The sibling community and a second street.
    sibling = OrgNode.objects.get(code="HX-02")
    sibling_grid = sibling.get_children().order_by("lft").first()
    sibling_cadre = UserFactory(
        username="cadre-HX-02", role=Role.COMMUNITY_CADRE, node=sibling, is_staff=True
    )
    _furnish(
        o,
        "sibling",
        street=street,
        community=sibling,
        grid=sibling_grid,
        building=sibling_grid.get_children().order_by("lft").first(),
        cadre=sibling_cadre,
        handler_dept=Department.objects.get(street=street, name="房屋管理所"),
    )
    away_street, away_community, away_grid, away_buildings = _street("DF", "东风街道")
    away_cadre = UserFactory(
        username="cadre-DF-01", role=Role.COMMUNITY_CADRE, node=away_community, is_staff=True
    )
    _furnish(
        o,
        "away",
        street=away_street,
        community=away_community,
        grid=away_grid,
        building=away_buildings[0],
        cadre=away_cadre,
    )

    # Kinds with no place: one object serves inside and outside.
    anyone = {
        "group": Group.objects.create(name="matrix"),
        "residenttag": ResidentTag.objects.first(),
        "stationkind": StationKind.objects.first(),
        "amenity": Amenity.objects.first(),
        "servicekind": ServiceKind.objects.first(),
        "category": Category.objects.first(),
        "starround": StarRound.objects.first(),
        "accessattempt": AccessAttempt.objects.create(
            username="nobody", ip_address="10.0.0.1", user_agent="test", failures_since_start=1
        ),
        "accesslog": AccessLog.objects.create(
            username="grid_worker", ip_address="10.0.0.1", user_agent="test"
        ),
        "accessfailurelog": AccessFailureLog.objects.create(
            username="nobody", ip_address="10.0.0.1", user_agent="test"
        ),
        # On an account of the sibling community: the demo users keep no second factor.
        "totpdevice": TOTPDevice.objects.create(user=sibling_cadre, name="authenticator"),
        "staticdevice": StaticDevice.objects.create(user=sibling_cadre, name="recovery codes"),
    }
    for kind, value in anyone.items():
        o[kind] = {"home": value}
    o["contenttype"] = {"home": ContentType.objects.get_for_model(Whistle)}

    # Each user's own notification, and one of somebody else's.
    for user in [*users.values(), sibling_cadre]:
        world.notifications[user.username] = Notification.objects.create(
            recipient=user, title="测试通知", url="/inbox/"
        )
    world.notifications["someone_else"] = world.notifications["cadre-HX-02"]
    # Tracking codes: the resident's browser knows the home whistle's and wish's.
    o["whistle_code"] = {p: w.tracking_code for p, w in o["whistle"].items()}
    o["wish_code"] = {p: w.tracking_code for p, w in o["wish"].items()}
    world.known_codes = [o["whistle_code"]["home"], o["wish_code"]["home"]]
    return world


# --- The URL conf


@dataclass(frozen=True)
class Pattern:
    key: str  # the pattern's name where it is unique, else its route
    name: str | None
    route: str  # as django.urls.ResolverMatch.route spells it


def _join(route1, route2):
    # django.urls.resolvers.URLResolver._join_route
    return route2 if not route1 else route1 + route2.removeprefix("^")


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, _join(prefix, str(entry.pattern)), inner)
        else:
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, _join(prefix, str(entry.pattern))


def url_patterns():
    """Every pattern of the URL conf, the admin's included, keyed by name (route if none)."""
    found = list(_walk(get_resolver()))
    names = Counter(name for name, _route in found)
    return [
        Pattern(name if name and names[name] == 1 else route, name, route) for name, route in found
    ]


_PATH_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def fill(route, kwargs):
    """A concrete path for `route` with `kwargs` in its parameters."""
    path = _REGEX_GROUP.sub(lambda m: str(kwargs[m[1]]), route)  # first: (?P<name>...)
    path = _PATH_PARAM.sub(lambda m: str(kwargs[m[1]]), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


def route_params(route):
    return _REGEX_GROUP.findall(route) + _PATH_PARAM.findall(_REGEX_GROUP.sub("", route))


# --- One client per role


def clients(world):
    """A logged-in client per role; the resident's browser knows the home codes."""
    made = {}
    for role in ROLES:
        client = Client()
        if role in USERNAMES:
            client.force_login(world.users[USERNAMES[role]])
        elif role == "resident":
            session = client.session
            session[KNOWN_CODES] = list(world.known_codes)
            session.save()
        made[role] = client
    return made
