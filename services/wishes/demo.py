"""Micro-wishes on the wall of 红旗社区 at every stage, claimed by the demo volunteer and the
demo partner unit through the real steps; a year of lit wishes in every community."""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from governance.demo import (
    DEMO_STREET_CODE,
    DISTRICT_COMMUNITIES,
    GIVEN,
    SURNAMES,
    clock,
    district_streets,
)
from governance.models import NodeKind, OrgNode, PartnerUnit, Role, User
from governance.public import CODE_ALPHABET, new_tracking_code
from services.wishes import steps as wishes
from services.wishes.models import (
    Wish,
    WishCategory,
    WishEvent,
    WishEventKind,
    WishFor,
    WishStatus,
)

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
    (WishFor.ELDERLY, WishCategory.DAILY, "李奶奶想要一台收音机，住3号楼201。"),
    (WishFor.CHILD, WishCategory.STUDY, "孩子的书包背带断了，想要一个结实的新书包。"),
    (WishFor.ELDERLY, WishCategory.REPAIR, "楼道的声控灯坏了，老人晚上下楼不方便。"),
]
# The year of lit wishes draws from the ordinary ones (not the edited or returned ones).
HISTORY_TEXTS = 9


def seed_wishes():
    """The walk-through wishes of 红旗社区 through the real steps on the demo clock (each step
    at the time it would have happened; the volunteer's points booked after their hours),
    then a year of lit wishes in every community."""
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
    now = timezone.now()
    made = []

    def replay(index, days_ago, *steps):
        """Post WISHES[index] `days_ago`, then each (days ago, step) in order."""
        for_whom, category, text = WISHES[index]
        with clock(now - timedelta(days=days_ago)) as demo_clock:
            wish = wishes.post_wish(
                wish_for=for_whom,
                category=category,
                text=text,
                community=community,
                building=rng.choice(buildings),
                poster_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                poster_mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            )
            for at, do in steps:
                demo_clock.move(now - timedelta(days=at))
                wish = do(wish)
        made.append(wish)
        return wish

    def approve(w):
        return wishes.approve_wish(wish=w, actor=cadre)

    def claim(actor, **kwargs):
        return lambda w: wishes.claim_wish(wish=w, actor=actor, **kwargs)

    def fulfil(actor, note):
        return lambda w: wishes.fulfil_wish(wish=w, actor=actor, note=note)

    def confirm(w):
        return wishes.confirm_wish(wish=w)

    # Two wait for review; the rest go on the wall, and some are claimed and lit.
    replay(0, 1.5)
    replay(1, 0.3)
    # Lit within the last days, after the volunteer's last approved hours, so the ledger's
    # running balance reads in time order.
    replay(
        2,
        6,
        (5.5, approve),
        (5, claim(volunteer, show_name=True)),
        (3, fulfil(volunteer, "已送上新书包和文具。")),
        (2, confirm),
    )
    replay(
        3,
        7,
        (6.5, approve),
        (6, claim(partner, unit=unit)),
        (4, fulfil(partner, "支部党员上门修好了水龙头。")),
        (3, confirm),
    )
    replay(
        4,
        5,
        (4.5, approve),
        (4, claim(volunteer)),
        (1, fulfil(volunteer, "每周六上午陪奶奶读报。")),
    )
    replay(5, 3, (2.5, approve), (1, claim(volunteer)))
    for index, days_ago in ((6, 4), (7, 2), (8, 16)):  # on the wall; the last one stale
        replay(index, days_ago + 1, (days_ago, approve))
    # A wish that names its resident waits for review; another was edited first (the
    # original kept for staff) and may be claimed by anyone of the street.
    replay(9, 0.5)

    def edit(w):
        text = "一位老人想要一台收音机。"
        return wishes.edit_wish_text(wish=w, actor=cadre, text=text, note="去掉姓名和门牌")

    def street_only(w):
        return wishes.approve_wish(wish=w, actor=cadre, claim_within=street)

    replay(9, 3, (2.8, edit), (2.7, street_only))

    # The resident said it was not fulfilled: once (back to its claimer), and twice (back
    # with the community, in its review queue).
    def not_yet(reason):
        return lambda w: wishes.report_not_fulfilled(wish=w, reason=reason)

    replay(
        10,
        9,
        (8.5, approve),
        (8, claim(volunteer)),
        (4, fulfil(volunteer, "书包已经交给孩子家长。")),
        (3, not_yet("书包还没收到")),
    )
    replay(
        11,
        12,
        (11.5, approve),
        (11, claim(volunteer)),
        (8, fulfil(volunteer, "已经帮忙换好了灯泡。")),
        (7, not_yet("灯还是不亮")),
        (5, fulfil(volunteer, "请电工重新接了线。")),
        (4, not_yet("还是不亮，可能是线路问题")),
    )
    return len(made) + seed_year_of_wishes(street, rng, now)


HISTORY_WISHES_PER_COMMUNITY = 20
FULFILMENTS = ["已送到老人家中。", "党员志愿者上门完成。", "支部党员集体认领并送达。"]


def seed_year_of_wishes(street, rng, now, per_community=HISTORY_WISHES_PER_COMMUNITY):
    """A year of wishes in every community, each lit by the community's partner unit (units
    earn no points, so the volunteers' ledgers are untouched), bulk-written with a timeline
    whose every event sits at the time the wish's own fields say."""
    communities = list(street.get_children().order_by("lft"))
    demo = street.code == DEMO_STREET_CODE
    units = {
        c.pk: PartnerUnit.objects.filter(node=c).order_by("pk").first()
        or _partner_unit(c, number, f"partner{number:02d}" if demo else f"partner_{c.code}")
        for number, c in enumerate(communities, start=1)
    }
    # The demo street's codes are checked one by one; the district's thousands drawn at
    # once, unique among themselves (31**10 codes: one already taken is out of reach).
    codes = set()

    def tracking_code():
        if demo:
            return new_tracking_code(Wish)
        while (code := "".join(rng.choice(CODE_ALPHABET) for _ in range(10))) in codes:
            pass
        codes.add(code)
        return code

    buildings = {}
    for pk, community in OrgNode.objects.filter(
        tree_id=street.tree_id, kind=NodeKind.BUILDING
    ).values_list("pk", "parent__parent_id"):
        buildings.setdefault(community, []).append(pk)
    rows = []
    for community in communities:
        unit = units[community.pk]
        contact = unit.contacts.order_by("pk").first()
        for _ in range(per_community):
            for_whom, category, text = rng.choice(WISHES[:HISTORY_TEXTS])
            posted = now - timedelta(days=rng.uniform(20, 365))
            approved = posted + timedelta(hours=rng.uniform(2, 48))
            claimed = approved + timedelta(days=rng.uniform(0.2, 6))
            fulfilled = claimed + timedelta(days=rng.uniform(1, 8))
            confirmed = fulfilled + timedelta(days=rng.uniform(0.2, 3))
            building = rng.choice(buildings[community.pk])
            rows.append(
                Wish(
                    tracking_code=tracking_code(),
                    wish_for=for_whom,
                    category=category,
                    text=text,
                    community=community,
                    building_id=building,
                    node_id=building,
                    poster_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    poster_mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                    status=WishStatus.CONFIRMED,
                    created_at=posted,
                    approved_at=approved,
                    claimer=contact,
                    claimer_unit=unit,
                    claimed_at=claimed,
                    claim_due=claimed + timedelta(days=settings.WISH_CLAIM_DAYS),
                    fulfilled_at=fulfilled,
                    fulfilment_note=rng.choice(FULFILMENTS),
                    confirmed_at=confirmed,
                )
            )
    rows.sort(key=lambda w: w.created_at)
    Wish.objects.bulk_create(rows, batch_size=2000)
    moderators = dict(
        User.objects.filter(role=Role.COMMUNITY_CADRE, node__in=communities)
        .order_by("-pk")
        .values_list("node_id", "pk")
    )
    events = []
    for w in rows:

        def event(kind, at, actor=None, note="", w=w):
            return WishEvent(
                wish=w,
                kind=kind,
                at=at,
                actor_id=actor,
                note=note,
                public=True,
                note_public=bool(note),
            )

        events += [
            event(WishEventKind.POSTED, w.created_at),
            event(WishEventKind.APPROVED, w.approved_at, moderators.get(w.community_id)),
            event(WishEventKind.CLAIMED, w.claimed_at, w.claimer_id),
            event(WishEventKind.FULFILLED, w.fulfilled_at, w.claimer_id, w.fulfilment_note),
            event(WishEventKind.CONFIRMED, w.confirmed_at),
        ]
    WishEvent.objects.bulk_create(events, batch_size=5000)
    return len(rows)


PARTNER_UNITS = ["区人民医院党总支", "区实验小学党支部", "区供电公司党支部", "区城建集团党委"]


def _partner_unit(community, number, username):
    """The community's paired unit (结对共建) and its contact, who claims on its behalf."""
    unit = PartnerUnit.objects.create(
        name=f"{PARTNER_UNITS[number % len(PARTNER_UNITS)]}（{community.place}）", node=community
    )
    contact, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": "联络员",
            "role": Role.VOLUNTEER,
            "node": community,
            "password": "!",  # no login: the demo logs in as `partner`
        },
    )
    unit.contacts.add(contact)
    return unit


WISHES_PER_HOUSEHOLD = 0.02  # lit in a year: ~90 in a district community of 4,400 households


def seed_district_wishes(households):
    """A year of lit wishes in every community of the district's other streets, in proportion
    to their `households`; nothing for a street that has wishes already."""
    now = timezone.now()
    per_community = max(1, round(households / DISTRICT_COMMUNITIES * WISHES_PER_HOUSEHOLD))
    made = 0
    for street in district_streets():
        if Wish.objects.filter(community__parent=street).exists():
            continue
        rng = random.Random(f"wishes-{street.code}")
        made += seed_year_of_wishes(street, rng, now, per_community)
    return made
