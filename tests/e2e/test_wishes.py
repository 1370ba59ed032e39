"""README, "Micro-wishes", walk-through on `make run`: a resident posts a wish on a phone,
the community approves it, it shows on the wall anonymised, `volunteer` claims and fulfils
it, `partner` claims another for its unit and withdraws, and the resident confirms: the wish
is lit, the counter goes up and the volunteer earns points."""

import pytest
from django.urls import reverse

from governance.models import PartnerUnit
from services.wishes import steps as wishes
from services.wishes.models import Wish, WishCategory, WishFor, WishStatus
from tests.e2e.conftest import zh
from tests.e2e.test_whistles import png
from tests.e2e.world import red_star_street
from tests.factories import cadre as cadre_of
from volunteers.models import LedgerEntry

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


MOBILE = "13698765432"


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    world["volunteer"].is_party_member = True
    world["volunteer"].save(update_fields=["is_party_member"])
    world.unit = PartnerUnit.objects.create(name="区税务局第一党支部", node=world.community)
    world.unit.contacts.add(world["partner"])
    return world


def test_micro_wish_from_posting_to_lit(world, person):
    # 1. As a resident: who the wish is for, the kind, the wish, community and building, an
    # optional photo, name and mobile. The page gives a tracking code.
    resident = person("resident", phone=True).goto(reverse("wish-post"))
    page = resident.page
    resident.shot("wish-form")
    resident.fits_a_phone()
    page.select_option("#id_wish_for", WishFor.CHILD.value)
    page.select_option("#id_category", WishCategory.STUDY.value)
    page.fill("#id_text", "李奶奶的孙子马上上初中了，想要一个新书包和一套文具。")
    page.select_option("#id_community", label="红旗社区")
    page.wait_for_selector("#id_building option:text-is('锦绣苑3号楼')", state="attached")
    page.select_option("#id_building", label="锦绣苑3号楼")
    page.set_input_files("#id_photo", [png("schoolbag.png")])
    page.fill("#id_poster_name", "李秀英")
    page.fill("#id_poster_mobile", MOBILE)
    resident.shot("wish-filled")
    resident.press(zh("Post the wish"))
    code = page.locator("p.code").inner_text().strip()
    wish = Wish.objects.get(tracking_code=code)
    assert wish.status == WishStatus.POSTED
    resident.shot("tracking-code")

    # 2. As community_cadre: Micro-wish review, the wish waits in the queue; approve it, only
    # for party members.
    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.click_link(zh("Micro-wish review"), within="header.top")
    cadre.wait_for_path(reverse("wish-manage"))
    queue = cadre.page.locator("main ul.tiles")
    assert code in queue.inner_text()
    cadre.shot("review-queue")
    queue.locator(f"a[href='{reverse('wish-manage-detail', args=[wish.pk])}']").click()
    cadre.wait_for_path(reverse("wish-manage-detail", args=[wish.pk]))
    assert "李秀英" in cadre.text()  # the moderator sees the poster
    # Before approving, Edit the text for the wall takes out what would identify someone.
    edit = cadre.page.locator(
        f"form[action='{reverse('wish-manage-step', args=[wish.pk, 'edit'])}']"
    )
    cadre.open_step(edit)
    edit.locator("textarea[name=text]").fill("孩子马上上初中了，想要一个新书包和一套文具。")
    cadre.shot("edit-for-the-wall")
    cadre.press(zh("Edit the text for the wall"))
    assert "李奶奶的孙子" in cadre.text("dl.facts")  # what the resident wrote, for staff
    assert "孩子马上上初中了" in cadre.text("h1")
    cadre.shot("edited")
    approve = cadre.page.locator(
        f"form[action='{reverse('wish-manage-step', args=[wish.pk, 'approve'])}']"
    )
    cadre.open_step(approve)
    approve.get_by_label(zh("Only party members may claim")).check()
    # Kept, if need be, for people of the community or of the whole street.
    places = approve.locator("select[name=claim_within] option").all_inner_texts()
    assert {"红旗社区", "红星街道"} <= set(places), places
    cadre.shot("approve-form")
    cadre.press(zh("Approve for the wish wall"))
    wish.refresh_from_db()
    assert (wish.status, wish.party_members_only) == (WishStatus.APPROVED, True)
    cadre.shot("approved")

    # 3. On the wall: the poster anonymised (surname + 某, who it is for; no phone, no
    # building), filterable by kind, under the counter of wishes lit this year.
    visitor = person("visitor", phone=True).goto(reverse("wish-wall"))
    wall = visitor.text()
    counter_before = visitor.text("p.counter")
    assert "孩子马上上初中了" in wall and "李某" in wall
    assert "李秀英" not in wall and MOBILE not in wall and MOBILE[-4:] not in wall
    assert "李奶奶" not in wall  # the edited text
    assert "锦绣苑3号楼" not in wall
    visitor.shot("wall")
    visitor.fits_a_phone()
    visitor.page.select_option("#wall-category", WishCategory.REPAIR.value)
    visitor.press(zh("Filter"))
    assert "孩子马上上初中了" not in visitor.text("ul.wishes")
    visitor.page.select_option("#wall-category", WishCategory.STUDY.value)
    visitor.press(zh("Filter"))
    assert "孩子马上上初中了" in visitor.text("ul.wishes")
    visitor.shot("wall-by-kind")

    # 4. As volunteer (a party member): open the wish, claim it (认领), agreeing to be named;
    # mark it fulfilled with a note and a photo.
    volunteer = person("volunteer", phone=True).log_in(
        world["volunteer"], then=reverse("wish-detail", args=[wish.pk])
    )
    volunteer.wait_for_path(reverse("wish-detail", args=[wish.pk]))
    volunteer.shot("wish")
    volunteer.page.get_by_label(zh("Show my name on the wish wall once it is lit")).check()
    volunteer.press(zh("Claim this wish (认领)"))
    assert zh("You claimed this wish. Thank you!") in volunteer.message()
    # While they hold it, the claimer reads the community's contacts and the building.
    contacts = volunteer.text("section.contacts")
    cadre_user = world["community_cadre"]
    for seen in ("红旗社区", "锦绣苑3号楼", "王红", cadre_user.mobile):
        assert seen in contacts, seen
    assert "李秀英" not in volunteer.text() and MOBILE not in volunteer.text()
    volunteer.shot("claimed")
    volunteer.page.fill("textarea[name=note]", "已送上新书包和文具。")
    volunteer.page.set_input_files("form[action$='/fulfil/'] input[type=file]", [png("bag.png")])
    volunteer.press(zh("It is fulfilled"))
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED
    volunteer.shot("fulfilled")
    volunteer.fits_a_phone()

    # ... partner claims another wish for its unit instead; a claimer can withdraw, and one
    # claimer holds a wish at a time.
    other = wishes.approve_wish(
        wish=wishes.post_wish(
            wish_for=WishFor.ELDERLY,
            category=WishCategory.REPAIR,
            text="独居老人家里的水龙头一直滴水，希望有人帮忙修一修。",
            community=world.community,
            building=world.buildings[0],
            poster_name="张桂兰",
            poster_mobile="13600001234",
        ),
        actor=world["community_cadre"],
    )
    partner = person("partner", phone=True).log_in(
        world["partner"], then=reverse("wish-detail", args=[other.pk])
    )
    partner.wait_for_path(reverse("wish-detail", args=[other.pk]))
    partner.page.select_option("select[name=unit]", label="区税务局第一党支部")
    partner.shot("claim-for-unit")
    partner.press(zh("Claim this wish (认领)"))
    other.refresh_from_db()
    assert (other.claimer, other.claimer_unit) == (world["partner"], world.unit)
    volunteer.goto(reverse("wish-detail", args=[other.pk]))
    assert volunteer.page.get_by_role("button", name=zh("Claim this wish (认领)")).count() == 0
    volunteer.shot("claimed-by-another")
    partner.press(zh("Withdraw my claim"))
    other.refresh_from_db()
    assert (other.status, other.claimer) == (WishStatus.APPROVED, None)
    partner.shot("withdrawn")

    # 5. As the resident: follow the wish with code + last four digits and confirm it came
    # true: lit, the counter goes up, the volunteer earns points.
    resident.goto(reverse("wish-track"))
    resident.page.fill("#id_code", code)
    resident.page.fill("#id_last4", MOBILE[-4:])
    resident.press(zh("Show the progress"))
    assert "已送上新书包和文具。" in resident.text()
    resident.shot("status-fulfilled")
    resident.press(zh("Yes, my wish came true"))
    assert zh("Thank you: the wish is lit.") in resident.message()
    resident.shot("lit")
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    entry = LedgerEntry.objects.get(volunteer__user=world["volunteer"])
    assert entry.points > 0

    visitor.goto(reverse("wish-wall"))
    assert visitor.text("p.counter") != counter_before
    assert "陈海燕" in visitor.text()  # named with consent, in the card and the ranking
    visitor.shot("wall-lit")

    # Or the resident says it did not come true: the first time it goes back to its claimer
    # with a new deadline.
    third = wishes.approve_wish(
        wish=wishes.post_wish(
            wish_for=WishFor.FAMILY,
            category=WishCategory.DAILY,
            text="家里冬天缺一床厚棉被。",
            community=world.community,
            building=world.buildings[0],
            poster_name="刘芳",
            poster_mobile="13600005678",
        ),
        actor=world["community_cadre"],
    )
    third = wishes.claim_wish(wish=third, actor=world["volunteer"])
    wishes.fulfil_wish(wish=third, actor=world["volunteer"], note="已送到。")
    resident.goto(reverse("wish-track"))
    resident.page.fill("#id_code", third.tracking_code)
    resident.page.fill("#id_last4", "5678")
    resident.press(zh("Show the progress"))
    resident.page.locator("details.step summary").click()
    resident.page.fill("textarea[name=reason]", "还没有收到棉被。")
    resident.shot("not-fulfilled")
    resident.press(zh("Tell the claimer and the community"))
    third.refresh_from_db()
    assert (third.status, third.claimer) == (WishStatus.CLAIMED, world["volunteer"])
    resident.shot("back-with-the-claimer")


def test_refused_wish_tells_the_resident_why_and_walls_by_place(world, person):
    # 2. ... or refuse it with a reason the resident reads.
    refused = wishes.post_wish(
        wish_for=WishFor.SELF,
        category=WishCategory.OTHER,
        text="想要一部新手机。",
        community=world.community,
        building=world.buildings[0],
        poster_name="周强",
        poster_mobile="13600009999",
    )
    cadre = person("community_cadre").log_in(
        world["community_cadre"], then=reverse("wish-manage-detail", args=[refused.pk])
    )
    cadre.wait_for_path(reverse("wish-manage-detail", args=[refused.pk]))
    reject = cadre.page.locator(
        f"form[action='{reverse('wish-manage-step', args=[refused.pk, 'reject'])}']"
    )
    cadre.open_step(reject)
    reject.locator("textarea[name=reason]").fill(
        "微心愿以生活必需的小物件为主，建议联系社区了解其他帮扶。"
    )
    cadre.press(zh("Do not publish"))
    refused.refresh_from_db()
    assert refused.status == WishStatus.REJECTED
    cadre.shot("refused")
    resident = person("resident", phone=True).goto(reverse("wish-track"))
    resident.page.fill("#id_code", refused.tracking_code)
    resident.page.fill("#id_last4", "9999")
    resident.press(zh("Show the progress"))
    assert "建议联系社区了解其他帮扶" in resident.text()
    resident.shot("why-refused")

    # 3. The wall per community (?community=<id>) or street (?street=<id>).
    shown = wishes.approve_wish(
        wish=wishes.post_wish(
            wish_for=WishFor.CHILD,
            category=WishCategory.STUDY,
            text="想要几本课外读物，最好是科普书。",
            community=world.other_community,
            building=world.other_community.get_descendants().filter(kind=3).first(),
            poster_name="吴梅",
            poster_mobile="13600008888",
        ),
        actor=cadre_of(world.other_community),
    )
    visitor = person("visitor", phone=True)
    visitor.goto(f"{reverse('wish-wall')}?community={world.community.pk}")
    assert shown.text not in visitor.text("ul.wishes")
    visitor.goto(f"{reverse('wish-wall')}?community={world.other_community.pk}")
    assert shown.text in visitor.text("ul.wishes") and "幸福社区" in visitor.text("h1")
    visitor.goto(f"{reverse('wish-wall')}?street={world.street.pk}")
    assert shown.text in visitor.text("ul.wishes")
    visitor.shot("street-wall")
