"""Demo departments for every demo street, and whistles at every stage on 红星街道, made
through the real workflow functions so their timelines, deadlines and reminders are real.
Some are reported in the past: on `make run` the first beat scan sends their reminders and
escalates the overdue ones."""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from governance.demo import DEMO_STREET_CODE, DISTRICT_HOUSEHOLDS, GIVEN, SURNAMES, clock
from governance.formatting import labelled
from governance.models import NodeKind, OrgNode, Role, User
from services.whistles import dispatch, duplicates, intake, rating, routing, transfers
from services.whistles.models import (
    Category,
    Department,
    EventKind,
    Rating,
    Status,
    Whistle,
    WhistleEvent,
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


def seed_departments():
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


def seed_whistles():
    """The walk-through whistles of 红旗社区, replayed through the real steps on the demo
    clock: each step, event, deadline and reminder at the time it would have happened."""
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
    made = []

    def replay(category, hours_ago, *steps, building=None):
        """Report `hours_ago`, routed a minute later, then each (fraction, step) at that
        fraction of the time since the report."""
        reported = now - timedelta(hours=hours_ago)
        with clock(reported) as demo_clock:
            w = intake.submit_whistle(
                category=categories[category],
                description=DESCRIPTIONS.get(category, category),
                community=community,
                building=building or rng.choice(buildings),
                reporter_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                reporter_mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                contact_consent=True,
                reported_at=reported,
            )
            demo_clock.move(reported + min(timedelta(minutes=1), (now - reported) / 10))
            routing.route_whistle(w.pk)  # the worker's task finds it routed and does nothing
            for fraction, do in steps:
                demo_clock.move(reported + (now - reported) * fraction)
                w = do(w)
        made.append(w)
        return w

    def accept(w):
        return dispatch.accept_whistle(whistle=w, actor=cadre)

    def to_city(w):
        return dispatch.dispatch_whistle(whistle=w, actor=cadre, department=city)

    def to_grid(w):
        return dispatch.dispatch_whistle(whistle=w, actor=cadre, grid=grid)

    def sign(w):
        return dispatch.sign_whistle(whistle=w, actor=handler)

    def resolve(w):
        return dispatch.resolve_whistle(whistle=w, actor=handler, note="已清理完毕并设置警示标志。")

    def rated(stars, fixed):
        comment = "" if fixed else "只处理了一半。"
        return lambda w: rating.rate_whistle(whistle=w, rating=stars, fixed=fixed, comment=comment)

    # Waiting for the community: one fresh, one at 50-80 % of its hour, one overdue.
    replay("垃圾清运", 0.2)
    replay("井盖破损或缺失", 0.7)

    # The overdue one: neighbours added their voice (附议), and a second report of it was
    # merged in by the community (its reporter follows as a supporter).
    def supported(mobile):
        return lambda w: duplicates.support_whistle(whistle=w, mobile=mobile)[0]

    fire_lane = replay(
        "消防通道堵塞", 3, (0.2, supported("13712340001")), (0.5, supported("13712340002"))
    )

    def merged(w):
        return duplicates.merge_whistle(whistle=w, actor=cadre, into=fire_lane)

    replay("消防通道堵塞", 1.5, (0.4, merged), building=fire_lane.building)
    # Accepted, waiting for dispatch (several, to dispatch at once from the list).
    replay("电动车充电桩", 5, (0.1, accept))
    replay("垃圾清运", 4, (0.2, accept))
    replay("乱停车、占道", 6, (0.1, accept))
    # Dispatched to a department, and to the grid.
    replay("乱停车、占道", 20, (0.02, accept), (0.05, to_city))
    replay("设施阻碍通行", 30, (0.02, accept), (0.04, to_city))
    replay("宠物扰民、散养", 26, (0.02, accept), (0.05, to_grid))
    # Signed for and being handled, one of them past its 7 days; for the fresher one the
    # handler asks the community to transfer it to another department.
    housing = Department.objects.get(street=street, name="房屋管理所")

    def ask_transfer(w):
        reason = "属房屋维修，请转房屋管理所。"
        return transfers.ask_transfer(whistle=w, actor=handler, department=housing, reason=reason)

    replay("乱停车、占道", 50, (0.01, accept), (0.02, to_city), (0.05, sign), (0.6, ask_transfer))
    replay("乱停车、占道", 24 * 8, (0.01, accept), (0.02, to_city), (0.05, sign))
    # Resolved, then rated a day or two later (one not fixed, so re-opened), or waiting.
    handled = ((0.01, accept), (0.02, to_city), (0.05, sign), (0.5, resolve))
    replay("设施阻碍通行", 24 * 12, *handled, (0.6, rated(Rating.VERY_SATISFIED, True)))
    replay("设施阻碍通行", 24 * 9, *handled, (0.7, rated(Rating.SATISFIED, True)))
    replay("设施阻碍通行", 24 * 6, *handled, (0.8, rated(Rating.DISSATISFIED, False)))
    replay("设施阻碍通行", 24 * 3, *handled)
    replay(
        "其他",
        30,
        (
            0.03,
            lambda w: dispatch.reject_whistle(
                whistle=w, actor=cadre, reason="属于物业合同纠纷，请联系业委会调解。"
            ),
        ),
    )
    return len(made)


HISTORY_SOURCE = ""  # the year of history came in through the public form
HISTORY_PER_COMMUNITY_PER_DAY = 0.8
RESOLUTIONS = [
    "已处理完毕。",
    "已协调相关单位解决。",
    "已现场整改，恢复正常。",
    "已清理并加强巡查。",
]


@translation.override(settings.LANGUAGE_CODE)  # timelines keep their notes' text
def seed_history(days=365, per_community_per_day=HISTORY_PER_COMMUNITY_PER_DAY):
    """A year of whistles in every community of 红星街道, bulk-written with their timeline:
    each event at its time, in order, matching the whistle's own times (report, routing,
    response, dispatch, signing, resolution, rating or closing). Older than the walk-through
    whistles' ids, so those stay the first of their kind; written with them, only once."""
    street = OrgNode.objects.filter(code="HX", kind=NodeKind.STREET).first()
    if street is None:
        return 0
    from governance.public import CODE_ALPHABET

    rng = random.Random(17)
    now = timezone.now()
    categories = list(Category.objects.all())
    departments = list(Department.objects.filter(street=street).prefetch_related("categories"))
    by_category = {}
    for department in departments:
        for category in department.categories.all():
            by_category.setdefault(category.pk, department)
    handlers = {
        d.pk: d.handlers.order_by("pk").values_list("pk", flat=True).first() for d in departments
    }
    cadres = dict(
        User.objects.filter(role=Role.COMMUNITY_CADRE, node__parent=street)
        .order_by("-pk")
        .values_list("node_id", "pk")
    )
    buildings = list(
        OrgNode.objects.filter(tree_id=street.tree_id, kind=NodeKind.BUILDING).values_list(
            "pk", "parent__parent_id"
        )
    )
    places = dict(OrgNode.objects.filter(parent=street).values_list("pk", "place_name"))
    per_community = {}
    for building, community in buildings:
        per_community.setdefault(community, []).append(building)
    rows = []
    for community, in_community in sorted(per_community.items()):
        for _ in range(int(days * per_community_per_day)):
            created = now - timedelta(days=rng.uniform(0, days))
            category = rng.choice(categories)
            w = _scaled(
                rng,
                created,
                now,
                category,
                rng.choice(in_community),
                community,
                [by_category.get(category.pk) or rng.choice(departments)],
                CODE_ALPHABET,
                ignored=0,  # a street office answers every whistle in the end
            )
            w.source = HISTORY_SOURCE
            w.description = DESCRIPTIONS.get(category.name, category.name)
            w.reporter_name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            w.contact_consent = rng.random() < 0.6
            w.suggested_department = by_category.get(category.pk)
            w.routed_at = created + timedelta(minutes=1)
            rows.append(w)
    rows.sort(key=lambda w: w.created_at)
    Whistle.objects.bulk_create(rows, batch_size=2000)
    events = []
    for w in rows:
        cadre = cadres.get(w.community_id)
        events.extend(_history_events(w, rng, cadre, handlers, places[w.community_id], now))
    WhistleEvent.objects.bulk_create(events, batch_size=5000)
    return len(rows)


def _history_events(w, rng, cadre, handlers, place, now):
    """The timeline of one generated whistle, each event at the time its fields say."""

    def event(kind, at, actor=None, note="", public=True, note_public=False):
        return WhistleEvent(
            whistle=w,
            kind=kind,
            at=at,
            actor_id=actor,
            note=note,
            public=public or note_public,
            note_public=note_public,
        )

    events = [
        event(EventKind.SUBMITTED, w.created_at),
        event(EventKind.ROUTED, w.routed_at, note=place, note_public=True),
    ]
    if w.responded_at is None:
        return events
    if w.status == Status.REJECTED:
        note = "不属于社区受理范围，已告知居民其他办理渠道。"
        events.append(event(EventKind.REJECTED, w.closed_at, cadre, note, note_public=True))
        return events
    accepted = w.created_at + (w.responded_at - w.created_at) * 0.6
    events.append(event(EventKind.ACCEPTED, max(accepted, w.routed_at), cadre))
    department = w.lead_department
    events.append(event(EventKind.DISPATCHED, w.dispatched_at, cadre, department.name))
    handler = handlers.get(department.pk)
    end = w.resolved_at or now
    signed = w.dispatched_at + min((end - w.dispatched_at) * 0.1, timedelta(hours=4))
    if w.status == Status.DISPATCHED:
        return events
    events.append(event(EventKind.SIGNED, signed, handler))
    if w.resolved_at is None:
        return events
    note = rng.choice(RESOLUTIONS)
    events.append(event(EventKind.RESOLVED, w.resolved_at, handler, note, note_public=True))
    if w.closed_at is None:
        return events
    if w.rating:
        note = labelled(Rating(w.rating).label, "")
        events.append(event(EventKind.RATED, w.closed_at, note=note, note_public=True))
        events.append(event(EventKind.CLOSED, w.closed_at, note_public=True))
    else:
        note = gettext("Closed automatically: no rating within 7 days.")
        events.append(event(EventKind.CLOSED, w.closed_at, note=note, note_public=True))
    return events


SCALE_SOURCE = "demo-scale"  # marks the year of generated whistles, so a rerun adds none
SCALE_PER_STREET_PER_DAY = 25


def scale_whistles(days=365, per_day=SCALE_PER_STREET_PER_DAY, households=DISTRICT_HOUSEHOLDS):
    """A year of whistles for every street, written with bulk inserts (no timeline events or
    reminder rows: they exist to load the command center at district scale): `per_day` on the
    demo street, and on the district's other streets in proportion to their `households`
    (`per_day` for DISTRICT_HOUSEHOLDS)."""
    if Whistle.objects.filter(source=SCALE_SOURCE).exists():
        return 0
    from governance.public import CODE_ALPHABET

    categories = list(Category.objects.all())
    rng = random.Random(365)
    now = timezone.now()
    made = 0
    for street in OrgNode.objects.filter(kind=NodeKind.STREET).order_by("tree_id"):
        buildings = list(
            OrgNode.objects.filter(tree_id=street.tree_id, kind=NodeKind.BUILDING).values_list(
                "pk", "parent__parent_id"
            )
        )
        departments = list(Department.objects.filter(street=street))
        count = days * per_day
        if street.code != DEMO_STREET_CODE:
            count = round(count * households / DISTRICT_HOUSEHOLDS)
        rows = []
        for _ in range(count):
            created = now - timedelta(seconds=rng.uniform(0, days * 86400))
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
        rows.sort(key=lambda w: w.created_at)
        Whistle.objects.bulk_create(rows, batch_size=5000)
        made += len(rows)
    return made


def _scaled(rng, created, now, category, building, community, departments, alphabet, ignored=0.02):
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
    if age < timedelta(hours=2) or rng.random() < ignored:
        return w
    responded = created + category.dispatch_within * rng.uniform(0.1, 1.1)  # nine in ten on time
    if responded > now:
        return w
    w.responded_at, w.responded_on_time = responded, responded <= w.dispatch_due
    if rng.random() < 0.05:
        w.status, w.closed_at = Status.REJECTED, responded
        return w
    w.status, w.dispatched_at = Status.DISPATCHED, responded
    w.lead_department = rng.choice(departments) if departments else None
    resolved = responded + category.resolve_within * rng.uniform(0.1, 1.15)
    if resolved > now:
        w.status = Status.SIGNED if rng.random() < 0.7 else Status.DISPATCHED
        return w
    w.status, w.resolved_at = Status.RESOLVED, resolved
    # Most residents rate within a few days; the rest close unrated after seven.
    rated = resolved + timedelta(days=rng.uniform(0.2, 3))
    if rng.random() < 0.8 and rated < now:
        w.status, w.closed_at = Status.CLOSED, rated
        w.rating = rng.choices([5, 4, 3, 2, 1], weights=[50, 25, 12, 8, 5])[0]
    elif resolved + timedelta(days=7) < now:
        w.status, w.closed_at = Status.CLOSED, resolved + timedelta(days=7)
    return w
