"""Demo departments for every demo street, and whistles at every stage on 红星街道, made
through the real workflow functions so their timelines, deadlines and reminders are real.
Some are reported in the past: on `make run` the first beat scan sends their reminders and
escalates the overdue ones."""

import random
from datetime import timedelta

from django.utils import timezone

from governance.demo import GIVEN, SURNAMES
from governance.models import NodeKind, OrgNode, User
from services.whistles import dispatch, intake, rating
from services.whistles.models import Category, Department, Rating, Status, Whistle

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


SCALE_SOURCE = "demo-scale"  # marks the year of generated whistles, so a rerun adds none
SCALE_PER_STREET_PER_DAY = 25


def scale_whistles(days=365, per_day=SCALE_PER_STREET_PER_DAY):
    """A year of whistles for every street, written with bulk inserts (no timeline events or
    reminder rows: they exist to load the command center at district scale)."""
    if Whistle.objects.filter(source=SCALE_SOURCE).exists():
        return 0
    from governance.public import CODE_ALPHABET

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
