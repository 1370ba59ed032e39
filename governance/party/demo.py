"""The demo street's party life, written after every app's demo (it leans on their records):
the roster from the party-member households' heads, 40 in-service members and six units
reporting to 红旗社区, its eight service posts partly taken, the three lists with a project
done and one under way, and the street's party alliance. Running it again changes nothing."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from governance.demo import DEMO_STREET_CODE, GIVEN, SURNAMES
from governance.models import NodeKind, OrgNode, PartnerUnit, User
from governance.party import feedback
from governance.party.models import (
    Alliance,
    AllianceMeeting,
    Appraisal,
    MemberKind,
    MemberReport,
    MemberStatus,
    Need,
    NeedSource,
    NeedStatus,
    PartyMember,
    PostClaim,
    Project,
    ProjectStatus,
    ProjectUpdate,
    Rating,
    Resource,
    ResourceKind,
    ServiceEntry,
    ServiceKind,
    ServicePost,
    UnitReport,
)

WORKPLACES = [
    "区税务局机关党支部",
    "区人民医院党总支",
    "区实验小学党支部",
    "区供电公司党支部",
    "区城建集团党委",
    "市第一中学党支部",
    "区司法局机关党支部",
    "区文旅局机关党支部",
]
SKILLS = ["法律咨询", "义诊", "电工", "书法", "心理辅导", "计算机", "摄影", "急救"]
POSTS = [
    (ServiceKind.ORGANISATION, "党员先锋岗：楼院党小组联络", 4),
    (ServiceKind.LEGAL, "周六法律咨询", 3),
    (ServiceKind.ASSISTANCE, "困难家庭结对帮扶", 6),
    (ServiceKind.GOVERNANCE, "楼道议事会协调员", 4),
    (ServiceKind.HEALTH, "每月义诊", 5),
    (ServiceKind.CULTURE, "少儿书法课", 2),
    (ServiceKind.SAFETY, "夜间治安巡逻", 8),
    (ServiceKind.OTHER, "社区摄影记录", 2),
]
UNITS = [
    "区人民医院党总支",
    "区实验小学党支部",
    "区供电公司党支部",
    "区城建集团党委",
    "区司法局机关党支部",
]
NEEDS = [
    ("楼道声控灯维修", NeedSource.WISH),
    ("独居老人每周探访", NeedSource.CADRE),
    ("小区健身器材更新", NeedSource.RESIDENTS),
    ("假期儿童托管", NeedSource.RESIDENTS),
    ("老年人智能手机培训", NeedSource.WISH),
    ("雨季排水沟清理", NeedSource.CADRE),
]


def seed(*, scale=0):
    street = OrgNode.objects.filter(code=DEMO_STREET_CODE, kind=NodeKind.STREET).first()
    if street is None or PartyMember.objects.filter(node__tree_id=street.tree_id).exists():
        return {"party members": 0}
    rng = random.Random(13)
    community = OrgNode.objects.get(code=f"{DEMO_STREET_CODE}-01")
    cadre = User.objects.filter(username="community_cadre").first()
    roster = _roster(street, rng)
    reported = _in_service(community, cadre, rng)
    units = _units(community, street, cadre, rng)
    projects = _lists(community, street, units, cadre, rng)
    letters = _feedback(community, units, reported, cadre, rng)
    return {
        "party members": roster + len(reported),
        "member reports": len(reported),
        "unit reports": len(units),
        "projects": projects,
        "feedback letters": letters,
    }


def _roster(street, rng):
    """Each party-member household's head (the grids demo's pm_ accounts) on the roster of
    their grid's party branch."""
    heads = User.objects.filter(
        username__startswith="pm_", node__tree_id=street.tree_id
    ).select_related("node__parent__parent")
    members = [
        PartyMember(
            name=head.full_name,
            mobile=head.mobile,
            node=head.node.parent.parent,  # household → building → grid branch
            user=head,
            kind=MemberKind.PROBATIONARY if i % 25 == 3 else MemberKind.FULL,
            status=(
                MemberStatus.EMPLOYED
                if i % 3 == 0
                else MemberStatus.MOBILE
                if i % 40 == 7
                else MemberStatus.RETIRED
            ),
            joined_on=date(rng.randint(1965, 2023), rng.randint(1, 12), 1),
        )
        for i, head in enumerate(heads.order_by("node__lft"))
    ]
    PartyMember.objects.bulk_create(members)
    return len(members)


def _in_service(community, cadre, rng):
    """40 in-service members (the demo `volunteer` among them) reporting to the community,
    most confirmed, and taking its posts."""
    now = timezone.now()
    volunteer = User.objects.filter(username="volunteer").first()
    members = []
    if volunteer is not None:
        members.append(
            PartyMember.objects.create(
                name=volunteer.full_name,
                mobile=volunteer.mobile,
                node=community,
                user=volunteer,
                status=MemberStatus.EMPLOYED,
                workplace=WORKPLACES[0],
                joined_on=date(2012, 7, 1),
            )
        )
    while len(members) < 40:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        mobile = f"13{rng.randint(5, 9)}{rng.randint(0, 10**8 - 1):08d}"
        if any(m.name == name and m.mobile == mobile for m in members):
            continue
        members.append(
            PartyMember.objects.create(
                name=name,
                mobile=mobile,
                node=community,
                status=MemberStatus.EMPLOYED,
                workplace=rng.choice(WORKPLACES),
                joined_on=date(rng.randint(1990, 2023), rng.randint(1, 12), 1),
            )
        )
    reports = MemberReport.objects.bulk_create(
        MemberReport(
            member=member,
            community=community,
            skills=rng.choice(SKILLS),
            preferred_kinds=[rng.choice(ServiceKind.values)],
            confirmed_by=cadre if i % 8 else None,
            confirmed_at=now - timedelta(days=rng.randint(1, 200)) if i % 8 else None,
        )
        for i, member in enumerate(members)
    )
    posts = ServicePost.objects.bulk_create(
        ServicePost(community=community, kind=kind, title=title, needed=needed)
        for kind, title, needed in POSTS
    )
    claims, confirmed = [], [r.member for r in reports if r.confirmed_at]
    for post in posts:
        for member in rng.sample(confirmed, rng.randint(0, post.needed)):
            claims.append(
                PostClaim(
                    post=post,
                    member=member,
                    confirmed_by=cadre if rng.random() < 0.8 else None,
                    confirmed_at=now if rng.random() < 0.8 else None,
                )
            )
    PostClaim.objects.bulk_create(claims)
    return reports


def _units(community, street, cadre, rng):
    """The demo partner's unit and five more reporting to the community; one waits."""
    now = timezone.now()
    units = list(PartnerUnit.objects.filter(contacts__username="partner", node=community))
    for name in UNITS:
        units.append(PartnerUnit.objects.get_or_create(name=name, node=community)[0])
    for unit in units:
        unit.agreement_start = date(now.year - 1, 1, 1)
        unit.agreement_end = date(now.year + 1, 12, 31)
        unit.goals = "共建党员服务阵地，每季度至少开展一次共建活动"
    PartnerUnit.objects.bulk_update(units, ["agreement_start", "agreement_end", "goals"])
    UnitReport.objects.bulk_create(
        UnitReport(
            unit=unit,
            community=community,
            contact=unit.contacts.first(),
            members_count=rng.randint(8, 60),
            offer=rng.choice(
                ["会议室和活动场地", "党员志愿者每月两次", "专业技术支持", "资金支持"]
            ),
            signed_by=cadre if i else None,
            signed_at=now - timedelta(days=rng.randint(10, 300)) if i else None,
        )
        for i, unit in enumerate(units)
    )
    return units


def _lists(community, street, units, cadre, rng):
    needs = Need.objects.bulk_create(
        Need(community=community, title=title, source=source, created_by=cadre)
        for title, source in NEEDS
    )
    kinds = list(ResourceKind)
    resources = Resource.objects.bulk_create(
        Resource(unit=unit, kind=kinds[i % len(kinds)], title=f"{unit.name}：{SKILLS[i]}")
        for i, unit in enumerate(units)
    )
    alliance = Alliance.objects.create(
        name="红星街道党建联盟", node=street, founded_on=date(timezone.now().year - 1, 3, 1)
    )
    alliance.units.set(units[:5])
    today = timezone.localdate()
    AllianceMeeting.objects.bulk_create(
        AllianceMeeting(alliance=alliance, held_on=today - timedelta(days=days), place=place)
        for days, place in ((150, "红星街道党群服务中心"), (60, "区人民医院会议室"))
    )
    done = Project.objects.create(
        unit=units[0],
        need=needs[0],
        resource=resources[0],
        alliance=alliance,
        title=needs[0].title,
        progress=100,
        status=ProjectStatus.DONE,
        started_on=today - timedelta(days=90),
        done_on=today - timedelta(days=30),
    )
    under_way = Project.objects.create(
        unit=units[1],
        need=needs[1],
        resource=resources[1],
        alliance=alliance,
        title=needs[1].title,
        progress=40,
        started_on=today - timedelta(days=40),
    )
    ProjectUpdate.objects.bulk_create(
        [
            ProjectUpdate(project=done, by=cadre, progress=50, note="已更换3个楼道的声控灯"),
            ProjectUpdate(project=done, by=cadre, progress=100, note="全部更换完毕，居民验收"),
            ProjectUpdate(project=under_way, by=cadre, progress=40, note="已结对12户独居老人"),
        ]
    )
    Need.objects.filter(pk=needs[0].pk).update(status=NeedStatus.DONE)
    Need.objects.filter(pk=needs[1].pk).update(status=NeedStatus.MATCHED)
    return 2


RATINGS = (Rating.EXCELLENT, Rating.QUALIFIED, Rating.QUALIFIED)


def _feedback(community, units, reports, cadre, rng):
    """Members belong to the units their workplace names (陈海燕 to `partner`'s), the
    community wrote some services last quarter and rated the units and a few members this
    year; then the last quarter's letters, as beat makes them."""
    by_name = {unit.name: unit for unit in units}
    members = [report.member for report in reports]
    for i, member in enumerate(members):
        member.unit = units[0] if i == 0 else by_name.get(member.workplace)
    PartyMember.objects.bulk_update(members, ["unit"])
    start, end = feedback.quarter_bounds(*feedback.previous_quarter(timezone.localdate()))
    days = (end - start).days
    ServiceEntry.objects.bulk_create(
        ServiceEntry(
            member=member,
            on=start + timedelta(days=rng.randrange(days)),
            what=rng.choice(["楼道清扫", "义诊", "法律咨询", "夜间巡逻", "关爱独居老人"]),
            hours=Decimal(rng.choice([1, 2, 3])),
            added_by=cadre,
        )
        for member in members
        if member.unit_id
        for _ in range(rng.randint(1, 3))
    )
    year = timezone.localdate().year
    Appraisal.objects.bulk_create(
        [
            Appraisal(year=year, community=community, unit=unit, rating=rating, by=cadre)
            for unit, rating in zip(units[:3], RATINGS, strict=True)
        ]
        + [
            Appraisal(
                year=year, community=community, member=member, rating=Rating.EXCELLENT, by=cadre
            )
            for member in members[:3]
        ]
    )
    return feedback.send_letters()
