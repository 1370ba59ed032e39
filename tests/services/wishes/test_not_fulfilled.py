"""#17.10: the claimer can reach the community; the resident can say a wish did not come
true — back to the claimer once, then to the community."""

import pytest
from django.test import Client
from django.urls import reverse

from governance.models import Notification
from services.wishes import steps as wishes
from services.wishes.contributions import waiting_for_review
from services.wishes.models import Wish, WishEventKind, WishStatus
from tests.services.wishes.conftest import on_wall

pytestmark = pytest.mark.django_db


def resident_for(wish):
    """A browser that knows the wish's code, as the poster's does after the lookup."""
    client = Client()
    session = client.session
    session["known_codes"] = [wish.tracking_code]
    session.save()
    return client


def fulfilled(world, volunteer):
    wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    return wishes.fulfil_wish(wish=wish, actor=volunteer, note="书包送到了")


def test_the_claimer_sees_the_community_contact_and_the_building_once_claimed(
    client_for, world, volunteer, neighbour, django_assert_max_num_queries
):
    world.cadre_a.mobile = "13811112222"
    world.cadre_a.save()
    wish = on_wall(world)
    url = reverse("wish-detail", args=[wish.pk])
    building = world.tree.buildings_a[0].place
    claimer = client_for(volunteer)
    before = claimer.get(url)
    assert before.context["contacts"] is None and "13811112222" not in before.content.decode()
    wishes.claim_wish(wish=wish, actor=volunteer)
    with django_assert_max_num_queries(12):
        page = claimer.get(url)
    text = page.content.decode()
    assert "13811112222" in text and building in text
    assert "13700001234" not in text and "张秀英" not in text  # the resident stays private
    other = client_for(neighbour).get(url)  # not the claimer: neither contact nor building
    assert other.context["contacts"] is None and "13811112222" not in other.content.decode()


def test_not_fulfilled_goes_back_to_the_claimer_then_to_the_community(world, volunteer):
    wish = fulfilled(world, volunteer)
    resident = resident_for(wish)
    status_page = resident.get(reverse("wish-status", args=[wish.tracking_code]))
    assert status_page.context["not_fulfilled_form"] is not None
    url = reverse("wish-not-fulfilled", args=[wish.tracking_code])

    resident.post(url, {"reason": "书包还没收到"})
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and wish.claimer == volunteer
    assert wish.fulfilled_at is None and wish.not_fulfilled_count == 1 and wish.claim_due
    told = Notification.objects.get(recipient=volunteer, body="书包还没收到")
    assert wish.tracking_code in told.title
    page = resident.get(reverse("wish-status", args=[wish.tracking_code])).content.decode()
    assert "书包还没收到" in page  # the resident's own words on their timeline

    wishes.fulfil_wish(wish=wish, actor=volunteer, note="这次真的送到了")
    resident.post(url, {"reason": "还是没有"})
    wish.refresh_from_db()
    assert wish.status == WishStatus.RETURNED and wish.claimer is None
    assert wish.not_fulfilled_count == 2 and wish.open_since is None
    assert Notification.objects.filter(recipient=world.cadre_a, url__contains=str(wish.pk))
    kinds = list(wish.events.values_list("kind", flat=True))
    assert kinds[-4:] == [
        WishEventKind.NOT_FULFILLED,
        WishEventKind.FULFILLED,
        WishEventKind.NOT_FULFILLED,
        WishEventKind.RETURNED,
    ]
    assert not Client().get("/wishes/").context["cards"]  # off the wall

    # The community puts it back on the wall: the next claimer starts afresh.
    wishes.approve_wish(wish=wish, actor=world.cadre_a)
    wish.refresh_from_db()
    assert wish.status == WishStatus.APPROVED and wish.not_fulfilled_count == 0


def test_a_claimer_who_gives_up_after_a_not_fulfilled_hands_it_to_the_community(world, volunteer):
    wish = fulfilled(world, volunteer)
    wishes.report_not_fulfilled(wish=wish, reason="没有收到")
    wishes.withdraw_claim(wish=wish, actor=volunteer)
    wish.refresh_from_db()
    assert wish.status == WishStatus.RETURNED and wish.claimer is None
    queue = Client()
    queue.force_login(world.cadre_a)
    page = queue.get(reverse("wish-manage-detail", args=[wish.pk]))
    assert {name for name, _label, _form in page.context["steps"]} == {
        "approve",
        "edit",
        "reject",
    }
    assert waiting_for_review(world.cadre_a, None) == {"waiting": 1}  # on their work page


def test_not_fulfilled_needs_a_reason_and_the_resident_s_browser(client, world, volunteer):
    wish = fulfilled(world, volunteer)
    url = reverse("wish-not-fulfilled", args=[wish.tracking_code])
    assert client.post(url, {"reason": "没有收到"}).status_code == 404  # a stranger's browser
    cadre = Client()
    cadre.force_login(world.cadre_b)
    assert cadre.post(url, {"reason": "没有收到"}).status_code == 404
    response = resident_for(wish).post(url, {"reason": "  "}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED and wish.not_fulfilled_count == 0
    assert not wish.events.filter(kind=WishEventKind.NOT_FULFILLED).exists()


def test_only_a_fulfilled_wish_can_be_said_not_fulfilled(world, volunteer):
    wish = wishes.claim_wish(wish=on_wall(world), actor=volunteer)
    with pytest.raises(wishes.TransitionError):
        wishes.report_not_fulfilled(wish=wish, reason="没有收到")
    assert Wish.objects.get(pk=wish.pk).not_fulfilled_count == 0


@pytest.mark.parametrize("rounds", [1, 4])
def test_the_status_page_costs_the_same_however_long_the_timeline(
    world, volunteer, rounds, django_assert_max_num_queries
):
    wish = fulfilled(world, volunteer)
    for _ in range(rounds - 1):  # back and forth with the claimer: a longer timeline
        wish.not_fulfilled_count = 0
        wish.save(update_fields=["not_fulfilled_count"])
        wishes.report_not_fulfilled(wish=wish, reason="没有收到")
        wishes.fulfil_wish(wish=wish, actor=volunteer, note="再送一次")
    resident = resident_for(wish)
    with django_assert_max_num_queries(8):
        page = resident.get(reverse("wish-status", args=[wish.tracking_code]))
    assert page.status_code == 200 and page.context["not_fulfilled_form"] is not None
