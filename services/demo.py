"""Demo departments for every demo street, and whistles at every stage on 红星街道, made
through the real workflow functions so their timelines, deadlines and reminders are real.
Some are reported in the past: on `make run` the first beat scan sends their reminders and
escalates the overdue ones."""

import random
from datetime import timedelta

from django.utils import timezone

from governance.demo import GIVEN, SURNAMES
from governance.models import NodeKind, OrgNode, User
from services import dispatch, intake, rating, stations, wishes
from services.models import (
    Amenity,
    Category,
    Department,
    OpeningException,
    OpeningHours,
    PartnerUnit,
    Rating,
    ServiceKind,
    Station,
    StationAmenity,
    StationKind,
    Status,
    Whistle,
    Wish,
    WishCategory,
    WishFor,
)

DEPARTMENTS = {
    "城市管理执法队": ["乱停车、占道", "设施阻碍通行", "垃圾清运"],
    "市政设施维护中心": ["井盖破损或缺失", "设施阻碍通行"],
    "房屋管理所": ["老旧小区改造与维修"],
    "供热服务站": ["供暖问题"],
    "水电气服务中心": ["停水或供水问题", "停电或供电问题", "燃气供应问题", "燃气泄漏等安全隐患"],
    "消防救援站": ["消防通道堵塞"],
    "派出所社区警务室": ["宠物扰民、散养", "其他"],
}
DESCRIPTIONS = {
    "消防通道堵塞": "小区东门消防通道被私家车长期占用，消防车无法通行。",
    "井盖破损或缺失": "单元门口的井盖松动破损，晚上有人差点踩空。",
    "供暖问题": "家里暖气片不热，室温只有十四五度，老人受不了。",
    "垃圾清运": "垃圾桶已经满了两天没人清运，气味很大。",
    "宠物扰民、散养": "楼里有人遛狗不牵绳，孩子被吓到好几次。",
    "乱停车、占道": "电动车和自行车堵在楼道口，轮椅推不出去。",
    "电动车充电桩": "希望在小区里增设电动车充电桩，避免飞线充电。",
    "设施阻碍通行": "人行道中间有一根废弃电线杆挡路，行人只能绕到车道上。",
    "老旧小区改造与维修": "楼顶防水层老化，雨天顶楼住户家里漏水。",
    "停水或供水问题": "今天一早整栋楼停水，没有看到任何通知。",
}


def seed(*, scale=False):
    created = {
        "departments": _departments(),
        "whistles": _whistles(),
        "wishes": _wishes(),
        "stations": _stations(),
    }
    if scale:
        created["whistles over a year"] = scale_whistles()
    return created


def _departments():
    categories = {c.name: c for c in Category.objects.all()}
    handler = User.objects.filter(username="dept_handler").first()
    count = 0
    for street in OrgNode.objects.filter(kind=NodeKind.STREET):
        for name, category_names in DEPARTMENTS.items():
            department, created = Department.objects.get_or_create(
                street=street,
                name=name,
                defaults={"contact_name": "值班室", "contact_phone": "0532-8888" + street.code[:2]},
            )
            if created:
                count += 1
                department.categories.set(
                    [categories[n] for n in category_names if n in categories]
                )
                if (
                    handler
                    and street.code == "HX"
                    and name in ("城市管理执法队", "市政设施维护中心")
                ):
                    department.handlers.add(handler)
    return count


def _whistles():
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None or Whistle.objects.filter(community__parent=street).exists():
        return 0
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["community_cadre", "dept_handler", "grid_worker"]
        )
    }
    cadre, handler, worker = users["community_cadre"], users["dept_handler"], users["grid_worker"]
    community = cadre.node
    grid = worker.node
    buildings = list(OrgNode.objects.filter(parent=grid).order_by("lft"))
    categories = {c.name: c for c in Category.objects.all()}
    city = Department.objects.get(street=street, name="城市管理执法队")
    rng = random.Random(2026)
    now = timezone.now()

    def report(category, hours_ago, **kwargs):
        return intake.submit_whistle(
            category=categories[category],
            description=DESCRIPTIONS.get(category, category),
            community=community,
            building=rng.choice(buildings),
            reporter_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            reporter_mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            contact_consent=True,
            reported_at=now - timedelta(hours=hours_ago),
            **kwargs,
        )

    made = []
    # Waiting for the community: one fresh, one at 50-80 % of its hour, one overdue.
    made.append(report("垃圾清运", 0.2))
    made.append(report("井盖破损或缺失", 0.7))
    made.append(report("消防通道堵塞", 3))
    # Accepted, waiting for dispatch.
    w = report("电动车充电桩", 5)
    made.append(dispatch.accept_whistle(whistle=w, actor=cadre))
    # Dispatched to a department, and to the grid.
    for category, hours in (("乱停车、占道", 20), ("设施阻碍通行", 30)):
        w = dispatch.accept_whistle(whistle=report(category, hours), actor=cadre)
        made.append(dispatch.dispatch_whistle(whistle=w, actor=cadre, department=city))
    w = dispatch.accept_whistle(whistle=report("宠物扰民、散养", 26), actor=cadre)
    made.append(dispatch.dispatch_whistle(whistle=w, actor=cadre, grid=grid))
    # Signed for and being handled, one of them past its 7 days.
    for hours in (50, 24 * 8):
        w = dispatch.accept_whistle(whistle=report("乱停车、占道", hours), actor=cadre)
        w = dispatch.dispatch_whistle(whistle=w, actor=cadre, department=city)
        made.append(dispatch.sign_whistle(whistle=w, actor=handler))
    # Resolved, then rated (one not fixed, so re-opened), or waiting for the rating.
    for days, stars, fixed in (
        (12, Rating.VERY_SATISFIED, True),
        (9, Rating.SATISFIED, True),
        (6, Rating.DISSATISFIED, False),
        (3, None, None),
    ):
        w = dispatch.accept_whistle(whistle=report("设施阻碍通行", 24 * days), actor=cadre)
        w = dispatch.dispatch_whistle(whistle=w, actor=cadre, department=city)
        w = dispatch.sign_whistle(whistle=w, actor=handler)
        w = dispatch.resolve_whistle(whistle=w, actor=handler, note="已清理完毕并设置警示标志。")
        if stars:
            w = rating.rate_whistle(
                whistle=w, rating=stars, fixed=fixed, comment="" if fixed else "只处理了一半。"
            )
        made.append(w)
    w = report("其他", 30)
    made.append(
        dispatch.reject_whistle(
            whistle=w, actor=cadre, reason="属于物业合同纠纷，请联系业委会调解。"
        )
    )
    return len(made)


WISHES = [
    # for whom, category, the wish
    (WishFor.CHILD, WishCategory.STUDY, "孩子马上上初中了，想要一个新书包和一套文具。"),
    (WishFor.ELDERLY, WishCategory.REPAIR, "独居老人家里的水龙头一直滴水，希望有人帮忙修一修。"),
    (WishFor.ELDERLY, WishCategory.COMPANY, "希望周末有人陪奶奶聊聊天、读读报纸。"),
    (WishFor.FAMILY, WishCategory.DAILY, "家里冬天缺一床厚棉被。"),
    (WishFor.DISABLED, WishCategory.HEALTH, "想要一个血压计，方便每天在家量血压。"),
    (WishFor.CHILD, WishCategory.STUDY, "想要几本课外读物，最好是科普书。"),
    (WishFor.SELF, WishCategory.REPAIR, "楼道里家门口的灯坏了，晚上回家看不清。"),
    (WishFor.ELDERLY, WishCategory.DAILY, "希望有人帮忙代买一个月的降压药。"),
    (WishFor.CHILD, WishCategory.OTHER, "留守儿童想学跳绳，想要一根计数跳绳。"),
]


def _wishes():
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None or Wish.objects.filter(community__parent=street).exists():
        return 0
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["community_cadre", "volunteer", "partner"])
    }
    cadre, volunteer, partner = users["community_cadre"], users["volunteer"], users["partner"]
    community = cadre.node
    unit, _ = PartnerUnit.objects.get_or_create(name="区税务局第一党支部", node=community)
    unit.contacts.add(partner)
    buildings = list(
        OrgNode.objects.filter(kind=NodeKind.BUILDING, parent__parent=community).order_by("lft")[
            :20
        ]
    )
    rng = random.Random(7)
    made = []
    for for_whom, category, text in WISHES:
        made.append(
            wishes.post_wish(
                wish_for=for_whom,
                category=category,
                text=text,
                community=community,
                building=rng.choice(buildings),
                poster_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                poster_mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            )
        )
    # Two wait for review; the rest go on the wall, and some are claimed and lit.
    approved = [wishes.approve_wish(wish=w, actor=cadre) for w in made[2:]]
    lit_by_volunteer = wishes.claim_wish(wish=approved[0], actor=volunteer, show_name=True)
    wishes.confirm_wish(
        wish=wishes.fulfil_wish(wish=lit_by_volunteer, actor=volunteer, note="已送上新书包和文具。")
    )
    lit_by_unit = wishes.claim_wish(wish=approved[1], actor=partner, unit=unit)
    wishes.confirm_wish(
        wish=wishes.fulfil_wish(wish=lit_by_unit, actor=partner, note="支部党员上门修好了水龙头。")
    )
    waiting = wishes.claim_wish(wish=approved[2], actor=volunteer)
    wishes.fulfil_wish(wish=waiting, actor=volunteer, note="每周六上午陪奶奶读报。")
    wishes.claim_wish(wish=approved[3], actor=volunteer)
    return len(made)


# kind, name, (north, east) metres from the community centre, daily hours or None for office
# hours, amenities
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


def _stations():
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None or Station.objects.filter(node__tree_id=street.tree_id).exists():
        return 0
    kinds = {k.name: k for k in StationKind.objects.all()}
    amenities = {a.name: a for a in Amenity.objects.all()}
    services = list(ServiceKind.objects.all())
    logger = User.objects.filter(username="community_cadre").first()
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
            if logger is not None and logger.node_id == community.pk:
                for days_ago in range(0, 60, 3):
                    stations.log_service(
                        station=station,
                        kind=rng.choice(services),
                        count=rng.randint(3, 40),
                        actor=logger,
                        on=today - timedelta(days=days_ago),
                    )
            made += 1
    return made


SCALE_SOURCE = "demo-scale"  # marks the year of generated whistles, so a rerun adds none
SCALE_PER_STREET_PER_DAY = 25


def scale_whistles(days=365, per_day=SCALE_PER_STREET_PER_DAY):
    """A year of whistles for every street, written with bulk inserts (no timeline events or
    reminder rows: they exist to load the command center at district scale)."""
    if Whistle.objects.filter(source=SCALE_SOURCE).exists():
        return 0
    from services.public import CODE_ALPHABET

    categories = list(Category.objects.all())
    rng = random.Random(365)
    now = timezone.now()
    made = 0
    for street in OrgNode.objects.filter(kind=NodeKind.STREET):
        buildings = list(
            OrgNode.objects.filter(tree_id=street.tree_id, kind=NodeKind.BUILDING).values_list(
                "pk", "parent__parent_id"
            )
        )
        departments = list(Department.objects.filter(street=street))
        rows = []
        for day in range(days):
            for _ in range(per_day):
                created = now - timedelta(days=day, seconds=rng.randrange(86400))
                building, community = rng.choice(buildings)
                rows.append(
                    _scaled(
                        rng,
                        created,
                        now,
                        rng.choice(categories),
                        building,
                        community,
                        departments,
                        CODE_ALPHABET,
                    )
                )
        Whistle.objects.bulk_create(rows, batch_size=5000)
        made += len(rows)
    return made


def _scaled(rng, created, now, category, building, community, departments, alphabet):
    """One generated whistle, in a state that fits its age."""
    age = now - created
    w = Whistle(
        tracking_code="".join(rng.choice(alphabet) for _ in range(10)),
        category=category,
        description="（规模测试数据）" + category.name,
        community_id=community,
        building_id=building,
        node_id=building,
        source=SCALE_SOURCE,
        reporter_name="测试居民",
        reporter_mobile=f"139{rng.randrange(10**8):08d}",
        contact_consent=False,
        created_at=created,
        routed_at=created,
        dispatch_due=created + category.dispatch_within,
        resolve_due=created + category.resolve_within,
        status=Status.SUBMITTED,
    )
    if age < timedelta(hours=2) or rng.random() < 0.02:
        return w
    responded = created + category.dispatch_within * rng.uniform(0.1, 1.4)
    if responded > now:
        return w
    w.responded_at, w.responded_on_time = responded, responded <= w.dispatch_due
    if rng.random() < 0.05:
        w.status, w.closed_at = Status.REJECTED, responded
        return w
    w.status, w.dispatched_at = Status.DISPATCHED, responded
    w.lead_department = rng.choice(departments) if departments else None
    resolved = responded + category.resolve_within * rng.uniform(0.1, 1.3)
    if resolved > now:
        w.status = Status.SIGNED if rng.random() < 0.7 else Status.DISPATCHED
        return w
    w.status, w.resolved_at = Status.RESOLVED, resolved
    if resolved + timedelta(days=2) < now:
        w.status, w.closed_at = Status.CLOSED, resolved + timedelta(days=2)
        w.rating = rng.choices([5, 4, 3, 2, 1], weights=[50, 25, 12, 8, 5])[0]
    return w
