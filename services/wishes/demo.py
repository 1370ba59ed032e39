"""Micro-wishes on the wall of 红旗社区 at every stage, claimed by the demo volunteer and the
demo partner unit through the real steps."""

import random

from governance.demo import GIVEN, SURNAMES
from governance.models import NodeKind, OrgNode, PartnerUnit, User
from services.wishes import steps as wishes
from services.wishes.models import Wish, WishCategory, WishFor

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


def seed_wishes():
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
